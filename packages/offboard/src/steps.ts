// Records every request a policy makes for one target, and decides which writes are sent:
// none in plan mode, and in apply mode none that the journal already saw confirmed. A status
// that arrived is recorded even when its body could not be read.
import { APIError, APIResponseBodyError } from '@offboard/runtime';
import type { Journal } from './journal.js';
import type { Mode, Step, Target } from './types.js';

/** What a generated client call resolves to. */
interface Answer {
  readonly response: Response;
}

export interface WriteOptions {
  /** The delete that finishes the target: once confirmed, a rerun does nothing for this target. */
  readonly final?: boolean;
}

/** The status the provider sent, if one arrived (the runtime's errors carry it). */
function statusOf(error: unknown): number | null {
  return error instanceof APIError ? (error.status ?? null) : null;
}

/** A write's answer is its status: a 2xx whose body was unreadable still confirms it. */
function confirmedDespiteBody(error: unknown): number | undefined {
  if (!(error instanceof APIResponseBodyError)) return undefined;
  const status = error.status;
  return status !== undefined && status >= 200 && status < 300 ? status : undefined;
}

export class StepLog {
  readonly steps: Step[] = [];

  constructor(
    readonly target: Target,
    readonly mode: Mode,
    private readonly journal?: Journal,
  ) {}

  /** A request that changes nothing: sent in both modes, recorded with its status. */
  async read<T extends Answer>(method: string, path: string, call: () => Promise<T>): Promise<T> {
    try {
      const answer = await call();
      this.steps.push({ method, path, status: answer.response.status });
      return answer;
    } catch (error) {
      this.steps.push({ method, path, status: statusOf(error) });
      throw error;
    }
  }

  /**
   * A request that changes state. Plan mode records it unsent (status null) and returns undefined.
   * Apply mode skips a write the journal saw confirmed (returning its recorded status), otherwise
   * journals the intent, sends, and journals the answer before returning it.
   */
  async write<T extends Answer>(
    method: string,
    path: string,
    call: () => Promise<T>,
    options: WriteOptions = {},
  ): Promise<number | undefined> {
    if (this.mode === 'plan') {
      this.steps.push({ method, path, status: null });
      return undefined;
    }
    const confirmed = this.journal?.confirmed(this.target, method, path);
    if (confirmed) return confirmed.status;
    this.journal?.intent(this.target, method, path);
    let step: Step;
    let failed = false;
    let failure: unknown;
    try {
      const answer = await call();
      step = { method, path, status: answer.response.status };
    } catch (error) {
      const status = confirmedDespiteBody(error);
      step = { method, path, status: status ?? statusOf(error) };
      if (status === undefined) {
        failed = true;
        failure = error;
      }
    }
    this.steps.push(step);
    this.journal?.step(this.target, step, options.final ?? false);
    if (failed) throw failure;
    return step.status ?? undefined;
  }
}
