import { type ApiClient, type BaseClientOptions, createApiClient, packageAgent } from '@offboard/runtime';
import { api, type Credentials } from './generated/api.gen.js';
import type { paths } from './generated/schema.gen.js';

export type ClientOptions = BaseClientOptions & Credentials;
export type Client = ApiClient<paths>;

/** A typed client for the Gcore IAM API (offboarding subset). */
export function createClient(options: ClientOptions = {}): Client {
  return createApiClient<paths>(api, options, packageAgent(import.meta.url));
}

export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIResponseBodyError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnexpectedStatusError,
  ValidationError,
} from '@offboard/runtime';
export type { Credentials, OperationId } from './generated/api.gen.js';
export { api } from './generated/api.gen.js';
export type { components, operations, paths } from './generated/schema.gen.js';
