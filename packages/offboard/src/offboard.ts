// plan/apply for one target or a batch: the shared machinery around the provider policies
// (validation first, bounded concurrency, the journal, and turning errors into outcomes).
import { Clients, type ClientOptionsByProvider } from './clients.js';
import { Journal } from './journal.js';
import { cloudflarePolicy } from './policies/cloudflare.js';
import { gcorePolicy } from './policies/gcore.js';
import { livepersonPolicy } from './policies/liveperson.js';
import { nscalePolicy } from './policies/nscale.js';
import type { Policy, PolicyOptions } from './policies/policy.js';
import { runBounded } from './schedule.js';
import { StepLog } from './steps.js';
import { InputError, PROVIDERS, type Mode, type ProviderName, type Target, type TargetResult, type Verdict } from './types.js';

const POLICIES: { [P in ProviderName]: Policy<never> } = {
  gcore: gcorePolicy,
  cloudflare: cloudflarePolicy,
  nscale: nscalePolicy,
  liveperson: livepersonPolicy,
} as never;

export interface OffboardOptions {
  /** Delete the API tokens a user issued when they block the removal (Gcore). Default false. */
  readonly revokeTokens?: boolean;
  /** Remove the user from every account, then delete the user (Gcore). Default false. */
  readonly allAccounts?: boolean;
  /** Re-reads after a stale LivePerson revision before giving up. Default 3. */
  readonly maxRevisionRetries?: number;
  /** Targets in flight at once in a batch. Default 8. */
  readonly concurrency?: number;
  /** Paces each provider client to at most this many requests per second. Default: no pacing. */
  readonly maxRequestsPerSecond?: number;
  /** Path of a JSONL journal: finished targets are skipped, confirmed deletes never resent. */
  readonly journal?: string;
  /** Client options per provider (credentials, baseUrl, retries, fetch...). */
  readonly clients?: ClientOptionsByProvider;
  /** Where credentials and base URLs are read from. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called as each target finishes, e.g. for a progress bar. */
  readonly onResult?: (result: TargetResult) => void;
}

/** Checks a target's provider and ids; throws InputError. */
export function validateTarget(target: Target): void {
  if (!PROVIDERS.includes(target.provider)) {
    throw new InputError(`unknown provider ${JSON.stringify(target.provider)} (expected one of ${PROVIDERS.join(', ')})`);
  }
  try {
    POLICIES[target.provider].validate(target);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${target.provider}: ${error.message}`);
    throw error;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function planReason(verdict: Verdict): string {
  const what = verdict.outcome === 'blocked' ? 'would be blocked' : verdict.outcome === 'failed' ? 'would fail' : `would end ${verdict.outcome}`;
  return verdict.reason ? `${what}: ${verdict.reason}` : what;
}

export interface Offboarder {
  plan(target: Target): Promise<TargetResult>;
  apply(target: Target): Promise<TargetResult>;
  /** Validates every target and every needed credential first (InputError, nothing sent), then runs. */
  run(mode: Mode, targets: readonly Target[]): Promise<TargetResult[]>;
  close(): void;
}

export function createOffboarder(options: OffboardOptions = {}): Offboarder {
  const clients = new Clients(options.clients ?? {}, options.env ?? process.env, options.maxRequestsPerSecond);
  const journal = options.journal ? Journal.open(options.journal) : undefined;
  const policyOptions: PolicyOptions = {
    revokeTokens: options.revokeTokens ?? false,
    allAccounts: options.allAccounts ?? false,
    maxRevisionRetries: options.maxRevisionRetries ?? 3,
  };

  async function runTarget(mode: Mode, target: Target): Promise<TargetResult> {
    if (mode === 'apply' && journal) {
      // RFC 9110 §9.2.2: repeating a finished DELETE changes nothing, so a rerun reports already-absent.
      const earlier = journal.finished(target);
      if (earlier) return { ...target, outcome: 'already-absent', steps: [], reason: `finished in an earlier run (${earlier})` };
      if (journal.finalConfirmed(target)) {
        journal.done(target, 'already-absent', 'delete confirmed in an earlier run');
        return { ...target, outcome: 'already-absent', steps: [], reason: 'delete confirmed in an earlier run' };
      }
    }
    const log = new StepLog(target, mode, mode === 'apply' ? journal : undefined);
    let verdict: Verdict;
    try {
      const policy = POLICIES[target.provider] as Policy<unknown>;
      verdict = await policy.run(target, log, clients.for(target.provider), policyOptions);
    } catch (error) {
      verdict = { outcome: 'failed', reason: describeError(error) };
    }
    if (mode === 'apply') journal?.done(target, verdict.outcome, verdict.reason);
    const steps = [...log.steps];
    if (mode === 'plan' && verdict.outcome !== 'failed') return { ...target, outcome: 'planned', steps, reason: planReason(verdict) };
    return { ...target, outcome: verdict.outcome, steps, ...(verdict.reason ? { reason: verdict.reason } : {}) };
  }

  async function run(mode: Mode, targets: readonly Target[]): Promise<TargetResult[]> {
    for (const target of targets) validateTarget(target);
    for (const provider of new Set(targets.map((target) => target.provider))) clients.for(provider);
    return runBounded(
      targets,
      Math.max(1, options.concurrency ?? 8),
      (target) => POLICIES[target.provider].exclusiveKey?.(target),
      async (target) => {
        const result = await runTarget(mode, target);
        options.onResult?.(result);
        return result;
      },
    );
  }

  return {
    plan: async (target) => (await run('plan', [target]))[0]!,
    apply: async (target) => (await run('apply', [target]))[0]!,
    run,
    close: () => journal?.close(),
  };
}

/** Plans one target: the steps apply would take, with reads done and nothing written. */
export async function plan(target: Target, options: OffboardOptions = {}): Promise<TargetResult> {
  const offboarder = createOffboarder(options);
  try {
    return await offboarder.plan(target);
  } finally {
    offboarder.close();
  }
}

/** Offboards one target and returns how it ended, with every step taken. */
export async function apply(target: Target, options: OffboardOptions = {}): Promise<TargetResult> {
  const offboarder = createOffboarder(options);
  try {
    return await offboarder.apply(target);
  } finally {
    offboarder.close();
  }
}
