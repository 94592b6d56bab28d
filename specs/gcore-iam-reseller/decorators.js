// Named fixes to the vendor fragment in ./vendor, applied when bundling specs/gcore-iam-reseller.
// Each decorator fixes one vendor defect and says why; README.md lists them all.

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

        // The vendor's 403 body is a `oneOf` of two alternatives that both accept any object, so
        // every body matches both and Prism (and any JSON Schema validator) rejects every 403;
        // the first alternative even describes an `errors` property while its example has
        // `message`. Gcore answers `{"message": "..."}` for every cause, so the schema becomes
        // that one object, and each cause becomes a named example on the 403 media type.
        'delete-user-forbidden-message': () => ({
          MediaType: {
            enter(mediaType, ctx) {
              const ref = mediaType.schema && mediaType.schema.$ref;
              if (typeof ref !== 'string' || !ref.endsWith(`/components/schemas/${FORBIDDEN_SCHEMA}`)) return;
              const schema = ctx.resolve(mediaType.schema).node;
              if (!schema || !Array.isArray(schema.oneOf)) return;
              for (const key of Object.keys(schema)) delete schema[key];
              Object.assign(schema, {
                type: 'object',
                description:
                  'Why the user cannot be deleted: the caller lacks permission, the user still has access to other accounts, or the user still has active API tokens.',
                required: ['message'],
                properties: {
                  message: { type: 'string', description: 'Human-readable reason for the refusal.' },
                },
              });
              delete mediaType.example;
              mediaType.examples = structuredClone(FORBIDDEN_EXAMPLES);
            },
          },
        }),

        // The vendor's id path parameters (`UserID`) are `type: integer` with no bound. Ids are
        // positive, and the generated client checks path parameters before sending, so 0 and
        // negative ids must be rejected there rather than sent to Gcore.
        'positive-id-parameters': () => ({
          Parameter: {
            enter(parameter) {
              const schema = parameter.schema;
              if (parameter.in !== 'path' || !schema || schema.$ref || schema.type !== 'integer') return;
              if (schema.minimum === undefined && schema.exclusiveMinimum === undefined) schema.minimum = 1;
            },
          },
        }),
      },
    },
  };
}
