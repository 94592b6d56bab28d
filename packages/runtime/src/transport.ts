// The fetch the generated clients run on: credentials, timeout, retries with backoff and
// Retry-After, redirects that never carry credentials to another origin, and typed errors for
// every non-2xx answer. Written once; every client package gets it through createApiClient.
import type { Authenticator } from './auth.js';
import type { SecurityRequirement } from './definition.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  errorFromResponse,
} from './errors.js';
import type { RateGate } from './rate.js';
import { NEVER } from './request.js';
import { isSensitiveHeader, type Redactor } from './redact.js';
import {
  backoffDelay,
  isIdempotent,
  isRetryableStatus,
  parseRetryAfter,
  RETRY_DEFAULTS,
  sleep,
  type RetryOptions,
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

/** What the client knows of each request beyond the request itself (see client.ts). */
export interface RequestContext {
  readonly security: SecurityRequirement;
  readonly options: RequestOptions;
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

export function createTransport(config: TransportConfig): (request: Request, context: RequestContext) => Promise<Response> {
  const { auth, redactor, logger } = config;
  const log = (message: string) => logger?.debug?.(redactor.text(message));

  /** One attempt: follows redirects itself so credentials only ever go to the first origin. */
  async function attempt(
    request: Request,
    body: ArrayBuffer | undefined,
    credentials: Record<string, string>,
    timeoutMs: number,
  ): Promise<Response> {
    const origin = new URL(request.url).origin;
    let url = request.url;
    let method = request.method;
    let payload = body;
    const timeout = new TimeoutSignal(timeoutMs, request.signal === NEVER ? null : request.signal);
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
            if (isSensitiveHeader(name) || auth.headerNames.some((own) => own.toLowerCase() === name)) delete headers[name];
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
        const location = response.headers.get('location');
        if (!REDIRECT_STATUSES.has(response.status) || !location) return response;
        await discard(response);
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          payload = undefined;
        }
        url = new URL(location, url).href;
        log(`redirected to ${url}`);
      }
      throw new APIConnectionError(`too many redirects (more than ${MAX_REDIRECTS}) from ${request.method} ${redactor.text(request.url)}`, {
        method: request.method,
        url: redactor.text(request.url),
      });
    } catch (error) {
      if (error instanceof APIError) throw error;
      if (timeout.timedOut) {
        throw new APIConnectionTimeoutError(`${request.method} ${redactor.text(request.url)} timed out after ${timeoutMs} ms`, {
          method: request.method,
          url: redactor.text(request.url),
        });
      }
      if (request.signal.aborted) throw request.signal.reason;
      const reason = error instanceof Error ? redactor.text(error.message) : 'unknown error';
      throw new APIConnectionError(`${request.method} ${redactor.text(request.url)} failed: ${reason}`, {
        method: request.method,
        url: redactor.text(request.url),
        cause: error instanceof Error ? new Error(reason) : undefined,
      });
    } finally {
      timeout.clear();
    }
  }

  return async function transport(request: Request, context: RequestContext): Promise<Response> {
    // The caller's signal, if the call was given one (NEVER cannot abort: nothing to listen to).
    const callerSignal = request.signal === NEVER ? null : request.signal;
    const options = { ...RETRY_DEFAULTS, timeout: TIMEOUT_DEFAULT_MS, ...config.defaults, ...context.options };
    const maxRetries = isIdempotent(request.method) ? options.maxRetries : 0;
    // Read the body once so each attempt and redirect can send it again.
    const body = request.body === null || request.body === undefined ? undefined : await request.arrayBuffer();
    let refreshedAfter401 = false;

    for (let retry = 0; ; retry++) {
      const turn = config.gate.wait(callerSignal);
      if (turn) await turn;
      const applied = await auth.apply(context.security);
      let response: Response;
      try {
        response = await attempt(request, body, applied.headers, options.timeout);
      } catch (error) {
        if (error instanceof APIConnectionError && retry < maxRetries) {
          const delay = backoffDelay(retry, options);
          log(`${request.method} ${request.url}: ${error.message}; retry ${retry + 1}/${maxRetries} in ${delay} ms`);
          await sleep(delay, callerSignal);
          continue;
        }
        throw error;
      }

      // An expired provider-issued token: refresh once (single-flight) and try again.
      if (response.status === 401 && applied.refreshableToken !== undefined && applied.invalidate && !refreshedAfter401) {
        refreshedAfter401 = true;
        applied.invalidate(applied.refreshableToken);
        await discard(response);
        retry--;
        continue;
      }

      if (response.ok || response.status < 400) return response;

      const retryAfterMs = parseRetryAfter(response.headers);
      const honoured = retryAfterMs !== undefined && retryAfterMs <= options.maxRetryAfterMs;
      // The provider asked every caller to wait: hold all of this client's requests, not just this one.
      if (honoured && isRetryableStatus(response.status)) config.gate.pauseUntil(Date.now() + retryAfterMs);
      if (isRetryableStatus(response.status) && retry < maxRetries && (retryAfterMs === undefined || honoured)) {
        const delay = retryAfterMs ?? backoffDelay(retry, options);
        await discard(response);
        log(`${request.method} ${request.url}: ${response.status}; retry ${retry + 1}/${maxRetries} in ${delay} ms`);
        // With Retry-After the paused gate does the waiting (at the top of the loop).
        if (retryAfterMs === undefined) await sleep(delay, callerSignal);
        continue;
      }
      throw await errorFromResponse(response, request, redactor, retryAfterMs);
    }
  };
}
