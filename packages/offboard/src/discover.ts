// Discovery: from people's email addresses to targets. Every configured account is searched once
// per run for all the people at once (its provider's `discover`, reads only); each person then
// has exactly one entry per configured account — the users found there, none (searched and not
// found: absence is evidence too), or the error that kept the account from being searched
// (absence unproven). The targets found run through the policies like any others.
import type { Clients } from './clients.js';
import type { AccountConfig, OffboardConfig } from './config.js';
import { hasControlCharacter } from './format.js';
import { canonicalEmail, showValue } from './provider.js';
import type { Registry } from './registry.js';
import { runBounded } from './schedule.js';
import { describeError, StepLog } from './steps.js';
import { InputError, type Target, type TargetResult, targetKey } from './types.js';

/** One person in one configured account: the users found, or why the account could not be searched. */
export interface DiscoveryEntry {
  readonly email: string;
  readonly provider: string;
  readonly account: string;
  /** The ids of the account's users with exactly this address; empty: searched, not found. */
  readonly users: readonly string[];
  /** Set when the account could not be searched: `users` is then empty and proves nothing. */
  readonly error?: string;
}

/** Accounts the provider says a person is in that the config does not list. */
export interface Unconfigured {
  readonly email: string;
  readonly provider: string;
  readonly accounts: readonly string[];
}

export interface Discovery {
  /** One entry per person × configured account: people in input order, accounts in config order. */
  readonly entries: readonly DiscoveryEntry[];
  /** The targets found (one user in one account), each with the email it was found by. */
  readonly targets: readonly Target[];
  /** An account where several users have one address: blocked, nothing guessed. */
  readonly ambiguous: readonly TargetResult[];
  readonly unconfigured: readonly Unconfigured[];
  /** What the operator should know that leaves the searches sound. */
  readonly warnings: readonly string[];
}

// The practical limits of RFC 5321 (a path of at most 256 octets, so an address of 254).
const MAX_ADDRESS = 254;

/**
 * A person's address in canonical form (trimmed, lower-case): one `@` between a non-empty local
 * part and a domain, no whitespace or control characters, at most 254 characters. InputError
 * otherwise, showing the value escaped.
 */
export function checkEmail(value: unknown): string {
  if (typeof value !== 'string') throw new InputError(`an email address must be a string (got ${typeof value})`);
  const email = canonicalEmail(value);
  const at = email.indexOf('@');
  const problem =
    email === ''
      ? 'is empty'
      : /\s/.test(email) || hasControlCharacter(email)
        ? 'holds whitespace or a control character'
        : email.length > MAX_ADDRESS
          ? `is longer than ${MAX_ADDRESS} characters`
          : at < 1 || at !== email.lastIndexOf('@') || at === email.length - 1
            ? 'is not an address (local-part@domain)'
            : undefined;
  if (problem) throw new InputError(`email ${showValue(value)} ${problem}`);
  return email;
}

