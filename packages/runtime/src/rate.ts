// Pacing shared by every request of one client: an optional steady rate (requests per second),
// and a pause for everyone when the provider answers 429/503 with Retry-After, so one rate-limit
// answer does not turn into a burst of them.
import { sleep } from './retry.js';

export class RateGate {
  readonly #interval: number;
  #next = 0;
  #pausedUntil = 0;

  /** `requestsPerSecond` 0 or undefined: no steady pacing, only Retry-After pauses. */
  constructor(requestsPerSecond?: number) {
    this.#interval = requestsPerSecond && requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
  }

  /** Takes this request's turn: a promise to await when it is not now, else undefined. */
  wait(signal?: AbortSignal | null): Promise<void> | undefined {
    if (this.#interval === 0 && this.#pausedUntil === 0) return undefined;
    const now = Date.now();
    const at = Math.max(now, this.#next, this.#pausedUntil);
    this.#next = at + this.#interval;
    return at > now ? sleep(at - now, signal) : undefined;
  }

  /** Holds every request of the client until `until` (epoch ms). */
  pauseUntil(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }
}
