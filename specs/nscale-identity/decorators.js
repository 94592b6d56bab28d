// Named fixes applied when bundling specs/nscale-identity. Each decorator fixes one defect of the
// vendor text in ./vendor (which is never edited) and says why. They are enabled one by one in the
// `nscale-identity` entry of ../../redocly.yaml. The facts behind them come from the public
// nscaledev/uni-identity server spec (v1.19.1) and the uni-core v1.17.1 common spec it uses.
//
// Each decorator matches its target by where it sits in the vendor file (file name and JSON
// pointer), so it cannot touch our own additions, and does nothing once the vendor has fixed
// the defect.

const VENDOR_FILE = 'identity-openapi.delete-organization-user.yaml';
const DELETE_USER = '#/paths/~1api~1v1~1organizations~1{organizationID}~1users~1{userID}/delete';
const ERROR_SCHEMA = '#/components/schemas/error';
const UUID_PARAMETERS = new Set([
  '#/components/parameters/organizationIDParameter',
  '#/components/parameters/userIDParameter',
]);

/** The JSON pointer of the node being visited when it is in the vendor file, else undefined. */
function vendorPointer(ctx) {
  const { source, pointer } = ctx.location;
  const file = source.absoluteRef.split(/[\\/]/).pop();
  return file === VENDOR_FILE ? pointer : undefined;
}

export default function nscaleIdentityFixes() {
  return {
    id: 'nscale-identity',
    decorators: {
      oas3: {
        // The vendor declares `organizationID` and `userID` as bare strings. Both are UUIDs: the
        // current upstream spec types them with schemas of `type: string, format: uuid`
        // (organizationId, userId), and the service's IDs are UUIDs. Without a format the
        // generated client would send any string (e.g. "../x") and our lint rule
        // offboard/path-parameter-constrained fails.
        'path-ids-format-uuid': () => ({
          Parameter: {
            leave(parameter, ctx) {
              if (!UUID_PARAMETERS.has(vendorPointer(ctx))) return;
              const schema = parameter.schema;
              if (schema && schema.type === 'string' && schema.format === undefined) {
                schema.format = 'uuid';
              }
            },
          },
        }),
        // The vendor's DELETE has no operationId (neither has any upstream operation: the Go
        // server is generated from path and method). The generated client, the journal and the
        // contract tests name operations by it.
        'delete-organization-user-operation-id': () => ({
          Operation: {
            leave(operation, ctx) {
              if (vendorPointer(ctx) === DELETE_USER && operation.operationId === undefined) {
                operation.operationId = 'deleteOrganizationUser';
              }
            },
          },
        }),
        // The current upstream error body (uni-core v1.17.1 `error`) carries an optional
        // `trace_id` string; every upstream error example carries one. The vendor schema lacks
        // it, so the generated client would drop it, and the client parses
        // {error, error_description, trace_id}.
        'error-trace-id': () => ({
          Schema: {
            leave(schema, ctx) {
              if (vendorPointer(ctx) !== ERROR_SCHEMA || !schema.properties) return;
              if (schema.properties.trace_id === undefined) {
                schema.properties.trace_id = {
                  description: 'An ID of the request, unique to it, for tracing it in the service logs.',
                  type: 'string',
                };
              }
            },
          },
        }),
        // The current upstream error body allows one more `error` code than the vendor's enum:
        // `unprocessable_content` (HTTP 422). A client validating the enum would reject a real
        // error body that carries it.
        'error-code-unprocessable-content': () => ({
          Schema: {
            leave(schema, ctx) {
              if (vendorPointer(ctx) !== ERROR_SCHEMA) return;
              const code = schema.properties && schema.properties.error;
              if (code && Array.isArray(code.enum) && !code.enum.includes('unprocessable_content')) {
                code.enum.push('unprocessable_content');
              }
            },
          },
        }),
      },
    },
  };
}
