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
  userAbort,
} from './errors.js';
import type { RateGate } from './rate.js';
import { isSensitiveHeader, type Redactor } from './redact.js';
import { NEVER } from './request.js';
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
  debug?(message: string): void;
  warn?(message: string): void;
}

export const TIMEOUT_DEFAULT_MS = 60_000;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * A 2xx the transport handed to openapi-fetch, whose body is still to be read: the attempt's
 * timer stays armed until the client calls `done()`, so a body that stalls still times out.
 */
export interface PendingAnswer {
  readonly response: Response;
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;
  timedOut(): boolean;
  done(): void;
}

/** What the client knows of each request beyond the request itself (see client.ts). */
export interface RequestContext {
  readonly security: SecurityRequirement;
  readonly options: RequestOptions;
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

/** The per-attempt timeout, also aborted by the caller's signal; armed until `clear()`. */
class TimeoutSignal {
  readonly controller = new AbortController();
  timedOut = false;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #parent: AbortSignal | null;
  readonly #onParentAbort = () => this.controller.abort(this.#parent?.reason);

  constructor(ms: number, parent: AbortSignal | null) {
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`timed out after ${ms} ms`));
    }, ms);
    this.#parent = parent;
    if (parent?.aborted) this.controller.abort(parent.reason);
    else this.#parent?.addEventListener('abort', this.#onParentAbort, { once: true });
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
  }
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
  readonly timeout: TimeoutSignal;
}

export function createTransport(
  config: TransportConfig,
): (request: Request, context: RequestContext) => Promise<Response> {
  const { auth, redactor, logger } = config;
  const log = (message: string) => logger?.debug?.(redactor.text(message));

  /**
   * One attempt: follows redirects itself so credentials only ever go to the first origin. The
   * answer comes back with its timer still armed: whoever reads the body clears it.
   */
  async function attempt(
    request: Request,
    callerSignal: AbortSignal | null,
    body: ArrayBuffer | undefined,
    credentials: Record<string, string>,
    timeoutMs: number,
  ): Promise<Attempted> {
    const origin = new URL(request.url).origin;
    let url = request.url;
    let method = request.method;
    let payload = body;
    const timeout = new TimeoutSignal(timeoutMs, callerSignal);
    const given: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      given[name] = value;
    });
    given['user-agent'] = config.userAgent;
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const headers: Record<string, string> = { ...given };
        if (hop === 0 || new URL(url).origin === origin) {
          Object.assign(headers, credentials);
        } else {
          // RFC 9110 §15.4: a redirect may lead anywhere; credentials stay with their origin.
          for (const name of Object.keys(headers)) {
            if (isSensitiveHeader(name) || auth.headerNames.some((own) => own.toLowerCase() === name))
              delete headers[name];
          }
        }
        if (payload === undefined) delete headers['content-type'];
        const response = await config.fetch(url, {
          method,
          headers,
          body: payload ?? null,
          redirect: 'manual',
          signal: timeout.controller.signal,
        });
        const target = redirectTarget(response, url);
        if (target === undefined) return { response, timeout };
        await discard(response);
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          payload = undefined;
        }
        url = target;
        log(`redirected to ${url}`);
      }
      throw new APIConnectionError(
        `too many redirects (more than ${MAX_REDIRECTS}) from ${request.method} ${redactor.text(request.url)}`,
        {
          method: request.method,
          url: redactor.text(request.url),
        },
      );
    } catch (error) {
      timeout.clear();
      if (callerSignal?.aborted) throw userAbort(callerSignal, request, redactor);
      if (error instanceof APIError) throw error;
      if (timeout.timedOut) {
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

  async function send(request: Request, context: RequestContext, callerSignal: AbortSignal | null): Promise<Response> {
    const options = { ...RETRY_DEFAULTS, timeout: TIMEOUT_DEFAULT_MS, ...config.defaults, ...context.options };
    const maxRetries = isIdempotent(request.method) ? options.maxRetries : 0;
    // Read the body once so each attempt and redirect can send it again.
    const body = request.body === null || request.body === undefined ? undefined : await request.arrayBuffer();
    let refreshedAfter401 = false;

    for (let retry = 0; ; retry++) {
      const turn = config.gate.wait(callerSignal);
      if (turn) await turn;
      const applied = await auth.apply(context.security);
      let attempted: Attempted;
      try {
        attempted = await attempt(request, callerSignal, body, applied.headers, options.timeout);
      } catch (error) {
        if (error instanceof APIConnectionError && retry < maxRetries) {
          const delay = backoffDelay(retry, options);
          log(`${request.method} ${request.url}: ${error.message}; retry ${retry + 1}/${maxRetries} in ${delay} ms`);
          await sleep(delay, callerSignal);
          continue;
        }
        throw error;
      }
      const { response, timeout } = attempted;

      // Only a 2xx is a success (RFC 9110 §15.3); its body is read by openapi-fetch, under this timer.
      if (response.status >= 200 && response.status < 300) {
        context.answer = {
          response,
          method: request.method,
          url: request.url,
          timeoutMs: options.timeout,
          timedOut: () => timeout.timedOut,
          done: () => timeout.clear(),
        };
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
          await discard(response);
          timeout.clear();
          log(`${request.method} ${request.url}: ${response.status}; retry ${retry + 1}/${maxRetries} in ${delay} ms`);
          // With Retry-After the paused gate does the waiting (at the top of the loop).
          if (retryAfterMs === undefined) await sleep(delay, callerSignal);
          continue;
        }
        // Anything else, 1xx and unfollowed 3xx included, is a typed error: never a resolved call.
        throw await errorFromResponse(response, request, redactor, retryAfterMs);
      } finally {
        timeout.clear();
      }
    }
  }

  return async function transport(request: Request, context: RequestContext): Promise<Response> {
    // The caller's signal, if the call was given one (NEVER cannot abort: nothing to listen to).
    const callerSignal = request.signal === NEVER ? null : request.signal;
    try {
      return await send(request, context, callerSignal);
    } catch (error) {
      // Aborted while waiting for its turn, backing off or refreshing a token: the caller's abort.
      // An answer that arrived (an APIError with a status) is kept.
      const answered = error instanceof APIError && (error.status !== undefined || error instanceof APIUserAbortError);
      if (callerSignal?.aborted && !answered) throw userAbort(callerSignal, request, redactor);
      throw error;
    }
  };
}