/** The addresses in canonical form, each once; a repeated one is an InputError naming both places. */
export function checkPeople(people: readonly { readonly email: unknown; readonly where: string }[]): string[] {
  const seen = new Map<string, string>();
  return people.map(({ email, where }) => {
    let canonical: string;
    try {
      canonical = checkEmail(email);
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${where}: ${error.message}`);
      throw error;
    }
    const earlier = seen.get(canonical);
    if (earlier !== undefined) throw new InputError(`${where}: the same person as ${earlier} (${canonical})`);
    seen.set(canonical, where);
    return canonical;
  });
}

export interface DiscoverOptions {
  readonly registry: Registry;
  readonly clients: Clients;
  readonly concurrency: number;
  readonly stopped: () => boolean;
}

/** What the search of one account gave: the users found by address, or why it could not be made. */
interface Searched {
  readonly users: ReadonlyMap<string, readonly string[]>;
  readonly elsewhere?: ReadonlyMap<string, readonly string[]>;
  readonly error?: string;
}

/**
 * One account's search by its provider. Searches made with one client share `shared` (a walk of
 * a directory that spans accounts, say); any failure leaves the account unsearched, never "absent".
 */
async function searchAccount(
  configured: AccountConfig,
  emails: readonly string[],
  { registry, clients }: DiscoverOptions,
  shared: Map<unknown, Map<string, Promise<unknown>>>,
  warnings: Set<string>,
): Promise<Searched> {
  const accountClients = clients.for(configured.provider, configured.account);
  const memo = shared.get(accountClients) ?? new Map<string, Promise<unknown>>();
  shared.set(accountClients, memo);
  try {
    const found = await registry.module(configured.provider).discover!({
      account: configured.account,
      emails,
      clients: accountClients,
      log: new StepLog({ provider: configured.provider, account: configured.account, user: '' }, 'plan'),
      once: <T>(key: string, work: () => Promise<T>): Promise<T> => {
        let promise = memo.get(key) as Promise<T> | undefined;
        if (!promise) {
          promise = work();
          memo.set(key, promise);
        }
        return promise;
      },
    });
    for (const warning of found.warnings ?? []) warnings.add(`${configured.provider}: ${warning}`);
    return { users: found.users, ...(found.elsewhere ? { elsewhere: found.elsewhere } : {}) };
  } catch (error) {
    return { users: new Map(), error: describeError(error) };
  }
}

/** Searches every configured account for `emails` (canonical, distinct; see checkPeople). */
export async function discover(
  emails: readonly string[],
  config: OffboardConfig,
  options: DiscoverOptions,
): Promise<Discovery> {
  const { registry, clients } = options;
  // Every account's clients first: a missing credential is an input error before anything is sent.
  for (const account of config.accounts) {
    if (!registry.module(account.provider).discover)
      throw new InputError(`${account.where}: provider ${account.provider} cannot find people by email`);
    clients.for(account.provider, account.account);
  }
  const shared = new Map<unknown, Map<string, Promise<unknown>>>();
  const warnings = new Set<string>();
  // By account: a stopped run leaves some unsearched (runBounded then returns only the ones that ran).
  const searches = new Map<AccountConfig, Searched>();
  await runBounded(
    config.accounts,
    options.concurrency,
    () => undefined,
    async (configured) => {
      searches.set(configured, await searchAccount(configured, emails, options, shared, warnings));
    },
    { stopped: options.stopped },
  );

  const entries: DiscoveryEntry[] = [];
  const targets: Target[] = [];
  const ambiguous: TargetResult[] = [];
  const unconfigured: Unconfigured[] = [];
  const seen = new Set<string>();
  const configuredAccounts = new Set(config.accounts.map((account) => `${account.provider}/${account.account}`));
  for (const email of emails) {
    const elsewhere = new Map<string, Set<string>>();
    for (const configured of config.accounts) {
      const { provider, account } = configured;
      const searched: Searched = searches.get(configured) ?? {
        users: new Map(),
        error: 'the run was stopped before this search',
      };
      const users = [...(searched.users.get(email) ?? [])];
      entries.push({ email, provider, account, users, ...(searched.error ? { error: searched.error } : {}) });
      for (const other of searched.elsewhere?.get(email) ?? []) {
        if (configuredAccounts.has(`${provider}/${other}`)) continue;
        const accounts = elsewhere.get(provider) ?? new Set();
        accounts.add(other);
        elsewhere.set(provider, accounts);
      }
      const found = entryTarget({ email, provider, account, users }, registry);
      if (found === undefined) continue;
      if ('outcome' in found) {
        ambiguous.push(found);
        continue;
      }
      const key = targetKey(found);
      // Two addresses of one user (two people listed for one account holder): one target.
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push(found);
    }
    for (const [provider, accounts] of elsewhere)
      unconfigured.push({ email, provider, accounts: [...accounts].sort(compareIds) });
  }
  return { entries, targets, ambiguous, unconfigured, warnings: [...warnings] };
}

/**
 * What one person's entry in one account gives: nothing (not found there), the target (one user,
 * ids canonical, with the email), or a `blocked` result: several users have the address (nothing
 * guessed), or the provider listed an id that breaks its own rules (never sent on as a path).
 */
export function entryTarget(
  entry: Pick<DiscoveryEntry, 'email' | 'provider' | 'account' | 'users'>,
  registry: Registry,
): Target | TargetResult | undefined {
  const { email, provider, account, users } = entry;
  if (users.length === 0) return undefined;
  if (users.length > 1) {
    return {
      provider,
      account,
      user: users.join(', '),
      email,
      outcome: 'blocked',
      steps: [],
      reason: `${users.length} users in account ${account} have the address ${email} (${users.join(', ')}): nothing guessed; offboard the right one by id`,
    };
  }
  try {
    return { ...registry.canonical({ provider, account, user: users[0]! }), email };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return {
      provider,
      account,
      user: users[0]!,
      email,
      outcome: 'blocked',
      steps: [],
      reason: `the provider listed a user id that breaks its own rules: ${error.message}`,
    };
  }
}

/** Numeric ids in numeric order, others as text. */
function compareIds(a: string, b: string): number {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) || a.localeCompare(b) : a.localeCompare(b);
}
