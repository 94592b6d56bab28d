// What a provider module is (src/providers/<provider>.ts holds everything about one provider),
// and the helpers they share. The engine, the CLI and its help text know providers only through
// this contract and the registry (registry.ts).
//
// Ids: a target's ids must meet the path rules the generator took from the provider's own spec,
// and are used everywhere (duplicate detection, exclusive keys, journal keys, comparisons with a
// provider's answers) in the one canonical form those rules give: integers in decimal without
// leading zeros, UUIDs lower-case.
import {
  type ApiDefinition,
  canonicalParam,
  NotFoundError,
  OffboardError,
  Redactor,
  ValidationError,
  validatePathParams,
} from '@offboard/runtime';
import { printable } from './format.js';
import { runBounded } from './schedule.js';
import type { StepLog } from './steps.js';
import { InputError, type Target, type Verdict } from './types.js';

/** The outcomes a verification proves. */
export type VerifiedOutcome = 'deleted' | 'removed' | 'already-absent';

export type Env = Readonly<Record<string, string | undefined>>;

/** What every client of a run shares: where variables are read from, the pace, and the run's abort signal. */
export interface ClientRun {
  readonly env: Env;
  readonly maxRequestsPerSecond?: number;
  readonly signal: AbortSignal;
}

export interface PolicyOptions {
  /** Delete the API tokens a user issued when they block the removal (Gcore). */
  readonly revokeTokens: boolean;
  /** Remove the user from every account, then delete the user (Gcore). */
  readonly allAccounts: boolean;
  /** Re-reads after a stale revision before giving up (LivePerson). Default 3. */
  readonly maxRevisionRetries: number;
}

/**
 * Everything the engine needs to know about one provider. `Options` are the caller's options for
 * its client(s) (credentials, baseUrl, retries...); `Clients` what `clients()` builds from them.
 */
export interface ProviderModule<Options extends object = object, Clients = unknown, Name extends string = string> {
  /** The name targets, CSV rows and `--provider` use. */
  readonly name: Name;
  /**
   * The generated definitions of the client packages it uses: the help text and the config
   * read their credential options, environment variables and base-URL variable from here.
   */
  readonly apis: readonly ApiDefinition[];
  /**
   * The provider's clients for a run. A missing or malformed credential or base URL throws the
   * runtime's ValidationError (nothing has been sent).
   */
  clients(options: Options | undefined, run: ClientRun): Clients;
  /** The target with its ids in canonical form; InputError when an id breaks the provider's rules. */
  canonical(target: Target): Target;
  /** An account id in canonical form (as `canonical` gives it); InputError when it breaks the provider's rules. */
  canonicalAccount(account: string): string;
  /** Targets with the same key never run at the same time (they would race on shared state). */
  exclusiveKey?(target: Target): string;
  /**
   * Plans or applies one target (by `log.mode`): every request goes through `log`. It records
   * the facts its decision rests on with `log.fact` (a saved plan keeps them; applying the plan
   * checks them), and reads before writing when `log.readsFirst`.
   */
  run(target: Target, log: StepLog, clients: Clients, options: PolicyOptions): Promise<Verdict>;
  /**
   * One read (through `log`) showing whether the target is gone after `outcome`: true when the
   * provider shows it gone (deleted: the user; removed: the user's access to the account), false
   * when it still shows it. An error means it could not tell. Called after every successful
   * apply unless verification is off; the engine retries a `false` a bounded number of times.
   */
  verify(target: Target, outcome: VerifiedOutcome, log: StepLog, clients: Clients): Promise<boolean>;
  /**
   * Finds people by email address in one account (reads only, through `search.log`): the users
   * whose address is exactly one of `search.emails`. Without it, the provider cannot offboard by
   * email. An error means the account could not be searched (absence unproven).
   */
  discover?(search: AccountSearch<Clients>): Promise<AccountMatches>;
}

