// One set of clients per run, created lazily per provider by its module, so credentials are only
// needed for providers a run touches and every target shares one client (one token refresh,
// one LivePerson domain cache, one connection pool). Every client carries the run's abort
// signal, so an interrupted run can cut its requests in flight.
import { ValidationError } from '@offboard/runtime';
import type { ClientRun } from './provider.js';
import type { Registry } from './registry.js';
import { InputError } from './types.js';

export class Clients {
  readonly #made = new Map<string, unknown>();

  constructor(
    private readonly registry: Registry,
    private readonly options: Readonly<Record<string, object | undefined>>,
    private readonly run: ClientRun,
  ) {}

  /** The provider's clients; a missing or malformed credential or base URL is an InputError (nothing has been sent). */
  for(provider: string): unknown {
    if (!this.#made.has(provider)) {
      const module = this.registry.module(provider);
      try {
        this.#made.set(provider, module.clients(this.options[provider], this.run));
      } catch (error) {
        if (error instanceof ValidationError) throw new InputError(`${provider}: ${error.message}`);
        throw error;
      }
    }
    return this.#made.get(provider);
  }
}
