// plan/apply for one target or a batch: the shared machinery around the provider policies
// (validation first, bounded concurrency, the journal, interruption, and turning errors into
// outcomes).
import { setMaxListeners } from 'node:events';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clients } from './clients.js';
import type { OffboardConfig } from './config.js';
import { type Discovery, discover } from './discover.js';
import { Journal, type RunDiscovery } from './journal.js';
import { checkClientOptions, checkInteger, checkRate, checkText } from './options.js';
import { type PolicyOptions, showValue, type VerifiedOutcome } from './provider.js';
import { type AnyProvider, builtInRegistry, type ClientOptionsByProvider, Registry } from './registry.js';
import { runBounded } from './schedule.js';
import { describeError, RunWrites, StepLog, type TargetPlan } from './steps.js';
import {
  FINISHED,
  InputError,
  type Mode,
  type Outcome,
  StalePlanError,
  type Target,
  type TargetResult,
  targetKey,
  type Verdict,
} from './types.js';
import { TOOL } from './version.js';

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
  /**
   * Read again after each successful target to prove the user is gone (see ProviderModule.verify).
   * Default true; false leaves results `verified: false`.
   */
  readonly verify?: boolean;
  /** The waits before each verification read, in ms (default 0, 3000, 7000: 3 reads over 10 s). */
  readonly verifyDelaysMs?: readonly number[];
  /** Who runs the apply, for the journal. Default $OFFBOARD_OPERATOR, else the OS user name. */
  readonly operator?: string;
  /** The ticket the apply is done under (HR or security ticket id), for the journal. */
  readonly ticket?: string;
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

/** What an apply run is given beside its targets: the saved plan it applies, where people were searched. */
export interface RunContext {
  /** `apply --plan`: each target's plan by targetKey; every target of the run must have one. */
  readonly plan?: {
    readonly checksum: string;
    readonly created: string;
    readonly targets: ReadonlyMap<string, TargetPlan>;
  };
  /** Where the people of a run by email were searched (the journal keeps it as evidence). */
  readonly discovery?: RunDiscovery;
}

/** The default verification: 3 reads over about 10 s (a provider may take a moment to show a delete). */
const VERIFY_DELAYS_MS = [0, 3000, 7000];

