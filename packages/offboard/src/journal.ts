// An append-only JSONL journal, fsync'd after every line, so an interrupted batch can resume:
// targets that finished are skipped, and a write the provider confirmed (2xx, or 404: already
// gone) is never sent again. It records targets, methods, paths and statuses only: never a
// credential or a header.
//
// Guarantees:
// - One writer. A journal is locked from `Journal.open` until `close()` (see journal-lock.ts:
//   `<journal>.lock`, with its holder in `<journal>.lock.owner`). A second opener, in another
//   process or in this one, is refused with an InputError naming the journal, the lock and the
//   holder (pid, host, start time). Two openers racing for a free or stale lock: exactly one wins.
// - A dead writer's lock does not block the rerun. A lock whose recorded pid is on this host and
//   no longer running (e.g. killed with SIGKILL) is taken over at once; any other lock (another
//   host, a reused pid) once it has not been refreshed for 10 s. The taker is told through `warn`.
// - A writer whose lock was taken (it stalled for longer than that, or the lock was removed)
//   refuses every further append with an error, rather than write alongside the new holder; no
//   write is sent after its intent failed to be journaled.
// - Every line is durable (fsync) before the journal counts it. A line that is not a well-formed
//   entry (a torn last line from a crash, garbage, JSON of the wrong shape) is skipped with one
//   `warn` per line naming the file and line number; the lines around it still count. A torn last
//   line is terminated before the first append, so it cannot swallow the next entry.
// - The lock is released by `close()` (idempotent) and on normal process exit.
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, writeSync } from 'node:fs';
import { JournalLock } from './journal-lock.js';
import type { Outcome, Step, Target } from './types.js';
import { InputError, JournalError, targetKey } from './types.js';

export type JournalEntry =
  | {
      readonly at: string;
      readonly target: string;
      readonly event: 'intent';
      readonly method: string;
      readonly path: string;
    }
  | {
      readonly at: string;
      readonly target: string;
      readonly event: 'step';
      readonly method: string;
      readonly path: string;
      readonly status: number | null;
      readonly final: boolean;
    }
  | {
      readonly at: string;
      readonly target: string;
      readonly event: 'done';
      readonly outcome: Outcome;
      readonly reason?: string;
    };

export interface JournalOptions {
  /** Told about skipped lines and lock takeovers; defaults to stderr. */
  readonly warn?: (message: string) => void;
}

/** Outcomes after which a target is finished: rerunning it would change nothing. */
const FINISHED: ReadonlySet<Outcome> = new Set(['deleted', 'removed', 'already-absent']);
const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['deleted', 'removed', 'already-absent', 'blocked', 'failed']);

/** A write the provider answered with 2xx (done) or 404 (already gone): never to be sent again. */
function confirms(status: number | null): boolean {
  return status !== null && ((status >= 200 && status < 300) || status === 404);
}

/** The entry a parsed line holds, or a short reason it holds none (never its content). */
function parseEntry(value: unknown): JournalEntry | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const { at, target, event } = record;
  if (typeof at !== 'string') return '"at" is not a string';
  if (typeof target !== 'string') return '"target" is not a string';
  if (event === 'intent' || event === 'step') {
    const { method, path } = record;
    if (typeof method !== 'string') return '"method" is not a string';
    if (typeof path !== 'string') return '"path" is not a string';
    if (event === 'intent') return { at, target, event, method, path };
    const { status, final } = record;
    if (status !== null && !(Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599))
      return '"status" is neither an HTTP status nor null';
    if (typeof final !== 'boolean') return '"final" is not a boolean';
    return { at, target, event, method, path, status: status as number | null, final };
  }
  if (event === 'done') {
    const { outcome, reason } = record;
    if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) return '"outcome" is not a known outcome';
    if (reason !== undefined && typeof reason !== 'string') return '"reason" is not a string';
    return { at, target, event, outcome: outcome as Outcome, ...(reason === undefined ? {} : { reason }) };
  }
  return typeof event === 'string' ? 'unknown "event"' : '"event" is not a string';
}

const open = new Set<Journal>();
let exitHookInstalled = false;
function releaseAllOnExit(): void {
  for (const journal of [...open]) journal.close();
}

export class Journal {
  readonly #fd: number;
  readonly #lock: JournalLock;
  #closed = false;
  readonly #finished = new Map<string, Outcome>();
  readonly #confirmed = new Map<string, Map<string, { status: number; final: boolean }>>();

  private constructor(fd: number, lock: JournalLock, entries: readonly JournalEntry[]) {
    this.#fd = fd;
    this.#lock = lock;
    for (const entry of entries) this.#apply(entry);
  }

  /**
   * Opens (or creates) a journal and locks it until close(). Throws an InputError when it cannot
   * be opened or another writer holds it. Unreadable lines are skipped, each told to `warn`.
   */
  static async open(file: string, options: JournalOptions = {}): Promise<Journal> {
    const warn = options.warn ?? ((message: string) => void process.stderr.write(`warning: ${message}\n`));
    let fd: number;
    let canonical: string;
    try {
      fd = openSync(file, 'a');
      canonical = realpathSync(file);
    } catch (error) {
      throw new InputError(
        `cannot open the journal ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    let lock: JournalLock;
    try {
      lock = await JournalLock.acquire(canonical, { warn });
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    try {
      // Read only once the lock is ours: nobody else appends now.
      const text = readFileSync(canonical, 'utf8');
      const entries: JournalEntry[] = [];
      const lines = text.split('\n');
      lines.forEach((line, index) => {
        if (!line.trim()) return;
        const torn = index === lines.length - 1;
        let parsed: JournalEntry | string;
        try {
          parsed = parseEntry(JSON.parse(line));
        } catch {
          parsed = torn ? 'torn (a write cut short)' : 'not JSON';
        }
        if (typeof parsed === 'string') warn(`${file}:${index + 1}: skipped an unreadable journal line (${parsed})`);
        else entries.push(parsed);
      });
      // A last line without its newline would swallow the next entry: end it first.
      if (text.length > 0 && !text.endsWith('\n')) {
        writeSync(fd, '\n');
        fsyncSync(fd);
      }
      const journal = new Journal(fd, lock, entries);
      open.add(journal);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', releaseAllOnExit);
      }
      return journal;
    } catch (error) {
      closeSync(fd);
      lock.release();
      throw error instanceof InputError
        ? error
        : new InputError(`cannot read the journal ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
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
    this.#append({
      at: new Date().toISOString(),
      target: targetKey(target),
      event: 'done',
      outcome,
      ...(reason ? { reason } : {}),
    });
  }

  /** Closes the file and releases the lock; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    open.delete(this);
    try {
      closeSync(this.#fd);
    } finally {
      this.#lock.release();
    }
  }

  /** Writes an entry durably, then counts it as a replayed one would be; only while the lock is ours. */
  #append(entry: JournalEntry): void {
    if (this.#closed) throw new JournalError('the journal is closed');
    this.#lock.assertHeld();
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.#fd);
    this.#apply(entry);
  }

  /** What an entry tells about the run: a finished target, or a write never to send again. */
  #apply(entry: JournalEntry): void {
    if (entry.event === 'done' && FINISHED.has(entry.outcome)) this.#finished.set(entry.target, entry.outcome);
    if (entry.event === 'step' && entry.status !== null && confirms(entry.status)) {
      const steps = this.#confirmed.get(entry.target) ?? new Map<string, { status: number; final: boolean }>();
      steps.set(`${entry.method} ${entry.path}`, { status: entry.status, final: entry.final });
      this.#confirmed.set(entry.target, steps);
    }
  }
}
