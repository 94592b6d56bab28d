// The fetch the generated clients run on: credentials, timeout, retries with backoff and
// Retry-After, redirects that never carry credentials to another origin, and typed errors for
// every answer that is not a 2xx (a 1xx or a 3xx it does not follow included). Written once;
// every client package gets it through createApiClient.
import type { Authenticator } from './auth.js';
import type { SecurityRequirement } from './definition.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  errorFromResponse,
  OffboardError,
  userAbort,
} from './errors.js';
import { NO_OPTIONS } from './options.js';
import type { RateGate } from './rate.js';
import { isSensitiveHeader, type Redactor } from './redact.js';
import { NEVER } from './request.js';
import { rememberRedaction, requestIdHeader, safeRequestId } from './request-id.js';
import {
  backoffDelay,
  isIdempotent,
  isRetryableStatus,
  parseRetryAfter,
  RETRY_DEFAULTS,
  type RetryOptions,
  sleep,
} from './retry.js';

export interface RequestOptions extends RetryOptions {
  /** Per-attempt timeout in ms. Default 60000. */
  readonly timeout?: number;
}

export interface Logger {
  /**
   * One line per attempt that got an answer or failed, redacted:
   * `GET /users?limit=100 200 12ms request-id=abc` (see the README). Also each redirect followed.
   */
  debug?(message: string): void;
  warn?(message: string): void;
}

export const TIMEOUT_DEFAULT_MS = 60_000;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The per-attempt timeout, also aborted by the caller's signal; armed until `clear()`. */
export class AttemptTimer {
  readonly controller = new AbortController();
  timedOut = false;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #parent: AbortSignal | null;
  readonly #onParentAbort: (() => void) | undefined;