/** The operator: given, else $OFFBOARD_OPERATOR, else the OS user name. */
function operatorOf(given: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const named = given ?? (env.OFFBOARD_OPERATOR?.trim() ? env.OFFBOARD_OPERATOR : undefined);
  if (named !== undefined) return checkText('operator', named)!;
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface Offboarder {
  plan(target: Target): Promise<TargetResult>;
  apply(target: Target): Promise<TargetResult>;
  /**
   * Validates every target and every needed credential first (InputError, nothing sent), then
   * runs. Resolves with the results of the targets that ran, in input order: all of them, unless
   * `stop()` was called.
   */
  run(mode: Mode, targets: readonly Target[], context?: RunContext): Promise<TargetResult[]>;
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
  const env = options.env ?? process.env;
  const operator = operatorOf(options.operator, env);
  const ticket = checkText('ticket', options.ticket);
  const verify = options.verify ?? true;
  const verifyDelays = options.verifyDelaysMs ?? VERIFY_DELAYS_MS;
  if (
    !Array.isArray(verifyDelays) ||
    verifyDelays.length === 0 ||
    !verifyDelays.every((delay) => Number.isInteger(delay) && delay >= 0 && delay <= 600_000)
  )
    throw new InputError('verifyDelaysMs must be a non-empty list of waits from 0 to 600000 ms');
  const aborter = new AbortController();
  // Every request in flight listens to the run's signal: as many as the concurrency allows.
  setMaxListeners(0, aborter.signal);
  const clients = new Clients(
    registry,
    options.clients ?? {},
    {
      env,
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

  /**
   * Reads until the provider shows the target gone (ProviderModule.verify), up to one read per
   * delay. A user still shown after every read turns the verdict `failed`; a read that fails
   * leaves it standing, unverified, with the reason why.
   */
  async function verified(
    target: Target,
    verdict: Verdict,
    log: StepLog,
    proves: Outcome,
  ): Promise<{ verdict: Verdict; verified: boolean }> {
    const module = registry.module(target.provider);
    const clients = clientsFor(target);
    try {
      for (const delay of verifyDelays) {
        if (delay > 0) await sleep(delay, undefined, { signal: aborter.signal });
        if (await module.verify(target, proves as VerifiedOutcome, log, clients)) return { verdict, verified: true };
      }
    } catch (error) {
      const why = aborter.signal.aborted ? 'interrupted; rerun to verify' : describeError(error);
      const reason = verdict.reason ? `${verdict.reason}; not verified: ${why}` : `not verified: ${why}`;
      return { verdict: { ...verdict, reason }, verified: false };
    }
    const reads = `${verifyDelays.length} read${verifyDelays.length === 1 ? '' : 's'} over ${verifyDelays.reduce((sum, delay) => sum + delay, 0) / 1000} s`;
    const reason =
      verdict.outcome === 'already-absent'
        ? `user ${target.user} is still present in account ${target.account} although the provider said it was gone (${reads})`
        : `user ${target.user} is still present in account ${target.account} after the delete was confirmed (${reads})`;
    return { verdict: { outcome: 'failed', reason }, verified: false };
  }

  const clientsFor = (target: Target) => clients.for(target.provider, target.account);

  async function runTarget(
    mode: Mode,
    target: Target,
    journal: Journal | undefined,
    writes: RunWrites,
    plan: TargetPlan | undefined,
  ): Promise<TargetResult> {
    const log = new StepLog(target, mode, mode === 'apply' ? { journal, plan, writes } : { writes });
    let verdict: Verdict | undefined;
    // What verification proves: the outcome, or what a finished target ended with in an earlier run.
    let proves: Outcome | undefined;
    if (mode === 'apply' && journal) {
      // RFC 9110 §9.2.2: repeating a finished DELETE changes nothing, so a rerun reports already-absent.
      const earlier = journal.finished(target);
      if (earlier) {
        const reason = `finished in an earlier run (${earlier.outcome})`;
        if (earlier.verified || !verify)
          return { ...target, outcome: 'already-absent', steps: [], reason, verified: earlier.verified };
        // Finished, but never shown gone: verify it now.
        verdict = { outcome: 'already-absent', reason };
        proves = earlier.outcome;
      } else if (journal.finalConfirmed(target)) {
        verdict = { outcome: 'already-absent', reason: 'delete confirmed in an earlier run' };
      }
    }
    if (!verdict) {
      try {
        verdict = await registry.module(target.provider).run(target, log, clientsFor(target), policyOptions);
      } catch (error) {
        verdict =
          error instanceof StalePlanError
            ? { outcome: 'blocked', reason: `plan is stale: ${error.message}` }
            : { outcome: 'failed', reason: describeError(error) };
      }
    }
    let isVerified = false;
    if (mode === 'apply' && verify && FINISHED.has(verdict.outcome)) {
      ({ verdict, verified: isVerified } = await verified(target, verdict, log, proves ?? verdict.outcome));
    }
    const steps = [...log.steps];
    if (mode === 'apply' && journal) {
      try {
        journal.done(target, verdict.outcome, verdict.reason, { verified: isVerified, steps });
      } catch (error) {
        // The journal refuses writes (its lock was taken): another process may be running the
        // same batch. Start nothing more; what this target's provider said still stands.
        journalError ??= describeError(error);
        stopped = true;
        options.onWarning?.(`${journalError}; starting no more targets`);
      }
    }
    if (mode === 'plan') {
      const facts = log.facts;
      if (verdict.outcome === 'failed')
        return { ...target, outcome: 'failed', steps, ...(verdict.reason ? { reason: verdict.reason } : {}), facts };
      return { ...target, outcome: 'planned', steps, reason: planReason(verdict), facts };
    }
    return {
      ...target,
      outcome: verdict.outcome,
      steps,
      ...(verdict.reason ? { reason: verdict.reason } : {}),
      verified: isVerified,
    };
  }

  async function run(mode: Mode, given: readonly Target[], context: RunContext = {}): Promise<TargetResult[]> {
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
    const plans = context.plan?.targets;
    if (plans) {
      if (mode !== 'apply') throw new InputError('a saved plan is applied, not planned');
      for (const target of targets)
        if (!plans.has(targetKey(target))) throw new InputError(`${targetKey(target)} is not in the plan`);
    }
    const opened = mode === 'apply' ? await openJournal() : undefined;
    opened?.begin({
      operator,
      ...(ticket === undefined ? {} : { ticket }),
      tool: TOOL,
      verify,
      ...(context.plan ? { plan: { checksum: context.plan.checksum, created: context.plan.created } } : {}),
      targets: targets.map(({ provider, account, user, email }) => ({
        provider,
        account,
        user,
        ...(email === undefined ? {} : { email }),
      })),
      ...(context.discovery ? { discovery: context.discovery } : {}),
    });
    const writes = new RunWrites();
    return runBounded(
      targets,
      concurrency,
      (target) => registry.module(target.provider).exclusiveKey?.(target),
      async (target) => {
        const result = await runTarget(mode, target, opened, writes, plans?.get(targetKey(target)));
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
