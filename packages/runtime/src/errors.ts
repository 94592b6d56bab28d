// One small error hierarchy for every client, after the Stainless SDKs, with one root:
//
//   OffboardError                  everything the packages throw
//   ├── APIError                   the provider answered: status, headers, request id, parsed body
//   │   ├── BadRequestError … InternalServerError   one per status family
//   │   ├── UnexpectedStatusError  a 1xx or 3xx not followed
//   │   └── APIResponseBodyError   a 2xx whose body could not be read
//   ├── APIConnectionError         no answer (→ APIConnectionTimeoutError)
//   ├── APIUserAbortError          the caller's signal aborted
//   └── ValidationError            refused before sending: nothing was sent
//
// Everything here has passed through the client's Redactor before it is stored.
import { inspect } from 'node:util';
import type { Redactor } from './redact.js';
import { requestIdHeader, safeRequestId } from './request-id.js';

/** The root of every error the offboard packages throw: `catch (e) { if (e instanceof OffboardError) … }`. */
export class OffboardError extends Error {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message };
  }

  [inspect.custom](): string {
    return `${this.name}: ${this.message}\n${inspect(this.toJSON(), { depth: 4 })}`;
  }
}

/** The request an error is about, as far as it was built (redacted). */
export interface RequestErrorInit {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly cause?: unknown;
}

export interface APIErrorInit extends RequestErrorInit {
  /** The status the provider answered with. */
  readonly status: number;
  readonly headers?: Record<string, string> | undefined;
  readonly requestId?: string | undefined;
  readonly body?: unknown;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs?: number | undefined;
}

/** The provider answered, and not with a success: `status`, `headers` and its parsed `body` say how. */
export class APIError extends OffboardError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly requestId: string | undefined;
  /** The provider's error body, parsed as JSON when it is JSON. */
  readonly body: unknown;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: APIErrorInit) {
    super(message, init);
    this.status = init.status;
    this.headers = init.headers ?? {};
    this.requestId = init.requestId;
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
    this.retryAfterMs = init.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      method: this.method,
      url: this.url,
      requestId: this.requestId,
      retryAfterMs: this.retryAfterMs,
      body: this.body,
    };
  }
}

/** 400, 422 and other client-side request errors not named below. */
export class BadRequestError extends APIError {}
/** 401: the credential is missing, wrong or expired. */
export class AuthenticationError extends APIError {}
/** 403: the credential is valid but not allowed to do this (or a provider precondition blocks it). */
export class PermissionDeniedError extends APIError {}
/** 404 */
export class NotFoundError extends APIError {}
/** 409 and 412: the state changed; never retried by the runtime, the caller resolves it. */
export class ConflictError extends APIError {}
/** 429 */
export class RateLimitError extends APIError {}
/** 5xx */
export class InternalServerError extends APIError {}
/**
 * A 1xx or 3xx the transport did not follow (a 304, a redirect without a usable Location):
 * an answer, but not a success. Never retried.
 */
export class UnexpectedStatusError extends APIError {}
/**
 * A 2xx arrived but its body could not be read or parsed (invalid JSON, connection lost
 * mid-body, the body read timed out). The provider DID answer with `status`: for a write, the
 * change happened.
 */
export class APIResponseBodyError extends APIError {}

/**
 * No answer: DNS, a refused connection, a reset before the status line, too many redirects. No
 * `status`: the provider may or may not have processed a write.
 */
export class APIConnectionError extends OffboardError {
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(message: string, init: RequestErrorInit = {}) {
    super(message, init);
    this.method = init.method;
    this.url = init.url;
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, method: this.method, url: this.url };
  }
}
/** No answer within the per-attempt timeout. */
export class APIConnectionTimeoutError extends APIConnectionError {}

export interface UserAbortInit extends RequestErrorInit {
  readonly status?: number | undefined;
  readonly headers?: Record<string, string> | undefined;
  readonly requestId?: string | undefined;
}

/**
 * The caller's `signal` aborted the call, whatever it was doing (waiting for its turn, backing
 * off, fetching a token, in a middleware, in flight, reading the body); the signal's reason is
 * the `cause`. Not an APIError: the call did not end in an answer. When a 2xx had arrived and
 * its body was being read, `status`, `headers` and `requestId` say so (for a write, the change
 * happened); otherwise `status` is undefined.
 */
export class APIUserAbortError extends OffboardError {
  readonly method: string | undefined;
  readonly url: string | undefined;
  /** The 2xx that had arrived before the abort, if one had. */
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly requestId: string | undefined;

  constructor(message: string, init: UserAbortInit = {}) {
    super(message, init);
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.headers = init.headers ?? {};
    this.requestId = init.requestId;
  }

  override toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      method: this.method,
      url: this.url,
      status: this.status,
      requestId: this.requestId,
    };
  }
}

/** Refused before sending: a bad parameter, option or credential. Nothing was sent. */
export class ValidationError extends OffboardError {
  /** The parameter, option or environment variable at fault. */
  readonly parameter: string;
  /** What it must be, in words. */
  readonly rule: string;

  constructor(message: string, parameter: string, rule: string) {
    super(message);
    this.parameter = parameter;
    this.rule = rule;
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, parameter: this.parameter, rule: this.rule };
  }
}

type APIErrorClass = new (message: string, init: APIErrorInit) => APIError;

function classForStatus(status: number): APIErrorClass {
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409 || status === 412) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return InternalServerError;
  if (status >= 400) return BadRequestError;
  return status >= 200 && status < 300 ? APIError : UnexpectedStatusError;
}

function readString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * A one-line summary of a provider error body: the Cloudflare envelope `errors[]`, OAuth2-style
 * `{error, error_description}` (nscale), `message` / `errors` (Gcore, LivePerson), RFC 9457
 * `title`/`detail`, or the start of a text body.
 */