  constructor(ms: number, parent: AbortSignal | null) {
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`timed out after ${ms} ms`));
    }, ms);
    this.#parent = parent;
    if (parent === null) return;
    if (parent.aborted) this.controller.abort(parent.reason);
    else {
      this.#onParentAbort = () => this.controller.abort(parent.reason);
      parent.addEventListener('abort', this.#onParentAbort, { once: true });
    }
  }

  clear(): void {
    clearTimeout(this.#timer);
    if (this.#onParentAbort) this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }
}

/**
 * A 2xx the transport handed to openapi-fetch, whose body is still to be read: the attempt's
 * timer stays armed until the client clears it, so a body that stalls still times out.
 */
export interface PendingAnswer {
  readonly response: Response;
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;
  readonly timer: AttemptTimer;
}

/** What the client knows of each request beyond the request itself (see client.ts). */
export interface RequestContext {
  readonly security: SecurityRequirement;
  readonly options: RequestOptions;
  /** The base URL the call went to, once chosen. */
  base?: string | undefined;
  /** Set by the transport when openapi-fetch hands it the request. */
  request?: { readonly method: string; readonly url: string };
  /** Set by the transport when it returns a 2xx. */
  answer?: PendingAnswer;
}

export interface TransportConfig {
  readonly fetch: typeof globalThis.fetch;
  readonly auth: Authenticator;
  readonly redactor: Redactor;
  readonly userAgent: string;
  readonly defaults: RequestOptions;
  readonly logger?: Logger | undefined;
  /** Shared pacing of the client's requests. */
  readonly gate: RateGate;
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** Where a redirect leads, when it can be followed: an http(s) Location (RFC 9110 §15.4). */
function redirectTarget(response: Response, from: string): string | undefined {
  if (!REDIRECT_STATUSES.has(response.status)) return undefined;
  const location = response.headers.get('location');
  if (!location) return undefined;
  try {
    const target = new URL(location, from);
    return target.protocol === 'https:' || target.protocol === 'http:' ? target.href : undefined;
  } catch {
    return undefined;
  }
}

interface Attempted {
  readonly response: Response;
  readonly timer: AttemptTimer;
}

/** What the debug line of one attempt needs; made only when there is a `logger.debug`. */
interface AttemptTrace {
  readonly started: number;
  /** Milliseconds from sending to the answer's headers, or to the failure. */
  ms: number;
  /** Why the attempt got no answer: `reset`, `timeout`, `aborted`, … */
  failure: string;
}

/** Why a request got no answer, from the error's code (Node's and undici's, maybe on its cause). */
const FAILURES: Readonly<Record<string, string>> = {
  ECONNRESET: 'reset',
  ECONNABORTED: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset', // the other side closed the connection before answering
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
};

function errorCode(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause && typeof cause === 'object' && depth < 3; depth++) {
    const { code, errors } = cause as { code?: unknown; errors?: unknown };
    if (typeof code === 'string') return code;
    // Happy eyeballs (several addresses tried) fails with an AggregateError of each attempt's error.
    cause = Array.isArray(errors) && errors.length > 0 ? errors[0] : (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

function failureKind(error: unknown): string {
  const code = errorCode(error);
  if (code === undefined) return 'failed';
  return FAILURES[code] ?? (/CERT|TLS|SSL/.test(code) ? 'tls' : 'failed');
}

/** The path and query of a request URL: what the debug line shows (never the origin). */
function pathAndQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/**
 * `work()`, or `reason()` (by default the signal's reason) as soon as `signal` aborts, whatever
 * the work is waiting on; what the work does later is dropped (it goes on, for others). Not
 * started when the signal has already aborted.
 */
export function untilAborted<T>(
  work: () => Promise<T>,
  signal: AbortSignal | null,
  reason: () => unknown = () => signal?.reason,
): Promise<T> {
  if (signal === null) return work();
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    work().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function createTransport(
  config: TransportConfig,
): (request: Request, context: RequestContext) => Promise<Response> {
  const { auth, redactor, logger } = config;
  const redactText = (text: string) => redactor.text(text);
  /** A debug line, redacted. A logger that throws never changes how a call ends. */
  const log = (message: string) => {
    try {
      logger?.debug?.(redactor.text(message));
    } catch {
      // A debug line is not worth a confirmed write reported as failed.
    }
  };
  /**
   * The one debug line of an attempt: `GET /users?limit=100 200 12ms request-id=abc`, then what
   * happens next when it is tried again. `requestId` is redacted and made safe already.
   */
  const logAttempt = (
    request: Request,
    trace: AttemptTrace,
    outcome: number | string,
    requestId: string | undefined,
    next = '',
  ) =>
    log(
      `${request.method} ${pathAndQuery(request.url)} ${outcome} ${trace.ms}ms${requestId === undefined ? '' : ` request-id=${requestId}`}${next}`,
    );
  /** The request id in an answer's headers, redacted before it is cut (a cut could split a secret). */
  const headerRequestId = (response: Response) => {
    const value = requestIdHeader(response.headers);
    return value === undefined ? undefined : safeRequestId(redactor.text(value));
  };
  const ownHeaders = new Set(auth.headerNames.map((name) => name.toLowerCase()));
  // The options of a call that sets none of its own: merged once.
  const clientOptions = { ...RETRY_DEFAULTS, timeout: TIMEOUT_DEFAULT_MS, ...config.defaults };

  /**
   * One attempt: follows redirects itself so credentials only ever go to the first origin. The
   * answer comes back with its timer still armed: whoever reads the body clears it.
   */
  async function attempt(
    request: Request,
    callerSignal: AbortSignal | null,
    body: ArrayBuffer | undefined,
    credentials: Readonly<Record<string, string>>,
    timeoutMs: number,
    trace: AttemptTrace | undefined,
  ): Promise<Attempted> {
    let url = request.url;
    let method = request.method;
    let payload = body;
    const timer = new AttemptTimer(timeoutMs, callerSignal);
    // The headers of the first hop: the request's (no Content-Type without a body), ours, the credentials.
    let headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      if (payload !== undefined || name !== 'content-type') headers[name] = value;
    });
    headers['user-agent'] = config.userAgent;
    for (const name in credentials) headers[name] = credentials[name]!;
    let origin: string | undefined;
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const response = await config.fetch(url, {
          method,
          headers,
          body: payload ?? null,
          redirect: 'manual',
          signal: timer.controller.signal,
        });
        const target = redirectTarget(response, url);
        if (target === undefined) {
          if (trace) trace.ms = Date.now() - trace.started;
          return { response, timer };
        }
        await discard(response);
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          payload = undefined;
        }
        origin ??= new URL(request.url).origin;
        headers = redirectHeaders(request, payload, credentials, new URL(target).origin === origin);
        url = target;
        if (trace) log(`redirected to ${url}`);
      }
      if (trace) trace.failure = 'too-many-redirects';
      throw new APIConnectionError(
        `too many redirects (more than ${MAX_REDIRECTS}) from ${request.method} ${redactor.text(request.url)}`,
        {
          method: request.method,
          url: redactor.text(request.url),
        },
      );
    } catch (error) {
      timer.clear();
      if (trace) {
        trace.ms = Date.now() - trace.started;
        if (!trace.failure)
          trace.failure = callerSignal?.aborted ? 'aborted' : timer.timedOut ? 'timeout' : failureKind(error);
      }
      if (callerSignal?.aborted) throw userAbort(callerSignal, request, redactor);
      if (error instanceof OffboardError) throw error;
      if (timer.timedOut) {
        throw new APIConnectionTimeoutError(
          `${request.method} ${redactor.text(request.url)} timed out after ${timeoutMs} ms`,
          {
            method: request.method,
            url: redactor.text(request.url),
          },
        );
      }
      const reason = error instanceof Error ? redactor.text(error.message) : 'unknown error';
      throw new APIConnectionError(`${request.method} ${redactor.text(request.url)} failed: ${reason}`, {
        method: request.method,
        url: redactor.text(request.url),
        cause: error instanceof Error ? new Error(reason) : undefined,
      });
    }
  }

  /** The headers of a hop after a redirect: credentials only to the first origin (RFC 9110 §15.4). */
  function redirectHeaders(
    request: Request,
    payload: ArrayBuffer | undefined,
    credentials: Readonly<Record<string, string>>,
    sameOrigin: boolean,
  ): Record<string, string> {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      if (payload === undefined && name === 'content-type') return;
      if (!sameOrigin && (isSensitiveHeader(name) || ownHeaders.has(name))) return;
      headers[name] = value;
    });
    headers['user-agent'] = config.userAgent;
    if (sameOrigin) for (const name in credentials) headers[name] = credentials[name]!;
    return headers;
  }

  async function send(request: Request, context: RequestContext, callerSignal: AbortSignal | null): Promise<Response> {
    const options = context.options === NO_OPTIONS ? clientOptions : { ...clientOptions, ...context.options };
    const maxRetries = isIdempotent(request.method) ? options.maxRetries : 0;
    // Read the body once so each attempt and redirect can send it again.
    const body = request.body === null || request.body === undefined ? undefined : await request.arrayBuffer();
    let refreshedAfter401 = false;

    for (let retry = 0; ; retry++) {
      const turn = config.gate.wait(callerSignal);
      if (turn) await turn;
      const pending = auth.apply(context.security);
      // A token provider may take its time: the caller's abort does not wait for it.
      const applied = pending instanceof Promise ? await untilAborted(() => pending, callerSignal) : pending;
      // Only with a debug logger: no clock read, no line built otherwise.
      const trace: AttemptTrace | undefined = logger?.debug ? { started: Date.now(), ms: 0, failure: '' } : undefined;
      let attempted: Attempted;
      try {
        attempted = await attempt(request, callerSignal, body, applied.headers, options.timeout, trace);
      } catch (error) {
        const retrying = error instanceof APIConnectionError && retry < maxRetries;
        const delay = retrying ? backoffDelay(retry, options) : 0;
        if (trace)
          logAttempt(
            request,
            trace,
            trace.failure,
            undefined,
            retrying ? `, retry ${retry + 1}/${maxRetries} in ${delay}ms` : '',
          );
        if (retrying) {
          await sleep(delay, callerSignal);
          continue;
        }
        throw error;
      }
      const { response, timer } = attempted;

      // Only a 2xx is a success (RFC 9110 §15.3); its body is read by openapi-fetch, under this timer.
      if (response.status >= 200 && response.status < 300) {
        rememberRedaction(response, redactText);
        if (trace) logAttempt(request, trace, response.status, headerRequestId(response));
        context.answer = { response, method: request.method, url: request.url, timeoutMs: options.timeout, timer };
        return response;
      }

      try {
        // An expired provider-issued token: refresh once (single-flight) and try again.
        if (
          response.status === 401 &&
          applied.refreshableToken !== undefined &&
          applied.invalidate &&
          !refreshedAfter401
        ) {
          refreshedAfter401 = true;
          if (trace) logAttempt(request, trace, 401, headerRequestId(response), ', retry with a fresh token');
          applied.invalidate(applied.refreshableToken);
          await discard(response);
          retry--;
          continue;
        }

        const retryAfterMs = response.status >= 400 ? parseRetryAfter(response.headers) : undefined;
        const honoured = retryAfterMs !== undefined && retryAfterMs <= options.maxRetryAfterMs;
        // The provider asked every caller to wait: hold all of this client's requests, not just this one.
        if (honoured && isRetryableStatus(response.status)) config.gate.pauseUntil(Date.now() + retryAfterMs);
        if (isRetryableStatus(response.status) && retry < maxRetries && (retryAfterMs === undefined || honoured)) {
          const delay = retryAfterMs ?? backoffDelay(retry, options);
          if (trace) {
            const why = retryAfterMs === undefined ? '' : ' (Retry-After)';
            logAttempt(
              request,
              trace,
              response.status,
              headerRequestId(response),
              `, retry ${retry + 1}/${maxRetries} in ${delay}ms${why}`,
            );
          }
          await discard(response);
          timer.clear();
          // With Retry-After the paused gate does the waiting (at the top of the loop).
          if (retryAfterMs === undefined) await sleep(delay, callerSignal);
          continue;
        }
        // Anything else, 1xx and unfollowed 3xx included, is a typed error: never a resolved call.
        const error = await errorFromResponse(response, request, redactor, retryAfterMs);
        // Its request id may come from the body (nscale's trace_id), now that it has been read.
        if (trace) logAttempt(request, trace, response.status, error.requestId);
        throw error;
      } finally {
        timer.clear();
      }
    }
  }

  return function transport(request: Request, context: RequestContext): Promise<Response> {
    context.request = request;
    // The caller's signal, if the call was given one (NEVER cannot abort: nothing to listen to).
    const callerSignal = request.signal === NEVER ? null : request.signal;
    if (callerSignal === null) return send(request, context, null);
    return send(request, context, callerSignal).catch((error: unknown) => {
      // Aborted while waiting for its turn, backing off or fetching a token: the caller's abort.
      // An answer that arrived (an APIError) is kept.
      if (callerSignal.aborted && !(error instanceof APIError || error instanceof APIUserAbortError))
        throw userAbort(callerSignal, request, redactor);
      throw error;
    });
  };
}