/** One account to search for some people. */
export interface AccountSearch<Clients = unknown> {
  /** The account id, canonical. */
  readonly account: string;
  /** The addresses sought, canonical (canonicalEmail) and distinct. */
  readonly emails: readonly string[];
  readonly clients: Clients;
  /** Reads only: discovery never writes. */
  readonly log: StepLog;
  /**
   * Runs `work` once per run for the same clients and `key`, and shares its promise: accounts
   * searched with the same credentials share e.g. one walk of a directory that spans accounts.
   */
  once<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** What a search of one account found. */
export interface AccountMatches {
  /** Per address sought (canonical), the ids (canonical) of the account's users that have it. */
  readonly users: ReadonlyMap<string, readonly string[]>;
  /**
   * Per address, other accounts of this provider the provider says the person is in (so accounts
   * missing from the config are reported, not silently missed). Undefined when it cannot tell.
   */
  readonly elsewhere?: ReadonlyMap<string, readonly string[]>;
  /** What the operator should know that leaves the search sound (e.g. a lookup the key may not make). */
  readonly warnings?: readonly string[];
}

/** Adds `ids` to the list of `key`, each once, in order. */
export function addIds<K, I>(lists: Map<K, I[]>, key: K, ids: readonly I[]): void {
  const list = lists.get(key) ?? [];
  for (const id of ids) if (!list.includes(id)) list.push(id);
  lists.set(key, list);
}

/**
 * Runs a per-person lookup for each address, a few at a time (a provider's rate limit is shared
 * with everything else the run sends), and returns the results in the order of `emails`.
 */
export function eachPerson<T>(emails: readonly string[], lookup: (email: string) => Promise<T>): Promise<T[]> {
  return runBounded(emails, LOOKUPS_AT_ONCE, () => undefined, lookup);
}

/** Per-person lookups in flight at once, per account search. */
const LOOKUPS_AT_ONCE = 4;

/**
 * An email address as matching compares it: trimmed, lower-case. Matching is on the whole
 * address, never a substring or prefix.
 */
export function canonicalEmail(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * The users whose address (any of `addresses` of each) is exactly one of `emails`, as ids grouped
 * by address, read as they stream (memory grows with the matches, not the directory). `into`
 * collects several lists into one map.
 */
export async function matchUsers<U>(
  users: Iterable<U> | AsyncIterable<U>,
  emails: readonly string[],
  addresses: (user: U) => readonly (string | null | undefined)[],
  id: (user: U) => string,
  into: Map<string, string[]> = new Map(),
): Promise<Map<string, string[]>> {
  const sought = new Set(emails);
  for await (const user of users) {
    const matched = new Set<string>();
    for (const address of addresses(user)) {
      if (typeof address !== 'string') continue;
      const email = canonicalEmail(address);
      if (sought.has(email)) matched.add(email);
    }
    for (const email of matched) addIds(into, email, [id(user)]);
  }
  return into;
}

/** Declares a provider module, inferring its option and client types. */
export function defineProvider<Options extends object, Clients, const Name extends string>(
  module: ProviderModule<Options, Clients, Name>,
): ProviderModule<Options, Clients, Name> {
  return module;
}

/** A client's options: the run's shared ones beneath the caller's, the run's abort signal beside the caller's own. */
export function clientOptions<O extends { readonly signal?: AbortSignal }>(
  run: ClientRun,
  own: O | undefined,
): { env: Env; maxRequestsPerSecond?: number } & O & { signal: AbortSignal } {
  const shared = {
    env: run.env,
    ...(run.maxRequestsPerSecond === undefined ? {} : { maxRequestsPerSecond: run.maxRequestsPerSecond }),
  };
  return {
    ...shared,
    ...(own as O),
    signal: own?.signal ? AbortSignal.any([own.signal, run.signal]) : run.signal,
  };
}

/** Shows an operator's value in a message: quoted, control characters escaped, and cut short. */
export function showValue(value: string): string {
  return printable(JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value));
}

/**
 * Checks one id (surrounding whitespace aside) against the rule of path parameter `parameter` of
 * `operationId` in a generated api definition, and returns it in canonical form. A failure is an
 * InputError naming `field`.
 */
export function canonicalId(
  api: ApiDefinition,
  operationId: string,
  parameter: string,
  value: string,
  field: string,
): string {
  const operation = operationOf(api, operationId);
  const rule = operation.pathParams[parameter];
  if (!rule) throw new OffboardError(`${api.name} ${operationId} has no path parameter ${parameter}`);
  if (typeof value !== 'string') throw new InputError(`${field} must be a string (got ${typeof value})`);
  const trimmed = value.trim();
  try {
    validatePathParams({ ...operation, pathParams: { [parameter]: rule } }, { [parameter]: trimmed }, new Redactor());
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new InputError(`${field} ${showValue(value)} is not valid: ${parameter} must be ${error.rule}`);
  }
  return canonicalParam(rule, trimmed);
}

function operationOf(api: ApiDefinition, operationId: string) {
  const operation = api.operations.find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new OffboardError(`${api.name} has no operation ${operationId}`);
  return operation;
}

/**
 * Checks a target's ids against the path rules of `operationId` in a generated api definition
 * (surrounding whitespace aside) and returns the target with both ids in canonical form. A
 * failure is an InputError naming the target's field.
 */
export function canonicalIds(
  api: ApiDefinition,
  operationId: string,
  target: Target,
  parameters: { readonly account: string; readonly user: string },
): Target {
  return {
    ...target,
    account: canonicalId(api, operationId, parameters.account, target.account, 'account'),
    user: canonicalId(api, operationId, parameters.user, target.user, 'user'),
  };
}

/** Whether what `read` asks for exists: true when it answers, false on 404; any other error is the caller's. */
export async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

/**
 * The delete that finishes a target. Only a 2xx confirms it (the runtime throws on anything
 * else, 1xx and 3xx included); a 404 means it is already done, by someone else or an earlier
 * run (RFC 9110 §9.2.2: DELETE is idempotent). Any other error is the caller's.
 */
export async function finalDelete<C extends object>(
  log: StepLog,
  client: C,
  call: (client: C) => Promise<{ readonly response: Response }>,
  verdicts: { readonly done: Verdict; readonly absent: Verdict },
): Promise<Verdict> {
  try {
    await log.write(client, call, { final: true });
    return verdicts.done;
  } catch (error) {
    if (error instanceof NotFoundError) return verdicts.absent;
    throw error;
  }
}
