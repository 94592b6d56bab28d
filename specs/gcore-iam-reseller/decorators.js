// Named fixes to the vendor fragment in ./vendor, applied when bundling specs/gcore-iam-reseller.
// Each decorator fixes one vendor defect and says why; README.md lists them all. The two it
// shares with gcore-iam are written once, in ../gcore-shared/decorators.js.
import { forbiddenMessage, positiveIdParameters } from '../gcore-shared/decorators.js';

// The 403 body the vendor names for DELETE /iam/users/{userId}.
const FORBIDDEN_SCHEMA = 'DeleteUserForbiddenError';

// One named example per cause of the 403, so a mock can be asked for each
// (`Prefer: example=<name>`). The messages are the vendor's own example messages, verbatim
// (the first ends in a newline because the vendor wrote it as a folded YAML block).
const FORBIDDEN_EXAMPLES = {
  'multiple-accounts': {
    summary: 'The user still has access to other accounts',
    value: {
      message:
        'Cannot delete user with multiple accounts.\nUse /clients/:client_id/client-users/:user_id to delete the user from a specific account.\n',
    },
  },
  'active-tokens': {
    summary: 'The user still has active API tokens',
    value: { message: "You can't remove the user as they have active tokens" },
  },
  'no-permission': {
    summary: 'The caller may not delete this user',
    value: { message: 'You do not have permission to perform this action.' },
  },
};

export default function gcoreIamResellerFixes() {
  return {
    id: 'gcore-iam-reseller',
    decorators: {
      oas3: {
        // The vendor operation has no operationId; the generated client, the journal and the
        // contract tests name operations by it. Upstream's newer file calls it iamDeleteUser.
        'delete-user-operation-id': () => ({
          PathItem: {
            leave(pathItem, ctx) {
              if (ctx.key === '/iam/users/{userId}' && pathItem.delete && !pathItem.delete.operationId) {
                pathItem.delete.operationId = 'iamDeleteUser';
              }
            },
          },
        }),

        // The vendor's 403 body is a `oneOf` of two alternatives that both accept any object; the
        // first even describes an `errors` property while its example has `message`. One
        // `{"message"}` object instead, one example per cause.
        'delete-user-forbidden-message': forbiddenMessage({
          schema: FORBIDDEN_SCHEMA,
          description:
            'Why the user cannot be deleted: the caller lacks permission, the user still has access to other accounts, or the user still has active API tokens.',
          examples: FORBIDDEN_EXAMPLES,
        }),

        // `UserID` is an unbounded integer: ids are positive (minimum 1).
        'positive-id-parameters': positiveIdParameters,
      },
    },
  };
}
