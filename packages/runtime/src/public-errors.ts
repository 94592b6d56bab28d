// The error classes a client package re-exports (`@offboard/runtime/errors`): one list, so the
// generated client shells and the runtime's own index never disagree about what callers can catch.
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
  OffboardError,
  PermissionDeniedError,
  RateLimitError,
  UnexpectedStatusError,
  ValidationError,
} from './errors.js';
