// Lint rules of our own, for what recommended-strict does not check and the generated clients
// depend on. Each rule says why it exists.

const CONSTRAINTS = ['format', 'pattern', 'enum', 'const', 'maxLength', 'minimum', 'exclusiveMinimum'];

function resolveSchema(schema, ctx) {
  if (schema && typeof schema === 'object' && '$ref' in schema) return ctx.resolve(schema).node;
  return schema;
}

/** Accepts `{}`: an object (or untyped) schema that requires nothing and does not bound its size. */
function acceptsEmptyObject(schema) {
  if (!schema || typeof schema !== 'object') return false;
  const types = schema.type === undefined ? ['object'] : [].concat(schema.type);
  if (!types.includes('object')) return false;
  if (Array.isArray(schema.required) && schema.required.length > 0) return false;
  if (typeof schema.minProperties === 'number' && schema.minProperties > 0) return false;
  if (schema.const !== undefined || schema.enum !== undefined) return false;
  if (schema.oneOf || schema.anyOf || schema.allOf || schema.not) return false;
  return true;
}

export default function offboardLintRules() {
  return {
    id: 'offboard',
    rules: {
      oas3: {
        // Prism and every JSON Schema validator reject a body that matches more than one `oneOf`
        // alternative. Two alternatives that both accept `{}` make every object ambiguous
        // (the Gcore 403 bodies were like that), which recommended-strict does not catch.
        'no-ambiguous-oneof': () => ({
          Schema(schema, ctx) {
            if (!Array.isArray(schema.oneOf)) return;
            const loose = schema.oneOf
              .map((member, index) => ({ index, member: resolveSchema(member, ctx) }))
              .filter(({ member }) => acceptsEmptyObject(member));
            if (loose.length > 1) {
              ctx.report({
                message: `\`oneOf\` alternatives ${loose.map(({ index }) => index + 1).join(' and ')} all accept \`{}\`, so any object matches more than one: add \`required\` properties or a \`const\` that tells them apart.`,
                location: ctx.location.child(['oneOf']).key(),
              });
            }
          },
        }),
        // The generated clients check every path parameter before sending a request; an
        // unconstrained string would let "../x" or "1/2" through to the provider.
        'path-parameter-constrained': () => ({
          Parameter(parameter, ctx) {
            if (parameter.in !== 'path') return;
            const schema = resolveSchema(parameter.schema, ctx);
            if (!schema || !CONSTRAINTS.some((keyword) => schema[keyword] !== undefined)) {
              ctx.report({
                message: `Path parameter \`${parameter.name}\` has no constraint: give its schema one of ${CONSTRAINTS.join(', ')}.`,
                location: ctx.location.child(['schema']),
              });
            }
          },
        }),
        // A mock (and a reader) needs a concrete body for every documented response body.
        'response-body-example': () => ({
          Response: {
            MediaType(mediaType, ctx) {
              const schema = resolveSchema(mediaType.schema, ctx);
              const hasExample =
                mediaType.example !== undefined ||
                (mediaType.examples && Object.keys(mediaType.examples).length > 0) ||
                (schema && (schema.example !== undefined || Array.isArray(schema.examples)));
              if (!hasExample) {
                ctx.report({
                  message: 'Response body has no example: add `example` or `examples` to the media type or its schema.',
                  location: ctx.location.key(),
                });
              }
            },
          },
        }),
      },
    },
  };
}
