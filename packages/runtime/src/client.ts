// createApiClient: an openapi-fetch client wired to the shared runtime. The generated package
// passes its ApiDefinition; this file is the only place that knows how the pieces fit.
import { createRequire } from 'node:module';
import createFetchClient, {
  type Client,
  createQuerySerializer,
  type FetchResponse,
  type MaybeOptionalInit,
} from 'openapi-fetch';
import type { HttpMethod as LowerMethod, MediaType, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { createAuthenticator } from './auth.js';
import { type ApiDefinition, type OperationDefinition, type SecurityRequirement, serverUrl } from './definition.js';
import {
  APIError,
  APIUserAbortError,
  bodyError,
  errorFromAnswer,
  OffboardError,
  userAbort,
  ValidationError,
} from './errors.js';
import { checkBaseUrl, checkRequestOptions, pickOptions } from './options.js';
import { RateGate } from './rate.js';
import { Redactor } from './redact.js';
import { compilePathSerializer, NEVER, type PathSerializer, PlainRequest } from './request.js';
import {
  createTransport,
  type Logger,
  type PendingAnswer,
  type RequestContext,
  type RequestOptions,
  untilAborted,
} from './transport.js';
import { canonicalPathParams } from './validate.js';

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
  readonly signal?: unknown;
  readonly middleware?: unknown;
  readonly [option: string]: unknown;
}

/** What a client knows of one operation, worked out once when the client is created. */
interface Route {
  readonly operation: OperationDefinition;
  readonly security: SecurityRequirement;
  /** The operation's own server, unless an explicit base URL overrides it. */
  readonly server: string | undefined;
  readonly pathSerializer: PathSerializer;
}

/** A call checked and ready to send. */
interface Prepared {
  readonly route: Route;
  readonly pathParams: Record<string, unknown> | undefined;
  readonly context: RequestContext;
  readonly signal: AbortSignal | null;
}

