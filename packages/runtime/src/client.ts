// createApiClient: an openapi-fetch client wired to the shared runtime. The generated package
// passes its ApiDefinition; this file is the only place that knows how the pieces fit.
import { createRequire } from 'node:module';
import createFetchClient, { type Client, type FetchResponse, type MaybeOptionalInit, type Middleware } from 'openapi-fetch';
import type { HttpMethod as LowerMethod, MediaType, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { createAuthenticator } from './auth.js';
import { serverUrl, type ApiDefinition, type OperationDefinition } from './definition.js';
import { ValidationError } from './errors.js';
import { RateGate } from './rate.js';
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
  const contexts = new WeakMap<Request, RequestContext>();

  const transport = createTransport({
    fetch: options.fetch ?? globalThis.fetch,
    auth,
    redactor,
    userAgent: `${agent} node/${process.version}`,
    defaults,
    logger: options.logger,
    gate: new RateGate(options.maxRequestsPerSecond),
    contextOf: (request) => contexts.get(request) ?? { security: api.security, options: {} },
  });

  const wiring: Middleware = {
    async onRequest({ request, schemaPath, params }) {
      const operation = operations.get(`${request.method} ${schemaPath}`);
      if (!operation) {
        throw new ValidationError(`${api.title}: ${request.method} ${schemaPath} is not an operation of the spec`, 'path', 'a documented operation');
      }
      validatePathParams(operation, params.path, redactor);
      if (operation.deprecated) options.logger?.warn?.(`${api.title}: ${operation.operationId} is deprecated`);

      // Base URL: an explicit one wins; else the operation's own server; else a hook; else the spec's.
      let base = baseUrl;
      if (!explicitBase) {
        const own = operation.servers?.[0];
        const resolved = own ? serverUrl(own) : await hooks.resolveBaseUrl?.({ operation, pathParams: params.path ?? {} });
        if (resolved) base = trimSlash(resolved);
      }
      let target = base === baseUrl ? request.url : `${base}${request.url.slice(baseUrl.length)}`;
      if (operation.constantQuery) {
        const url = new URL(target);
        for (const [name, value] of Object.entries(operation.constantQuery)) {
          if (!url.searchParams.has(name)) url.searchParams.set(name, value);
        }
        target = url.href;
      }
      const next =
        target === request.url
          ? request
          : new Request(target, {
              method: request.method,
              headers: request.headers,
              body: request.body ? await request.arrayBuffer() : null,
              signal: request.signal,
            });
      contexts.set(next, { security: operation.security ?? api.security, options: pickOptions(request) });
      return next;
    },
  };

  const client = createFetchClient<Paths, MediaType>({
    baseUrl,
    fetch: transport,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  client.use(wiring);
  return client as unknown as ApiClient<Paths>;
}
