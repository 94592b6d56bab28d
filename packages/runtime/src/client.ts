// createApiClient: an openapi-fetch client wired to the shared runtime. The generated package
// passes its ApiDefinition; this file is the only place that knows how the pieces fit.
import { createRequire } from 'node:module';
import createFetchClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import type { HttpMethod as LowerMethod, MediaType, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { createAuthenticator } from './auth.js';
import { type ApiDefinition, type OperationDefinition, serverUrl } from './definition.js';
import { APIError, bodyError, errorFromAnswer, userAbort, ValidationError } from './errors.js';
import { checkBaseUrl, checkRequestOptions, pickOptions } from './options.js';
import { RateGate } from './rate.js';
import { Redactor } from './redact.js';
import { NEVER, PlainRequest } from './request.js';
import {
  createTransport,
  type Logger,
  type PendingAnswer,
  type RequestContext,
  type RequestOptions,
} from './transport.js';
import { canonicalParam, validatePathParams } from './validate.js';

export interface BaseClientOptions extends RequestOptions {
  /** Overrides the spec's server (and the provider's `*_BASE_URL` environment variable). */
  readonly baseUrl?: string;
  /** Headers sent with every request. */
  readonly headers?: Record<string, string>;
  /** The fetch to use. Default: globalThis.fetch. */
  readonly fetch?: typeof globalThis.fetch;
  /** Where debug lines go (redacted). Default: nowhere. */
  readonly logger?: Logger;
  /** Environment to read credentials and the base URL from. Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Paces every request of this client to at most this many per second. Default: no pacing. */
  readonly maxRequestsPerSecond?: number;
  /** Aborts every call of this client (each throws APIUserAbortError), beside a call's own `signal`. */
  readonly signal?: AbortSignal;
}

/** Lets a package pick the base URL per request (LivePerson resolves a domain per account). */
export interface ClientHooks {
  resolveBaseUrl?(context: {
    readonly operation: OperationDefinition;
    readonly pathParams: Readonly<Record<string, unknown>>;
  }): Promise<string | undefined>;
}

/** Per-call options, passed beside `params` in any call: `client.GET(path, { params, timeout: 5000 })`. */
export type CallOptions = RequestOptions;

// openapi-fetch's own: init is optional when nothing in it is required, and takes extra keys
// (our per-call options).
type InitParam<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

// biome-ignore lint/complexity/noBannedTypes: openapi-fetch's own constraint for a paths object.
type ClientMethod<Paths extends Record<string, Record<LowerMethod, {}>>, Method extends LowerMethod> = <
  Path extends PathsWithMethod<Paths, Method>,
  Init extends MaybeOptionalInit<Paths[Path], Method>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<Extract<FetchResponse<Paths[Path][Method], Init, MediaType>, { error?: never }>>;

/**
 * An openapi-fetch client whose calls resolve only on success: `{ data, response }`. Every
 * non-2xx answer throws a typed APIError instead of returning `{ error }`.
 */
export type ApiClient<Paths extends {}> = {
  // biome-ignore lint/complexity/noBannedTypes: openapi-fetch's own constraint for a paths object.
  [Method in LowerMethod as Uppercase<Method>]: ClientMethod<Paths & Record<string, Record<LowerMethod, {}>>, Method>;
} & Pick<Client<Paths, MediaType>, 'use' | 'eject'>;

/** `name/version` of a package, read from the package.json next to its src/ or dist/. */
export function packageAgent(moduleUrl: string): string {
  const { name, version } = createRequire(moduleUrl)('../package.json') as { name: string; version: string };
  return `${name}/${version}`;
}

/** What a call passes beside the path, as far as the wiring reads it. */
interface CallInit {
  readonly params?: {
    readonly path?: Readonly<Record<string, unknown>>;
    readonly query?: Readonly<Record<string, unknown>>;
  };
  readonly [option: string]: unknown;
}

/** The failure of openapi-fetch after a 2xx arrived: reading or parsing its body (see APIResponseBodyError). */
function failedBody(error: unknown, answer: PendingAnswer, signal: AbortSignal | null, redactor: Redactor): APIError {
  if (signal?.aborted) return userAbort(signal, answer, redactor, answer.response);
  let reason: string;
  if (answer.timedOut()) reason = `timed out after ${answer.timeoutMs} ms`;
  // V8's JSON messages quote a piece of the body: say what failed, not what it held.
  else if (error instanceof SyntaxError) reason = 'it is not valid JSON';
  else if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    reason = `${error.message}${cause}`;
  } else reason = 'unknown error';
  return bodyError(answer.response, reason, answer, redactor);
}

/** Integer ids without leading zeros, UUIDs lower-case: the form the provider is sent. */
function canonicalPath(
  operation: OperationDefinition,
  path: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...path };
  for (const [name, rule] of Object.entries(operation.pathParams)) {
    const value = path[name];
    if (typeof value === 'string' || typeof value === 'number') out[name] = canonicalParam(rule, value);
  }
  return out;
}

