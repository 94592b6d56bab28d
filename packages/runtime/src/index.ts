export type { CredentialValue, IssuedToken, TokenProvider } from './auth.js';
export type { ApiClient, BaseClientOptions, CallOptions, ClientHooks } from './client.js';
export { createApiClient, packageAgent } from './client.js';
export type {
  ApiDefinition,
  CredentialSource,
  HttpMethod,
  OffsetPagination,
  OperationDefinition,
  PagePagination,
  PaginationDefinition,
  ParamRule,
  SecurityRequirement,
  SecuritySchemeDefinition,
  ServerDefinition,
} from './definition.js';
export { serverUrl } from './definition.js';
export type { APIErrorInit, RequestErrorInit, UserAbortInit } from './errors.js';
export { describeErrorBody } from './errors.js';
export { checkRequestOptions } from './options.js';
export type { PageItem, PaginatedClient, PaginatedPath, PaginateOptions, Paginator } from './paginate.js';
export { MAX_PAGES_DEFAULT, PaginationError, withPagination } from './paginate.js';
export * from './public-errors.js';
export { REDACTED, Redactor } from './redact.js';
export { requestIdOf } from './request-id.js';
export type { RetryOptions } from './retry.js';
export {
  backoffDelay,
  isIdempotent,
  isRetryableStatus,
  parseHttpDate,
  parseRetryAfter,
  RETRY_DEFAULTS,
} from './retry.js';
export type { Logger, RequestOptions } from './transport.js';
export { TIMEOUT_DEFAULT_MS } from './transport.js';
export { canonicalParam, describeRule, validatePathParams } from './validate.js';
