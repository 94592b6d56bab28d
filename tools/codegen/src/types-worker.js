// openapi-typescript (and the TypeScript compiler it loads) in a worker thread: loading it takes
// longer than bundling every spec, so the two happen side by side on two cores. Plain JavaScript,
// so the worker starts without a TypeScript loader. Messages: {id, document} in, {id, types} or
// {id, error} out.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

// Its CommonJS build, through require: `import` of the ESM build makes Node 20 scan the 9 MB
// typescript.js twice more before compiling it (module-syntax detection, then cjs-module-lexer for
// the named exports), about half of the worker's start-up. Same code, same output.
const require = createRequire(import.meta.url);
/** @type {typeof import('openapi-typescript')} */
const { astToString, NUMBER, resolveRef, STRING, scanDiscriminators, transformSchema, tsUnion } =
  require('openapi-typescript');

// generate.ts marks int64 path parameters (INT64_PATH_MARK there): `number | string`.
const transform = (schema) =>
  schema && schema['x-offboard-int64-path'] === true ? tsUnion([NUMBER, STRING]) : undefined;

/**
 * What `openapiTS(document, { silent: true, transform })` of openapi-typescript 7.13 renders,
 * without its first step (validateAndBundle: a Redocly lint with the `minimal` rules, then a
 * bundle): the document arrives bundled by the generator's own Redocly, and the specs are linted
 * by `pnpm lint:specs`; the one check of that step the types depend on, unique operationIds, is
 * describeSpec's. The context is openapiTS's with every option at its default.
 * @param {import('openapi-typescript').OpenAPI3} schema
 */
function renderTypes(schema) {
  const version = Number.parseFloat(schema.openapi);
  if (!(version >= 3 && version < 4)) throw new Error(`Unsupported OpenAPI version: ${String(schema.openapi)}`);
  const options = { silent: true, transform };
  /** @type {import('openapi-typescript').GlobalContext} */
  const ctx = {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: true,
    discriminators: scanDiscriminators(schema, options),
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    redoc: undefined,
    silent: true,
    inject: undefined,
    transform,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve: ($ref) => resolveRef(schema, $ref, { silent: true }),
  };
  return astToString(transformSchema(schema, ctx));
}

parentPort?.on('message', ({ id, document }) => {
  try {
    parentPort?.postMessage({ id, types: renderTypes(document) });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
