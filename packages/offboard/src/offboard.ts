// plan/apply for one target or a batch: the shared machinery around the provider policies
// (validation first, bounded concurrency, the journal, interruption, and turning errors into
// outcomes).
import { setMaxListeners } from 'node:events';
import { Clients } from './clients.js';
import type { OffboardConfig } from './config.js';
import { type Discovery, discover } from './discover.js';
import { Journal } from './journal.js';
import { checkClientOptions, checkInteger, checkRate } from './options.js';
import { type PolicyOptions, showValue } from './provider.js';
import { type AnyProvider, builtInRegistry, type ClientOptionsByProvider, Registry } from './registry.js';
import { runBounded } from './schedule.js';
import { describeError, StepLog } from './steps.js';
import { InputError, type Mode, type Target, type TargetResult, targetKey, type Verdict } from './types.js';

export interface OffboardOptions {
  /** Delete the API tokens a user issued when they block the removal (Gcore). Default false. */
  readonly revokeTokens?: boolean;
  /** Remove the user from every account, then delete the user (Gcore). Default false. */
  readonly allAccounts?: boolean;
  /** Re-reads after a stale LivePerson revision before giving up: an integer 0..100. Default 3. */
  readonly maxRevisionRetries?: number;
  /** Targets in flight at once in a batch: an integer 1..1000. Default 8. */
  readonly concurrency?: number;
  /** Paces each provider client to at most this many requests per second (> 0). Default: no pacing. */
  readonly maxRequestsPerSecond?: number;
  /** Path of a JSONL journal: finished targets are skipped, confirmed writes never resent. One writer at a time. */
  readonly journal?: string;
  /** Client options per provider (credentials, baseUrl, retries, fetch...), keyed by provider name. */
  readonly clients?: ClientOptionsByProvider;
  /**
   * The accounts an organization offboards from (offboard.yaml, see config.ts): what `discover`
   * searches, and each configured account's credentials and base URL for every target in it.
   */
  readonly config?: OffboardConfig;
  /** The providers targets may name. Default: the built-in ones (BUILT_IN_PROVIDERS). */
  readonly providers?: readonly AnyProvider[];
  /** Where credentials and base URLs are read from. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called as each target finishes, e.g. for a progress bar. */
  readonly onResult?: (result: TargetResult) => void;
  /** Warnings that do not stop the run (e.g. an unreadable journal line skipped). */
  readonly onWarning?: (message: string) => void;
}

/** The registry of a run: the built-in providers unless `providers` says otherwise. */
export function registryOf(providers: readonly AnyProvider[] | undefined): Registry {
  return providers === undefined ? builtInRegistry : new Registry(providers);
}

/**
 * Checks a target's provider and ids and returns it in canonical form (ids trimmed, integers
 * without leading zeros, UUIDs lower-case): the form used for duplicates, journal keys and every
 * comparison. Throws InputError; nothing is sent.
 */
export function canonicalTarget(target: Target, providers?: readonly AnyProvider[]): Target {
  return registryOf(providers).canonical(target);
}

function planReason(verdict: Verdict): string {
  const what =
    verdict.outcome === 'blocked'
      ? 'would be blocked'
      : verdict.outcome === 'failed'
        ? 'would fail'
        : `would end ${verdict.outcome}`;
  return verdict.reason ? `${what}: ${verdict.reason}` : what;
}

export interface Offboarder {
  plan(target: Target): Promise<TargetResult>;
  apply(target: Target): Promise<TargetResult>;
  /**
   * Validates every target and every needed credential first (InputError, nothing sent), then
   * runs. Resolves with the results of the targets that ran, in input order: all of them, unless
   * `stop()` was called.
   */
  run(mode: Mode, targets: readonly Target[]): Promise<TargetResult[]>;
  /**
   * Finds people by email address in every configured account (reads only): needs `config`.
   * `emails` must be canonical and distinct (checkPeople). An account that cannot be searched
   * gets an entry with an `error`; only bad input throws (InputError, nothing sent).
   */
  discover(emails: readonly string[]): Promise<Discovery>;
  /** Starts no more targets; the running ones go on to their end. */
  stop(): void;
  /** Stops, and aborts the requests in flight (their targets end `failed`, nothing counted as done). */
  abort(): void;
  /** True once stop() or abort() was called, or the journal refused a write. */
  readonly stopped: boolean;
  /** Why the journal refused a write (its lock was lost), if it did: the run then stopped. */
  readonly journalError: string | undefined;
  /** Releases the journal (and its lock). */
  close(): Promise<void>;
}