/** The failure of openapi-fetch after a 2xx arrived: reading or parsing its body (see APIResponseBodyError). */
function failedBody(
  error: unknown,
  answer: PendingAnswer,
  signal: AbortSignal | null,
  redactor: Redactor,
): OffboardError {
  if (signal?.aborted) return userAbort(signal, answer, redactor, answer.response);
  let reason: string;
  if (answer.timer.timedOut) reason = `timed out after ${answer.timeoutMs} ms`;
  // V8's JSON messages quote a piece of the body: say what failed, not what it held.
  else if (error instanceof SyntaxError) reason = 'it is not valid JSON';
  else if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    reason = `${error.message}${cause}`;
  } else reason = 'unknown error';
  return bodyError(answer.response, reason, answer, redactor);
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

  const routes = new Map<string, Map<string, Route>>();
  for (const operation of api.operations) {
    const own = explicitBase ? undefined : operation.servers?.[0];
    const method = operation.method.toUpperCase();
    let table = routes.get(method);
    if (!table) {
      table = new Map();
      routes.set(method, table);
    }
    table.set(operation.path, {
      operation,
      security: operation.security ?? api.security,
      server: own && checkBaseUrl(serverUrl(own), `${api.title}: the server of ${operation.operationId}`),
      pathSerializer: compilePathSerializer(operation.path),
    });
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
  // openapi-fetch documents. The query serializer is openapi-fetch's default, made once rather
  // than on every call.
  const fetchClient = createFetchClient<Paths, MediaType>({
    baseUrl,
    Request: PlainRequest as unknown as typeof Request,
    querySerializer: createQuerySerializer(),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  // The middleware openapi-fetch holds, mirrored: while there is none, calls skip the real Request.
  const registered: unknown[] = [];
  const use: typeof fetchClient.use = (...added) => {
    for (const middleware of added) {
      fetchClient.use(middleware);
      if (middleware) registered.push(middleware);
    }
  };
  const eject: typeof fetchClient.eject = (...removed) => {
    fetchClient.eject(...removed);
    for (const middleware of removed) {
      const index = registered.indexOf(middleware);
      if (index !== -1) registered.splice(index, 1);
    }
  };
  const clientSignal = options.signal ?? null;

  /**
   * What a call settles before anything is sent: its operation, the path parameters checked
   * (nothing is sent when one breaks its rule) and in canonical form, its options and its signal.
   */
  function prepare(method: string, path: string, init: CallInit): Prepared {
    const route = routes.get(method)?.get(path);
    if (!route) {
      throw new ValidationError(
        `${api.title}: ${method} ${path} is not an operation of the spec`,
        'path',
        'a documented operation',
      );
    }
    const { operation } = route;
    const pathParams = canonicalPathParams(operation, init.params?.path, redactor);
    if (operation.deprecated) options.logger?.warn?.(`${api.title}: ${operation.operationId} is deprecated`);
    const own = init.signal instanceof AbortSignal && init.signal !== NEVER ? init.signal : null;
    return {
      route,
      pathParams,
      context: { security: route.security, options: pickOptions(init) },
      signal: own && clientSignal ? AbortSignal.any([own, clientSignal]) : (own ?? clientSignal),
    };
  }

  /** Every call: prepared, then sent; one with a signal ends in an APIUserAbortError as soon as it aborts. */
  function call(method: string, path: string, init: CallInit = {}): Promise<unknown> {
    let prepared: Prepared;
    try {
      prepared = prepare(method, path, init);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal, context } = prepared;
    if (!signal) return send(method, path, init, prepared);
    // An APIUserAbortError as soon as the signal aborts, whatever the call is waiting on (a hook,
    // a middleware, a token provider, the network).
    return untilAborted(
      () => send(method, path, init, prepared),
      signal,
      () =>
        userAbort(
          signal,
          context.request ?? { method, url: `${context.base ?? baseUrl}${path}` },
          redactor,
          context.answer?.response,
        ),
    );
  }

  /**
   * The base URL chosen, constant query parameters filled in, and the request handed to
   * openapi-fetch, whose fetch is the transport (with the operation's security).
   */
  async function send(method: string, path: string, init: CallInit, prepared: Prepared): Promise<unknown> {
    const { route, pathParams, context, signal } = prepared;
    const { operation } = route;
    const params = init.params ?? {};
    // Base URL: an explicit one wins; else the operation's own server; else a hook; else the spec's.
    let base = route.server;
    if (!explicitBase && !base && hooks.resolveBaseUrl) {
      const resolved = await hooks.resolveBaseUrl({ operation, pathParams: params.path ?? {} });
      if (resolved) base = checkBaseUrl(resolved, `${api.title}: the base URL resolved for ${operation.operationId}`);
    }
    context.base = base;
    const query = operation.constantQuery ? { ...operation.constantQuery, ...params.query } : params.query;
    // Only the keys that say something: openapi-fetch copies this object several times per call.
    const request: Record<string, unknown> = { ...init };
    request.params =
      pathParams === params.path && query === params.query
        ? params
        : { ...params, ...(pathParams ? { path: pathParams } : {}), ...(query ? { query } : {}) };
    if (signal) request.signal = signal;
    if (base) request.baseUrl = base;
    if (registered.length > 0 || (Array.isArray(init.middleware) && init.middleware.length > 0))
      request.Request = globalThis.Request;
    if (init.pathSerializer === undefined) request.pathSerializer = route.pathSerializer;
    request.fetch = (sent: Request) => transport(sent, context);
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      result = (await fetchClient[method as 'GET'](path as never, request as never)) as typeof result;
    } catch (error) {
      // A 2xx arrived and then its body failed: the status is kept (APIResponseBodyError).
      if (context.answer && !(error instanceof OffboardError))
        throw failedBody(error, context.answer, signal, redactor);
      // Aborted in a middleware: the caller's abort, whatever the middleware threw.
      if (signal?.aborted && !(error instanceof APIError || error instanceof APIUserAbortError))
        throw userAbort(signal, context.request ?? { method, url: `${base ?? baseUrl}${path}` }, redactor);
      throw error;
    } finally {
      context.answer?.timer.clear();
    }
    // The transport only returns a 2xx, but a middleware may supply any Response: only a 2xx resolves.
    const { response } = result;
    if (response.status < 200 || response.status >= 300 || 'error' in result) {
      const url = response.url || `${base ?? baseUrl}${path}`;
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
