// Fixes shared by the two Gcore IAM specs (../gcore-iam, ../gcore-iam-reseller): both vendor
// fragments come from the same Gcore API description and carry the same defects. This is not a
// Redocly plugin of its own: each spec's decorators.js registers these under its own plugin id
// (so redocly.yaml enables them per api) and gives the data that differs, with the reason.

/**
 * The vendor's 403 bodies are a `oneOf` of alternatives that all accept any object, so every
 * body matches more than one and Prism (and any JSON Schema validator) rejects every 403. Gcore
 * answers `{"message": "..."}` for each cause, so the schema named `schema` becomes that one
 * object, described by `description`, and each cause one of `examples` on the 403 media type.
 */
export function forbiddenMessage({ schema: schemaName, description, examples }) {
  return () => ({
    MediaType: {
      enter(mediaType, ctx) {
        const ref = mediaType.schema && mediaType.schema.$ref;
        if (typeof ref !== 'string' || !ref.endsWith(`/components/schemas/${schemaName}`)) return;
        const schema = ctx.resolve(mediaType.schema).node;
        if (!schema || !Array.isArray(schema.oneOf)) return;
        for (const key of Object.keys(schema)) delete schema[key];
        Object.assign(schema, {
          type: 'object',
          description,
          required: ['message'],
          properties: {
            message: { type: 'string', description: 'Human-readable reason for the refusal.' },
          },
        });
        delete mediaType.example;
        mediaType.examples = structuredClone(examples);
      },
    },
  });
}

/**
 * The vendor's id path parameters (`UserID`, `ClientID`) are `type: integer` with no bound. Ids
 * are positive, and the generated client checks path parameters before sending, so 0 and
 * negative ids must be rejected there rather than sent to Gcore.
 */
export function positiveIdParameters() {
  return {
    Parameter: {
      enter(parameter) {
        const schema = parameter.schema;
        if (parameter.in !== 'path' || !schema || schema.$ref || schema.type !== 'integer') return;
        if (schema.minimum === undefined && schema.exclusiveMinimum === undefined) schema.minimum = 1;
      },
    },
  };
}
