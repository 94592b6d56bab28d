// One small error hierarchy for every client (after the Stainless SDKs): APIError carries the
// status, the response headers, a request id and the provider's parsed body; one subclass per
// family. Everything here has passed through the client's Redactor before it is stored.
import { inspect } from 'node:util';
import type { Redactor } from './redact.js';

export interface APIErrorInit {
  readonly status?: number | undefined;
  readonly headers?: Record<string, string> | undefined;
  readonly requestId?: string | undefined;
  readonly body?: unknown;
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** Milliseconds the provider asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs?: number | undefined;
  readonly cause?: unknown;
}

export class APIError extends Error {
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly requestId: string | undefined;
  /** The provider's error body, parsed as JSON when it is JSON. */
  readonly body: unknown;
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: APIErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.headers = init.headers ?? {};
    this.requestId = init.requestId;
    this.body = init.body;
    this.method = init.method;
    this.url = init.url;
    this.retryAfterMs = init.retryAfterMs;
  }

  toJSON(): Record<string, unknown> {
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

  [inspect.custom](): string {
    return `${this.name}: ${this.message}\n${inspect(this.toJSON(), { depth: 4 })}`;
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
/** No response: DNS, refused connection, reset, too many redirects. */
export class APIConnectionError extends APIError {}
/** No response within the timeout. */
export class APIConnectionTimeoutError extends APIConnectionError {}
/** Refused before sending: a bad parameter or a missing credential. Nothing was sent. */
export class ValidationError extends APIError {
  readonly parameter: string;
  readonly rule: string;

  constructor(message: string, parameter: string, rule: string) {
    super(message);
    this.parameter = parameter;
    this.rule = rule;
  }
}

type APIErrorClass = new (message: string, init?: APIErrorInit) => APIError;

function classForStatus(status: number): APIErrorClass {
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409 || status === 412) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return InternalServerError;
  if (status >= 400) return BadRequestError;
  return APIError;
}

const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-trace-id', 'x-correlation-id', 'cf-ray'];

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
  if (Array.isArray(record['errors']) && record['errors'].length > 0) {
    return record['errors']
      .map((item) => {
        if (!item || typeof item !== 'object') return String(item);
        const entry = item as Record<string, unknown>;
        const code = entry['code'] === undefined ? '' : `${String(entry['code'])} `;
        return `${code}${readString(entry, 'message') ?? JSON.stringify(entry)}`;
      })
      .join('; ');
  }
  const description = readString(record, 'error_description');
  const error = readString(record, 'error');
  if (description) return error ? `${error}: ${description}` : description;
  const message = readString(record, 'message') ?? readString(record, 'detail') ?? readString(record, 'title') ?? error;
  if (message) return message;
  if (record['errors'] && typeof record['errors'] === 'object') return JSON.stringify(record['errors']).slice(0, 300);
  return undefined;
}

function requestIdOf(headers: Headers, body: unknown): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const record = body as Record<string, unknown>;
    return readString(record, 'trace_id') ?? readString(record, 'request_id');
  }
  return undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Reads a non-2xx response and builds the typed error for it, redacted. */
export async function errorFromResponse(
  response: Response,
  request: { method: string; url: string },
  redactor: Redactor,
  retryAfterMs?: number,
): Promise<APIError> {
  const body = redactor.value(await readBody(response));
  const url = redactor.text(request.url);
  const summary = describeErrorBody(body);
  const statusText = response.statusText ? ` ${response.statusText}` : '';
  const message = redactor.text(
    `${response.status}${statusText} from ${request.method} ${new URL(url).pathname}${summary ? `: ${summary}` : ''}` +
      (retryAfterMs === undefined ? '' : ` (the provider asks to retry after ${Math.ceil(retryAfterMs / 1000)} s)`),
  );
  const ErrorClass = classForStatus(response.status);
  return new ErrorClass(message, {
    status: response.status,
    headers: redactor.headers(response.headers),
    requestId: requestIdOf(response.headers, body),
    body,
    method: request.method,
    url,
    retryAfterMs,
  });
}
