// Named fixes to the vendor fragment in ./vendor, applied when bundling specs/gcore-iam.
// Each decorator fixes one vendor defect and says why; README.md lists them all.

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
        // first has no properties at all), so every body matches both and Prism (and any JSON
        // Schema validator) rejects every 403. Gcore answers `{"message": "..."}` for each cause,
        // so the schema becomes that one object, and each cause a named example on the 403
        // media type.
        'revoke-access-forbidden-message': () => ({
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
                  "Why the access cannot be revoked: the caller has no permission for the account, or the user still has active API tokens.",
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

        // The vendor's id path parameters (`UserID`, `ClientID`) are `type: integer` with no
        // bound. Ids are positive, and the generated client checks path parameters before
        // sending, so 0 and negative ids must be rejected there rather than sent to Gcore.
        'positive-id-parameters': () => ({
          Parameter: {
            enter(parameter) {
              const schema = parameter.schema;
              if (parameter.in !== 'path' || !schema || schema.$ref || schema.type !== 'integer') return;
              if (schema.minimum === undefined && schema.exclusiveMinimum === undefined) schema.minimum = 1;
            },
          },
        }),

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
