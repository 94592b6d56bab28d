// The vocabulary of offboarding: a target, the steps taken for it, and how it ended.
import { OffboardError } from '@offboard/runtime';

/**
 * Remove `user` from `account` at `provider`. The engine works on the canonical form of the ids
 * (see canonicalTarget): that is what results, the journal and duplicate checks show.
 */
export interface Target {
  /** A registered provider's name (the built-in ones: gcore, cloudflare, nscale, liveperson). */
  readonly provider: string;
  readonly account: string;
  readonly user: string;
  /** The address the person was found by, when discovery found this target. */
  readonly email?: string;
}

export type Mode = 'plan' | 'apply';

/** One HTTP request of a target: `status` is null for a planned write that was not sent. */
export interface Step {
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  /** When the answer (or the failure) came, ISO 8601 UTC; absent for a planned write. */
  readonly at?: string;
  /** The provider's request id for this answer, when it sent one (see the runtime's requestIdOf). */
  readonly requestId?: string;
}

/** A JSON value a decision rests on (a plan records them; apply compares them). */
export type Fact = string | number | boolean | null | readonly Fact[] | { readonly [key: string]: Fact };

/**
 * What a policy read and decided on, by name (e.g. `present`, `accounts`, `tokens in 200001`):
 * a saved plan carries them, and `apply --plan` finds the plan stale when they differ.
 */
export type Facts = Readonly<Record<string, Fact>>;

/** How a target ended: deleted (the user is gone), removed (access to this account revoked). */
export type Outcome = 'deleted' | 'removed' | 'already-absent' | 'blocked' | 'failed';

export interface TargetResult extends Target {
  /** `planned` in plan mode (the reason then says what apply would do). */
  readonly outcome: Outcome | 'planned';
  readonly steps: readonly Step[];
  readonly reason?: string;
  /**
   * Apply only: true when reads after the outcome showed the user gone from the account (the
   * verification), false when they were skipped (`--no-verify`) or could not be made.
   */
  readonly verified?: boolean;
  /** Plan only: the facts the plan's decision rests on. */
  readonly facts?: Facts;
}

/** Outcomes after which a target is finished: the user is gone from the account, a rerun changes nothing. */
export const FINISHED: ReadonlySet<Outcome> = new Set<Outcome>(['deleted', 'removed', 'already-absent']);

/**
 * A write's status that settles it for good: a 2xx (done) or 404 (already gone). The journal
 * never sends such a write again, and a run counts it among its own writes.
 */
export function confirms(status: number | null): boolean {
  return status !== null && ((status >= 200 && status < 300) || status === 404);
}

/** What a policy concludes; in plan mode, what apply would conclude. */
export interface Verdict {
  readonly outcome: Outcome;
  readonly reason?: string;
}

export function targetKey(target: Target): string {
  return `${target.provider}/${target.account}/${target.user}`;
}

/**
 * Bad input: reported with exit code 2, before any request is sent. An OffboardError, like
 * everything the packages throw (the runtime's APIError, ValidationError, ... sit beside it).
 */
export class InputError extends OffboardError {}

/**
 * `apply --plan`: what the provider shows now differs from what the plan rests on, or the run
 * would send a write the plan did not list. The target ends `blocked`, `plan is stale: …`.
 */
export class StalePlanError extends OffboardError {}

/** The journal refuses a write: it is closed, or its lock is no longer this process's. */
export class JournalError extends OffboardError {}
