// openapi-typescript (and the TypeScript compiler it loads) in a worker thread: loading it takes
// longer than bundling every spec, so the two happen side by side on two cores. Plain JavaScript,
// so the worker starts without a TypeScript loader. Messages: {id, document} in, {id, types} or
// {id, error} out.
import { parentPort } from 'node:worker_threads';
import openapiTS, { astToString, NUMBER, STRING, tsUnion } from 'openapi-typescript';

// generate.ts marks int64 path parameters (INT64_PATH_MARK there): `number | string`.
const transform = (schema) =>
  schema && schema['x-offboard-int64-path'] === true ? tsUnion([NUMBER, STRING]) : undefined;

parentPort?.on('message', async ({ id, document }) => {
  try {
    parentPort?.postMessage({ id, types: astToString(await openapiTS(document, { silent: true, transform })) });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
