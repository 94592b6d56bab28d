// openapi-typescript (and the TypeScript compiler it loads) in a worker thread: loading it takes
// longer than bundling every spec, so the two happen side by side on two cores. Plain JavaScript,
// so the worker starts without a TypeScript loader. Messages: {id, document} in, {id, types} or
// {id, error} out.
import { parentPort } from 'node:worker_threads';
import openapiTS, { astToString } from 'openapi-typescript';

parentPort?.on('message', async ({ id, document }) => {
  try {
    parentPort?.postMessage({ id, types: astToString(await openapiTS(document, { silent: true })) });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
