// One set of generated clients per run, created lazily per provider, so credentials are only
// needed for providers a run touches and every target shares one client (one token refresh,
// one LivePerson domain cache, one connection pool). Every client carries the run's abort
// signal, so an interrupted run can cut its requests in flight.
import { type ClientOptions as CloudflareOptions, createClient as createCloudflare } from '@offboard/cloudflare-access';
import { createClient as createGcoreIam, type ClientOptions as GcoreOptions } from '@offboard/gcore-iam';
import { createClient as createGcoreReseller } from '@offboard/gcore-iam-reseller';
import { createClient as createLivePerson, type ClientOptions as LivePersonOptions } from '@offboard/liveperson-users';
import { createClient as createNscale, type ClientOptions as NscaleOptions } from '@offboard/nscale-identity';
import { ValidationError } from '@offboard/runtime';
import type { GcoreClients } from './policies/gcore.js';
import { InputError, type ProviderName } from './types.js';

/** Options for each provider's client(s): credentials, baseUrl, retries, fetch, logger. */
export interface ClientOptionsByProvider {
  /** Used for both Gcore clients (IAM and IAM Reseller share the API key and base URL). */
  readonly gcore?: GcoreOptions;
  readonly cloudflare?: CloudflareOptions;
  readonly nscale?: NscaleOptions;
  readonly liveperson?: LivePersonOptions;
}

export interface ProviderClients {
  gcore: GcoreClients;
  cloudflare: ReturnType<typeof createCloudflare>;
  nscale: ReturnType<typeof createNscale>;
  liveperson: ReturnType<typeof createLivePerson>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** What every client of a run gets unless its provider's options say otherwise. */
interface Shared {
  readonly env: Env;
  readonly maxRequestsPerSecond?: number;
}

/** A provider's options with the run's shared ones beneath and the run's abort signal beside the caller's own. */
function withRun<O extends { readonly signal?: AbortSignal }>(
  shared: Shared,
  signal: AbortSignal,
  own: O | undefined,
): Shared & O & { signal: AbortSignal } {
  return { ...shared, ...(own as O), signal: own?.signal ? AbortSignal.any([own.signal, signal]) : signal };
}

const factories: {
  [P in ProviderName]: (options: ClientOptionsByProvider, shared: Shared, signal: AbortSignal) => ProviderClients[P];
} = {
  gcore: (options, shared, signal) => ({
    iam: createGcoreIam(withRun(shared, signal, options.gcore)),
    reseller: createGcoreReseller(withRun(shared, signal, options.gcore)),
  }),
  cloudflare: (options, shared, signal) => createCloudflare(withRun(shared, signal, options.cloudflare)),
  nscale: (options, shared, signal) => createNscale(withRun(shared, signal, options.nscale)),
  liveperson: (options, shared, signal) => createLivePerson(withRun(shared, signal, options.liveperson)),
};

export class Clients {
  readonly #made = new Map<ProviderName, unknown>();

  readonly #shared: Shared;

  constructor(
    private readonly options: ClientOptionsByProvider,
    env: Env,
    maxRequestsPerSecond: number | undefined,
    private readonly signal: AbortSignal,
  ) {
    this.#shared = { env, ...(maxRequestsPerSecond === undefined ? {} : { maxRequestsPerSecond }) };
  }

  /** The provider's clients; a missing or malformed credential or base URL is an InputError (nothing has been sent). */
  for<P extends ProviderName>(provider: P): ProviderClients[P] {
    if (!this.#made.has(provider)) {
      try {
        this.#made.set(provider, factories[provider](this.options, this.#shared, this.signal));
      } catch (error) {
        if (error instanceof ValidationError) throw new InputError(`${provider}: ${error.message}`);
        throw error;
      }
    }
    return this.#made.get(provider) as ProviderClients[P];
  }
}
