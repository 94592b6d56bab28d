// An append-only JSONL journal, fsync'd after every line, so an interrupted batch can resume:
// targets that finished are skipped, and a write the provider confirmed is never sent again.
// It records targets, methods, paths and statuses only: never a credential or a header.
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Outcome, Step, Target } from './types.js';
import { InputError, targetKey } from './types.js';

export type JournalEntry =
  | { readonly at: string; readonly target: string; readonly event: 'intent'; readonly method: string; readonly path: string }
  | { readonly at: string; readonly target: string; readonly event: 'step'; readonly method: string; readonly path: string; readonly status: number | null; readonly final: boolean }
  | { readonly at: string; readonly target: string; readonly event: 'done'; readonly outcome: Outcome; readonly reason?: string };

/** Outcomes after which a target is finished: rerunning it would change nothing. */
const FINISHED: ReadonlySet<Outcome> = new Set(['deleted', 'removed', 'already-absent']);

/** A write the provider answered with 2xx (done) or 404 (already gone): never to be sent again. */
function confirms(status: number | null): boolean {
  return status !== null && ((status >= 200 && status < 300) || status === 404);
}

export class Journal {
  readonly #fd: number;
  readonly #finished = new Map<string, Outcome>();
  readonly #confirmed = new Map<string, Map<string, { status: number; final: boolean }>>();

  private constructor(fd: number, entries: readonly JournalEntry[]) {
    this.#fd = fd;
    for (const entry of entries) this.#apply(entry);
  }

  /** Opens (or creates) a journal; a torn last line from a crash is ignored. */
  static open(file: string): Journal {
    const entries: JournalEntry[] = [];
    let fd: number;
    try {
      fd = openSync(file, 'a');
    } catch (error) {
      throw new InputError(`cannot open the journal ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        // Only the last line can be torn (appends are sequential): skip it.
      }
    }
    return new Journal(fd, entries);
  }

  /** The outcome a finished target ended with in an earlier run. */
  finished(target: Target): Outcome | undefined {
    return this.#finished.get(targetKey(target));
  }

  /** The status of a write already confirmed for this target, if any. */
  confirmed(target: Target, method: string, path: string): { status: number; final: boolean } | undefined {
    return this.#confirmed.get(targetKey(target))?.get(`${method} ${path}`);
  }

  /** True when the target's final write (the delete itself) was confirmed. */
  finalConfirmed(target: Target): boolean {
    return [...(this.#confirmed.get(targetKey(target))?.values() ?? [])].some((step) => step.final);
  }

  intent(target: Target, method: string, path: string): void {
    this.#append({ at: new Date().toISOString(), target: targetKey(target), event: 'intent', method, path });
  }

  step(target: Target, step: Step, final: boolean): void {
    this.#append({ at: new Date().toISOString(), target: targetKey(target), event: 'step', ...step, final });
  }

  done(target: Target, outcome: Outcome, reason?: string): void {
    this.#append({ at: new Date().toISOString(), target: targetKey(target), event: 'done', outcome, ...(reason ? { reason } : {}) });
  }

  close(): void {
    closeSync(this.#fd);
  }

  /** Writes an entry durably, then counts it as a replayed one would be. */
  #append(entry: JournalEntry): void {
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.#fd);
    this.#apply(entry);
  }

  /** What an entry tells about the run: a finished target, or a write never to send again. */
  #apply(entry: JournalEntry): void {
    if (entry.event === 'done' && FINISHED.has(entry.outcome)) this.#finished.set(entry.target, entry.outcome);
    if (entry.event === 'step' && confirms(entry.status)) {
      const steps = this.#confirmed.get(entry.target) ?? new Map();
      steps.set(`${entry.method} ${entry.path}`, { status: entry.status!, final: entry.final });
      this.#confirmed.set(entry.target, steps);
    }
  }
}
