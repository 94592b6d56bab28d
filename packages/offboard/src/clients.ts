// The clients of a run, created lazily per provider and account by the provider's module, so
// credentials are only needed for what a run touches. Accounts that share credentials and base
// URL share one client (one token refresh, one LivePerson domain cache, one connection pool, one
// rate gate); with a config file, each configured account's requests carry that account's own
// credential (config.ts). Every client carries the run's abort signal, so an interrupted run can
// cut its requests in flight.
import { ValidationError } from '@offboard/runtime';
import { type AccountConfig, accountClientOptions, clientKey, type OffboardConfig } from './config.js';
import type { ClientRun } from './provider.js';
import type { Registry } from './registry.js';
import { InputError } from './types.js';

export class Clients {
  readonly #made = new Map<string, unknown>();
  readonly #accounts = new Map<string, AccountConfig>();

  constructor(
    private readonly registry: Registry,
    private readonly options: Readonly<Record<string, object | undefined>>,
    private readonly run: ClientRun,
    config?: OffboardConfig,
  ) {
    for (const account of config?.accounts ?? []) this.#accounts.set(`${account.provider}/${account.account}`, account);
  }

  /**
   * The clients for `account` of `provider` (its configured credentials and base URL, else the
   * provider's defaults); a missing or malformed credential or base URL is an InputError
   * (nothing has been sent).
   */
  for(provider: string, account?: string): unknown {
    const configured = account === undefined ? undefined : this.#accounts.get(`${provider}/${account}`);
    const key = clientKey(configured, provider);
    if (!this.#made.has(key)) {
      const module = this.registry.module(provider);
      const own = configured ? accountClientOptions(configured, this.run.env) : {};
      try {
        this.#made.set(key, module.clients({ ...this.options[provider], ...own }, this.run));
      } catch (error) {
        if (error instanceof ValidationError)
          throw new InputError(`${configured ? `${configured.where}: ` : ''}${provider}: ${error.message}`);
        throw error;
      }
    }
    return this.#made.get(key);
  }
}