export function describeErrorBody(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors) && record.errors.length > 0) {
    return record.errors
      .map((item) => {
        if (!item || typeof item !== 'object') return String(item);
        const entry = item as Record<string, unknown>;
        const code = entry.code === undefined ? '' : `${String(entry.code)} `;
        return `${code}${readString(entry, 'message') ?? JSON.stringify(entry)}`;
      })
      .join('; ');
  }
  const description = readString(record, 'error_description');
  const error = readString(record, 'error');
  if (description) return error ? `${error}: ${description}` : description;
  const message = readString(record, 'message') ?? readString(record, 'detail') ?? readString(record, 'title') ?? error;
  if (message) return message;
  if (record.errors && typeof record.errors === 'object') return JSON.stringify(record.errors).slice(0, 300);
  return undefined;
}

/**
 * The provider's id for the request (see request-id.ts), else the `trace_id` / `request_id` of
 * an error body (nscale's): redacted, then cut short with control characters escaped.
 */
function answerRequestId(headers: Headers, body: unknown, redactor: Redactor): string | undefined {
  let value = requestIdHeader(headers);
  if (value === undefined && body && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    value = readString(record, 'trace_id') ?? readString(record, 'request_id');
  }
  return value === undefined ? undefined : safeRequestId(redactor.text(value));
}

/** Error bodies are read up to this many bytes: a broken or hostile server cannot fill memory. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** An error body, parsed; undefined when empty or unreadable; cut short beyond the cap. */
async function readBody(response: Response, redactor: Redactor): Promise<unknown> {
  const reader = response.body?.getReader();
  if (!reader) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > MAX_ERROR_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES));
        // A secret echoed across the cut would survive redaction in pieces: drop what one can span.
        return `${text.slice(0, Math.max(0, text.length - redactor.longestEcho))}… (cut at ${MAX_ERROR_BODY_BYTES} bytes)`;
      }
    }
  } catch {
    // Cut off mid-body: what arrived may end inside a secret, so none of it is kept.
    return undefined;
  }
  return parseBody(new TextDecoder().decode(Buffer.concat(chunks)));
}

function parseBody(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The path of a URL for a message; the URL itself when it cannot be parsed. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Why a 1xx/3xx was not followed (RFC 9110 §15.4: only a redirect with a Location is followed). */
function notFollowed(status: number, headers: Headers): string {
  if (!REDIRECTS.has(status)) return '';
  return headers.get('location') ? ' with a Location that cannot be followed' : ' without a Location';
}

export interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
}

/** Builds the typed error for a non-2xx answer whose body has been read (`body`: its text or parsed value), redacted. */
export function errorFromAnswer(
  answer: Answer,
  body: unknown,
  request: { method: string; url: string },
  redactor: Redactor,
  retryAfterMs?: number,
): APIError {
  const parsed = redactor.value(parseBody(body));
  const url = redactor.text(request.url);
  const ErrorClass = classForStatus(answer.status);
  let message: string;
  if (ErrorClass === UnexpectedStatusError) {
    message = `${answer.status} from ${request.method} ${pathOf(url)}${notFollowed(answer.status, answer.headers)}: not followed, not a success`;
  } else {
    const summary = describeErrorBody(parsed);
    const statusText = answer.statusText ? ` ${answer.statusText}` : '';
    message =
      `${answer.status}${statusText} from ${request.method} ${pathOf(url)}${summary ? `: ${summary}` : ''}` +
      (retryAfterMs === undefined ? '' : ` (the provider asks to retry after ${Math.ceil(retryAfterMs / 1000)} s)`);
  }
  return new ErrorClass(redactor.text(message), {
    status: answer.status,
    headers: redactor.headers(answer.headers),
    requestId: answerRequestId(answer.headers, parsed, redactor),
    body: parsed,
    method: request.method,
    url,
    retryAfterMs,
  });
}

/** Reads a non-2xx response and builds the typed error for it, redacted. */
export async function errorFromResponse(
  response: Response,
  request: { method: string; url: string },
  redactor: Redactor,
  retryAfterMs?: number,
): Promise<APIError> {
  return errorFromAnswer(response, await readBody(response, redactor), request, redactor, retryAfterMs);
}

/** A 2xx whose body could not be read: the status is kept (see APIResponseBodyError). */
export function bodyError(
  answer: Answer,
  reason: string,
  request: { method: string; url: string },
  redactor: Redactor,
): APIResponseBodyError {
  const url = redactor.text(request.url);
  const why = redactor.text(reason);
  return new APIResponseBodyError(
    `${answer.status} from ${request.method} ${pathOf(url)}, but its body could not be read: ${why}`,
    {
      status: answer.status,
      headers: redactor.headers(answer.headers),
      requestId: answerRequestId(answer.headers, undefined, redactor),
      method: request.method,
      url,
      cause: new Error(why),
    },
  );
}

/** The caller aborted; `answer` when a 2xx had arrived (its body was then not read). The reason is the `cause`. */
export function userAbort(
  signal: AbortSignal,
  request: { method: string; url: string },
  redactor: Redactor,
  answer?: Answer,
): APIUserAbortError {
  const url = redactor.text(request.url);
  const after = answer ? ` after a ${answer.status} arrived (its body was not read)` : '';
  return new APIUserAbortError(`${request.method} ${pathOf(url)} was aborted by the caller${after}`, {
    status: answer?.status,
    headers: answer ? redactor.headers(answer.headers) : undefined,
    requestId: answer ? answerRequestId(answer.headers, undefined, redactor) : undefined,
    method: request.method,
    url,
    cause: signal.reason,
  });
}
