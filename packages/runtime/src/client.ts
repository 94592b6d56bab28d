// createApiClient: an openapi-fetch client wired to the shared runtime. The generated package
// passes its ApiDefinition; this file is the only place that knows how the pieces fit.
import { createRequire } from 'node:module';
import createFetchClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import type { HttpMethod as LowerMethod, MediaType, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { createAuthenticator } from './auth.js';
import { serverUrl, type ApiDefinition, type OperationDefinition } from './definition.js';
import { ValidationError } from './errors.js';
import { RateGate } from './rate.js';
import { PlainRequest } from './request.js';
import { Redactor } from './redact.js';
import { createTransport, type Logger, type RequestContext, type RequestOptions } from './transport.js';
import { validatePathParams } from './validate.js';

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
type InitParam<Init> = RequiredKeysOf<Init> extends never
  ? [(Init & { [key: string]: unknown })?]
  : [Init & { [key: string]: unknown }];

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
  [Method in LowerMethod as Uppercase<Method>]: ClientMethod<Paths & Record<string, Record<LowerMethod, {}>>, Method>;
} & Pick<Client<Paths, MediaType>, 'use' | 'eject'>;

const PER_CALL_KEYS = ['timeout', 'maxRetries', 'initialRetryDelayMs', 'maxRetryDelayMs', 'maxRetryAfterMs'] as const;

/** `name/version` of a package, read from the package.json next to its src/ or dist/. */
export function packageAgent(moduleUrl: string): string {
  const { name, version } = createRequire(moduleUrl)('../package.json') as { name: string; version: string };
  return `${name}/${version}`;
}

function pickOptions(source: object): RequestOptions {
  const picked: Record<string, number> = {};
  for (const key of PER_CALL_KEYS) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== undefined) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ValidationError(`${key} must be a number >= 0 (got ${String(value)})`, key, 'number >= 0');
      }
      picked[key] = value;
    }
  }
  return picked;
}

/** What a call passes beside the path, as far as the wiring reads it. */
interface CallInit {
  readonly params?: {
    readonly path?: Readonly<Record<string, unknown>>;
    readonly query?: Readonly<Record<string, unknown>>;
  };
  readonly [option: string]: unknown;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
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
  const explicitBase = options.baseUrl ?? (api.baseUrlEnv ? env[api.baseUrlEnv] : undefined);
  const defaultServer = api.servers[0];
  if (!explicitBase && !defaultServer) {
    throw new ValidationError(`${api.title}: no server in the spec; pass baseUrl`, 'baseUrl', 'required');
  }
  const baseUrl = trimSlash(explicitBase ?? serverUrl(defaultServer!));
  const defaults = pickOptions(options);

  const operations = new Map(api.operations.map((operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation]));

  const transport = createTransport({
    fetch: options.fetch ?? globalThis.fetch,
    auth,
    redactor,
    userAgent: `${agent} node/${process.version}`,
    defaults,
    logger: options.logger,
    gate: new RateGate(options.maxRequestsPerSecond),
  });

  // A PlainRequest stands in for Request everywhere in this client (openapi-fetch's `Request` option).
  const fetchClient = createFetchClient<Paths, MediaType>({
    baseUrl,
    Request: PlainRequest as unknown as typeof Request,
    ...(options.headers ? { headers: options.headers } : {}),
  });

  /**
   * Every call goes through here before openapi-fetch builds the request: the path parameters are
   * checked (nothing is sent when one breaks its rule), constant query parameters filled in, the
   * base URL chosen, and the request handed to the transport with its operation's security.
   */
  async function call(method: string, path: string, init: CallInit = {}): Promise<unknown> {
    const operation = operations.get(`${method} ${path}`);
    if (!operation) {
      throw new ValidationError(`${api.title}: ${method} ${path} is not an operation of the spec`, 'path', 'a documented operation');
    }
    const params = init.params ?? {};
    validatePathParams(operation, params.path, redactor);
    if (operation.deprecated) options.logger?.warn?.(`${api.title}: ${operation.operationId} is deprecated`);

    // Base URL: an explicit one wins; else the operation's own server; else a hook; else the spec's.
    let operationBase: string | undefined;
    if (!explicitBase) {
      const own = operation.servers?.[0];
      const resolved = own ? serverUrl(own) : await hooks.resolveBaseUrl?.({ operation, pathParams: params.path ?? {} });
      if (resolved) operationBase = trimSlash(resolved);
    }
    const context: RequestContext = { security: operation.security ?? api.security, options: pickOptions(init) };
    return fetchClient.request(method.toLowerCase() as never, path as never, {
      ...init,
      ...(operation.constantQuery ? { params: { ...params, query: { ...operation.constantQuery, ...params.query } } } : {}),
      ...(operationBase ? { baseUrl: operationBase } : {}),
      fetch: (request: Request) => transport(request, context),
    } as never);
  }

  const client: Record<string, unknown> = { use: fetchClient.use, eject: fetchClient.eject };
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']) {
    client[method] = (path: string, init?: CallInit) => call(method, path, init);
  }
  return client as unknown as ApiClient<Paths>;
}
