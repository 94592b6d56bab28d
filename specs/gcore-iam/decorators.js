// Named fixes to the vendor fragment in ./vendor, applied when bundling specs/gcore-iam.
// Each decorator fixes one vendor defect and says why; README.md lists them all. The two it
// shares with gcore-iam-reseller are written once, in ../gcore-shared/decorators.js.
import { forbiddenMessage, positiveIdParameters } from '../gcore-shared/decorators.js';

// The 403 body the vendor names for DELETE /iam/clients/{clientId}/client-users/{userId}.
const FORBIDDEN_SCHEMA = 'RevokeUserAccessForbiddenError';

// One named example per cause of the 403, so a mock can be asked for each
// (`Prefer: example=<name>`). The messages are the vendor's own example messages, verbatim.
const FORBIDDEN_EXAMPLES = {
  'no-permission': {
    summary: 'The caller has no permission for the account',
    value: { message: 'You do not have permission to perform this action.' },
  },
  'active-tokens': {
    summary: 'The user still has active API tokens',
    value: { message: "You can't remove the user as they have active tokens" },
  },
};

export default function gcoreIamFixes() {
  return {
    id: 'gcore-iam',
    decorators: {
      oas3: {
        // The vendor's 403 body is a `oneOf` of two alternatives that both accept any object (the
        // first has no properties at all): one `{"message"}` object instead, one example per cause.
        'revoke-access-forbidden-message': forbiddenMessage({
          schema: FORBIDDEN_SCHEMA,
          description:
            'Why the access cannot be revoked: the caller has no permission for the account, or the user still has active API tokens.',
          examples: FORBIDDEN_EXAMPLES,
        }),

        // `UserID` and `ClientID` are unbounded integers: ids are positive (minimum 1).
        'positive-id-parameters': positiveIdParameters,

        // The vendor operation sits under the API-wide APIKey security like every other, and
        // Gcore answers 401 to a missing or invalid key, but the fragment does not document it;
        // a client (and a mock) should know that answer. It has no body, like Gcore's other 401s.
        'revoke-access-unauthorized': () => ({
          Operation: {
            enter(operation) {
              if (operation.operationId !== 'iamRevokeClientUserAccess' || !operation.responses || operation.responses['401']) return;
              operation.responses['401'] = {
                description: 'No credentials were sent, or the API key is not valid.',
              };
            },
          },
        }),
      },
    },
  };
}
