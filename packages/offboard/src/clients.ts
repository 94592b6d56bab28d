// One set of generated clients per run, created lazily per provider, so credentials are only
// needed for providers a run touches and every target shares one client (one token refresh,
// one LivePerson domain cache, one connection pool).
import { createClient as createCloudflare, type ClientOptions as CloudflareOptions } from '@offboard/cloudflare-access';
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

const factories: { [P in ProviderName]: (options: ClientOptionsByProvider, shared: Shared) => ProviderClients[P] } = {
  gcore: (options, shared) => ({ iam: createGcoreIam({ ...shared, ...options.gcore }), reseller: createGcoreReseller({ ...shared, ...options.gcore }) }),
  cloudflare: (options, shared) => createCloudflare({ ...shared, ...options.cloudflare }),
  nscale: (options, shared) => createNscale({ ...shared, ...options.nscale }),
  liveperson: (options, shared) => createLivePerson({ ...shared, ...options.liveperson }),
};

export class Clients {
  readonly #made = new Map<ProviderName, unknown>();

  readonly #shared: Shared;

  constructor(
    private readonly options: ClientOptionsByProvider,
    env: Env,
    maxRequestsPerSecond?: number,
  ) {
    this.#shared = { env, ...(maxRequestsPerSecond === undefined ? {} : { maxRequestsPerSecond }) };
  }

  /** The provider's clients; a missing credential is an InputError (nothing has been sent). */
  for<P extends ProviderName>(provider: P): ProviderClients[P] {
    if (!this.#made.has(provider)) {
      try {
        this.#made.set(provider, factories[provider](this.options, this.#shared));
      } catch (error) {
        if (error instanceof ValidationError) throw new InputError(`${provider}: ${error.message}`);
        throw error;
      }
    }
    return this.#made.get(provider) as ProviderClients[P];
  }
}