export function createApiClient<Paths extends {}, Options extends BaseClientOptions = BaseClientOptions>(
  api: ApiDefinition,
  /** Base options plus the api's credential options (see its generated `Credentials`). */
  options: Options,
  agent: string,
  hooks: ClientHooks = {},
): ApiClient<Paths> {
  const env = options.env ?? process.env;
  const redactor = new Redactor();
  const auth = createAuthenticator(api, options as Readonly<Record<string, unknown>>, env, redactor);
  const givenBase = options.baseUrl ?? (api.baseUrlEnv ? env[api.baseUrlEnv] : undefined);
  const baseName = options.baseUrl !== undefined || !api.baseUrlEnv ? 'baseUrl' : api.baseUrlEnv;
  const explicitBase = givenBase ? checkBaseUrl(givenBase, baseName) : undefined;
  const defaultServer = api.servers[0];
  if (!explicitBase && !defaultServer) {
    throw new ValidationError(`${api.title}: no server in the spec; pass baseUrl`, 'baseUrl', 'required');
  }
  const baseUrl = explicitBase ?? checkBaseUrl(serverUrl(defaultServer!), `${api.title}: the spec's server`);
  const defaults = checkRequestOptions(options);

  const operations = new Map(
    api.operations.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation]),
  );
  const operationServers = new Map<OperationDefinition, string>();
  if (!explicitBase) {
    for (const operation of api.operations) {
      const own = operation.servers?.[0];
      if (own)
        operationServers.set(
          operation,
          checkBaseUrl(serverUrl(own), `${api.title}: the server of ${operation.operationId}`),
        );
    }
  }

  const transport = createTransport({
    fetch: options.fetch ?? globalThis.fetch,
    auth,
    redactor,
    userAgent: `${agent} node/${process.version}`,
    defaults,
    logger: options.logger,
    gate: new RateGate(options.maxRequestsPerSecond),
  });

  // A PlainRequest stands in for Request (openapi-fetch's `Request` option), except when a
  // middleware will see it: then a real Request, so `new Request(request, init)` works as
  // openapi-fetch documents.
  const fetchClient = createFetchClient<Paths, MediaType>({
    baseUrl,
    Request: PlainRequest as unknown as typeof Request,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  let middlewares = 0;
  const use: typeof fetchClient.use = (...added) => {
    fetchClient.use(...added);
    middlewares += added.filter(Boolean).length;
  };
  const eject: typeof fetchClient.eject = (...removed) => {
    fetchClient.eject(...removed);
    middlewares = Math.max(0, middlewares - removed.filter(Boolean).length);
  };

  /**
   * Every call goes through here before openapi-fetch builds the request: the path parameters are
   * checked (nothing is sent when one breaks its rule), constant query parameters filled in, the
   * base URL chosen, and the request handed to the transport with its operation's security.
   */
  async function call(method: string, path: string, init: CallInit = {}): Promise<unknown> {
    const operation = operations.get(`${method} ${path}`);
    if (!operation) {
      throw new ValidationError(
        `${api.title}: ${method} ${path} is not an operation of the spec`,
        'path',
        'a documented operation',
      );
    }
    const params = init.params ?? {};
    validatePathParams(operation, params.path, redactor);
    if (operation.deprecated) options.logger?.warn?.(`${api.title}: ${operation.operationId} is deprecated`);
    const callOptions = pickOptions(init);

    // Base URL: an explicit one wins; else the operation's own server; else a hook; else the spec's.
    let operationBase = operationServers.get(operation);
    if (!explicitBase && !operationBase && hooks.resolveBaseUrl) {
      const resolved = await hooks.resolveBaseUrl({ operation, pathParams: params.path ?? {} });
      if (resolved)
        operationBase = checkBaseUrl(resolved, `${api.title}: the base URL resolved for ${operation.operationId}`);
    }
    const context: RequestContext = { security: operation.security ?? api.security, options: callOptions };
    const own = init.signal instanceof AbortSignal && init.signal !== NEVER ? init.signal : null;
    const signal = own && options.signal ? AbortSignal.any([own, options.signal]) : (own ?? options.signal ?? null);
    const withMiddleware = middlewares > 0 || (Array.isArray(init.middleware) && init.middleware.length > 0);
    const query = operation.constantQuery ? { ...operation.constantQuery, ...params.query } : params.query;
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      result = (await fetchClient.request(
        method.toLowerCase() as never,
        path as never,
        {
          ...init,
          ...(signal ? { signal } : {}),
          params: {
            ...params,
            ...(params.path ? { path: canonicalPath(operation, params.path) } : {}),
            ...(query ? { query } : {}),
          },
          ...(operationBase ? { baseUrl: operationBase } : {}),
          ...(withMiddleware ? { Request: globalThis.Request } : {}),
          fetch: (request: Request) => transport(request, context),
        } as never,
      )) as typeof result;
    } catch (error) {
      // A 2xx arrived and then its body failed: the status is kept (APIResponseBodyError).
      if (context.answer && !(error instanceof APIError)) throw failedBody(error, context.answer, signal, redactor);
      throw error;
    } finally {
      context.answer?.done();
    }
    // The transport only returns a 2xx, but a middleware may supply any Response: only a 2xx resolves.
    const { response } = result;
    if (response.status < 200 || response.status >= 300 || 'error' in result) {
      const url = response.url || `${operationBase ?? baseUrl}${path}`;
      throw errorFromAnswer(response, result.error, { method, url }, redactor);
    }
    return result;
  }

  const client: Record<string, unknown> = { use, eject };
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']) {
    client[method] = (path: string, init?: CallInit) => call(method, path, init);
  }
  return client as unknown as ApiClient<Paths>;
}
