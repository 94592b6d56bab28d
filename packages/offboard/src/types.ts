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
}

/** How a target ended: deleted (the user is gone), removed (access to this account revoked). */
export type Outcome = 'deleted' | 'removed' | 'already-absent' | 'blocked' | 'failed';

export interface TargetResult extends Target {
  /** `planned` in plan mode (the reason then says what apply would do). */
  readonly outcome: Outcome | 'planned';
  readonly steps: readonly Step[];
  readonly reason?: string;
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

/** The journal refuses a write: it is closed, or its lock is no longer this process's. */
export class JournalError extends OffboardError {}
