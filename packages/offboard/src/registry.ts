// The providers a run knows, by name: the one place the engine, the CSV reader and the CLI's
// help text look a provider up. The built-in set is providers/index.ts; a caller may pass its own.
import { type ApiDefinition, OffboardError } from '@offboard/runtime';
import { type ProviderModule, showValue } from './provider.js';
import { BUILT_IN_PROVIDERS } from './providers/index.js';
import { InputError, type Target } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: a registry holds modules of every option and client type.
export type AnyProvider = ProviderModule<any, any>;

type BuiltIn = (typeof BUILT_IN_PROVIDERS)[number];

/** The names of the built-in providers. */
export type ProviderName = BuiltIn['name'];

/** Options for each built-in provider's client(s): credentials, baseUrl, retries, fetch, logger. */
export type ClientOptionsByProvider = {
  readonly [M in BuiltIn as M['name']]?: M extends ProviderModule<infer Options, unknown, string> ? Options : never;
};

/** The environment variables an api reads: its credential alternatives, then its base URL. */
function variablesOf(api: ApiDefinition): string {
  const alternatives = api.security
    .map((schemes) =>
      schemes
        .map((scheme) => api.credentials[scheme]?.env)
        .filter((env): env is string => env !== undefined)
        .join(' + '),
    )
    .filter((alternative) => alternative !== '');
  const [first, ...others] = alternatives;
  const credentials = first === undefined ? [] : [others.length > 0 ? `${first} (or ${others.join(' or ')})` : first];
  return [...credentials, ...(api.baseUrlEnv ? [api.baseUrlEnv] : [])].join(', ');
}

export class Registry {
  readonly #byName = new Map<string, AnyProvider>();

  constructor(modules: readonly AnyProvider[]) {
    for (const module of modules) {
      if (!/^[a-z][a-z0-9-]*$/.test(module.name))
        throw new OffboardError(
          `provider name ${JSON.stringify(module.name)} must be lower-case letters, digits and dashes`,
        );
      if (this.#byName.has(module.name)) throw new OffboardError(`provider ${module.name} is registered twice`);
      this.#byName.set(module.name, module);
    }
  }

  get names(): readonly string[] {
    return [...this.#byName.keys()];
  }

  /** The module of `name`; an InputError naming the known providers otherwise. */
  module(name: unknown): AnyProvider {
    const module = typeof name === 'string' ? this.#byName.get(name) : undefined;
    if (!module)
      throw new InputError(`unknown provider ${showValue(String(name))} (expected one of ${this.names.join(', ')})`);
    return module;
  }

  /**
   * Checks a target's provider and ids and returns it in canonical form (ids trimmed, integers
   * without leading zeros, UUIDs lower-case): the form used for duplicates, journal keys and every
   * comparison. Throws InputError; nothing is sent.
   */
  canonical(target: Target): Target {
    if (!target || typeof target !== 'object')
      throw new InputError('a target must be an object { provider, account, user }');
    const module = this.module(target.provider);
    try {
      return module.canonical(target);
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${target.provider}: ${error.message}`);
      throw error;
    }
  }

  /** Per provider, the environment variables its clients read, for the help text. */
  environment(): { readonly provider: string; readonly variables: string }[] {
    return [...this.#byName.values()].map((module) => ({
      provider: module.name,
      variables: [...new Set(module.apis.map(variablesOf))].join('; '),
    }));
  }
}

export const builtInRegistry = new Registry(BUILT_IN_PROVIDERS);

/** The names of the built-in providers. */
export const PROVIDERS: readonly ProviderName[] = BUILT_IN_PROVIDERS.map((module) => module.name);