export function createOffboarder(options: OffboardOptions = {}): Offboarder {
  const concurrency = checkInteger('concurrency', options.concurrency, 1, 1000) ?? 8;
  const maxRevisionRetries = checkInteger('maxRevisionRetries', options.maxRevisionRetries, 0, 100) ?? 3;
  const maxRequestsPerSecond = checkRate(options.maxRequestsPerSecond);
  if (options.journal !== undefined && (typeof options.journal !== 'string' || options.journal.trim() === '')) {
    throw new InputError('journal must be a file path');
  }
  const registry = registryOf(options.providers);
  checkClientOptions(options.clients ?? {}, registry);
  const aborter = new AbortController();
  // Every request in flight listens to the run's signal: as many as the concurrency allows.
  setMaxListeners(0, aborter.signal);
  const clients = new Clients(
    registry,
    options.clients ?? {},
    {
      env: options.env ?? process.env,
      ...(maxRequestsPerSecond === undefined ? {} : { maxRequestsPerSecond }),
      signal: aborter.signal,
    },
    options.config,
  );
  const policyOptions: PolicyOptions = {
    revokeTokens: options.revokeTokens ?? false,
    allAccounts: options.allAccounts ?? false,
    maxRevisionRetries,
  };
  let journal: Promise<Journal> | undefined;
  let stopped = false;
  let journalError: string | undefined;

  const openJournal = (): Promise<Journal> | undefined => {
    if (options.journal === undefined) return undefined;
    journal ??= Journal.open(options.journal, options.onWarning ? { warn: options.onWarning } : {});
    return journal;
  };

  async function runTarget(mode: Mode, target: Target, journal: Journal | undefined): Promise<TargetResult> {
    if (mode === 'apply' && journal) {
      // RFC 9110 §9.2.2: repeating a finished DELETE changes nothing, so a rerun reports already-absent.
      const earlier = journal.finished(target);
      if (earlier)
        return { ...target, outcome: 'already-absent', steps: [], reason: `finished in an earlier run (${earlier})` };
      if (journal.finalConfirmed(target)) {
        journal.done(target, 'already-absent', 'delete confirmed in an earlier run');
        return { ...target, outcome: 'already-absent', steps: [], reason: 'delete confirmed in an earlier run' };
      }
    }
    const log = new StepLog(target, mode, mode === 'apply' ? journal : undefined);
    let verdict: Verdict;
    try {
      verdict = await registry
        .module(target.provider)
        .run(target, log, clients.for(target.provider, target.account), policyOptions);
    } catch (error) {
      verdict = { outcome: 'failed', reason: describeError(error) };
    }
    if (mode === 'apply' && journal) {
      try {
        journal.done(target, verdict.outcome, verdict.reason);
      } catch (error) {
        // The journal refuses writes (its lock was taken): another process may be running the
        // same batch. Start nothing more; what this target's provider said still stands.
        journalError ??= describeError(error);
        stopped = true;
        options.onWarning?.(`${journalError}; starting no more targets`);
      }
    }
    const steps = [...log.steps];
    if (mode === 'plan' && verdict.outcome !== 'failed')
      return { ...target, outcome: 'planned', steps, reason: planReason(verdict) };
    return { ...target, outcome: verdict.outcome, steps, ...(verdict.reason ? { reason: verdict.reason } : {}) };
  }

  async function run(mode: Mode, given: readonly Target[]): Promise<TargetResult[]> {
    if (mode !== 'plan' && mode !== 'apply')
      throw new InputError(`mode must be 'plan' or 'apply' (got ${showValue(String(mode))})`);
    if (!Array.isArray(given)) throw new InputError('targets must be an array');
    const seen = new Map<string, number>();
    const targets = given.map((target, index) => {
      let canonical: Target;
      try {
        canonical = registry.canonical(target);
      } catch (error) {
        if (error instanceof InputError && given.length > 1)
          throw new InputError(`target ${index + 1}: ${error.message}`);
        throw error;
      }
      const key = targetKey(canonical);
      const earlier = seen.get(key);
      if (earlier !== undefined)
        throw new InputError(`targets ${earlier + 1} and ${index + 1} are the same target (${key})`);
      seen.set(key, index);
      return canonical;
    });
    // Every client a run needs is made first: a missing credential stops it before anything is sent.
    const accounts = new Map(targets.map((target) => [`${target.provider}/${target.account}`, target]));
    for (const target of accounts.values()) clients.for(target.provider, target.account);
    const opened = mode === 'apply' ? await openJournal() : undefined;
    return runBounded(
      targets,
      concurrency,
      (target) => registry.module(target.provider).exclusiveKey?.(target),
      async (target) => {
        const result = await runTarget(mode, target, opened);
        options.onResult?.(result);
        return result;
      },
      { stopped: () => stopped },
    );
  }

  return {
    plan: async (target) => (await run('plan', [target]))[0]!,
    apply: async (target) => (await run('apply', [target]))[0]!,
    run,
    discover: async (emails) => {
      if (!options.config) throw new InputError('finding people by email needs a config file listing the accounts');
      return discover(emails, options.config, { registry, clients, concurrency, stopped: () => stopped });
    },
    stop: () => {
      stopped = true;
    },
    abort: () => {
      stopped = true;
      aborter.abort();
    },
    get stopped() {
      return stopped;
    },
    get journalError() {
      return journalError;
    },
    close: async () => {
      const opened = journal;
      journal = undefined;
      if (opened)
        await opened.then(
          (file) => file.close(),
          () => undefined,
        );
    },
  };
}

/** Plans one target: the steps apply would take, with reads done and nothing written. */
export async function plan(target: Target, options: OffboardOptions = {}): Promise<TargetResult> {
  const offboarder = createOffboarder(options);
  try {
    return await offboarder.plan(target);
  } finally {
    await offboarder.close();
  }
}

/** Offboards one target and returns how it ended, with every step taken. */
export async function apply(target: Target, options: OffboardOptions = {}): Promise<TargetResult> {
  const offboarder = createOffboarder(options);
  try {
    return await offboarder.apply(target);
  } finally {
    await offboarder.close();
  }
}
