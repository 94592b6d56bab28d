// An append-only JSONL journal, fsync'd after every line, so an interrupted batch can resume:
// targets that finished are skipped, and a write the provider confirmed (2xx, or 404: already
// gone) is never sent again. It is also the evidence of what was done (see report.ts): each apply
// run starts with a `run` line (operator, ticket, tool, plan, targets, where people were
// searched), each write has an `intent` and a `step` line, and each target ends with a `done` line
// holding every request of the target (reads too) and whether the result was verified. Every
// line has its time (`at`, ISO 8601 UTC); steps have the provider's request id when it sent one.
// It records ids, methods, paths, statuses and the providers' messages: never a credential or a
// header.
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
import type { DiscoveryEntry, Unconfigured } from './discover.js';
import { JournalLock } from './journal-lock.js';
import type { Outcome, Step, Target } from './types.js';
import { confirms, FINISHED, InputError, JournalError, targetKey } from './types.js';

/** A target as a run lists it: its ids (canonical) and the address it was found by. */
export interface RunTarget {
  readonly provider: string;
  readonly account: string;
  readonly user: string;
  readonly email?: string;
}

/** Where a run by email searched (as `--json` prints it): the evidence of absence, too. */
export interface RunDiscovery {
  readonly entries: readonly DiscoveryEntry[];
  readonly notInConfig: readonly Unconfigured[];
  readonly warnings: readonly string[];
}

/** Who ran an apply, why, with what: the first line of every apply run. */
export interface RunRecord {
  readonly operator: string;
  readonly ticket?: string;
  readonly tool: { readonly name: string; readonly version: string };
  /** Whether deletes are verified by reading again (`--no-verify` turns it off). */
  readonly verify: boolean;
  /** The saved plan the run applies (`apply --plan`). */
  readonly plan?: { readonly checksum: string; readonly created: string };
  /** Every target of the run, in order (also the ones that will be skipped as finished). */
  readonly targets: readonly RunTarget[];
  readonly discovery?: RunDiscovery;
}

export type JournalEntry =
  | ({ readonly at: string; readonly event: 'run' } & RunRecord)
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
      readonly requestId?: string;
    }
  | {
      readonly at: string;
      readonly target: string;
      readonly event: 'done';
      readonly outcome: Outcome;
      readonly reason?: string;
      /** Whether reads after the outcome showed the user gone (absent in journals before verification). */
      readonly verified?: boolean;
      /** Every request of the target in this run, reads included, each with its time and request id. */
      readonly steps?: readonly Step[];
    };

export interface JournalOptions {
  /** Told about skipped lines and lock takeovers; defaults to stderr. */
  readonly warn?: (message: string) => void;
}

const OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['deleted', 'removed', 'already-absent', 'blocked', 'failed']);

const isStatus = (status: unknown): status is number | null =>
  status === null || (Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

function isStep(value: unknown): value is Step {
  if (!isObject(value)) return false;
  const { method, path, status, at, requestId } = value;
  return (
    typeof method === 'string' &&
    typeof path === 'string' &&
    isStatus(status) &&
    (at === undefined || typeof at === 'string') &&
    (requestId === undefined || typeof requestId === 'string')
  );
}

function isRunTarget(value: unknown): value is RunTarget {
  if (!isObject(value)) return false;
  const { provider, account, user, email } = value;
  return (
    typeof provider === 'string' &&
    typeof account === 'string' &&
    typeof user === 'string' &&
    (email === undefined || typeof email === 'string')
  );
}

function isDiscovery(value: unknown): value is RunDiscovery {
  if (!isObject(value)) return false;
  const { entries, notInConfig, warnings } = value;
  return (
    Array.isArray(entries) &&
    entries.every(
      (entry) =>
        isObject(entry) &&
        typeof entry.email === 'string' &&
        typeof entry.provider === 'string' &&
        typeof entry.account === 'string' &&
        isStrings(entry.users) &&
        (entry.error === undefined || typeof entry.error === 'string'),
    ) &&
    Array.isArray(notInConfig) &&
    notInConfig.every(
      (entry) =>
        isObject(entry) &&
        typeof entry.email === 'string' &&
        typeof entry.provider === 'string' &&
        isStrings(entry.accounts),
    ) &&
    isStrings(warnings)
  );
}

/** The run line a parsed object holds, or a short reason it holds none. */
function parseRun(at: string, record: Record<string, unknown>): JournalEntry | string {
  const { operator, ticket, tool, verify, plan, targets, discovery } = record;
  if (typeof operator !== 'string') return '"operator" is not a string';
  if (ticket !== undefined && typeof ticket !== 'string') return '"ticket" is not a string';
  if (!isObject(tool) || typeof tool.name !== 'string' || typeof tool.version !== 'string')
    return '"tool" is not a name and a version';
  if (typeof verify !== 'boolean') return '"verify" is not a boolean';
  if (plan !== undefined && (!isObject(plan) || typeof plan.checksum !== 'string' || typeof plan.created !== 'string'))
    return '"plan" is not a checksum and a time';
  if (!Array.isArray(targets) || !targets.every(isRunTarget)) return '"targets" is not a list of targets';
  if (discovery !== undefined && !isDiscovery(discovery)) return '"discovery" is not a discovery';
  return {
    at,
    event: 'run',
    operator,
    ...(ticket === undefined ? {} : { ticket }),
    tool: { name: tool.name, version: tool.version },
    verify,
    ...(plan === undefined ? {} : { plan: { checksum: plan.checksum as string, created: plan.created as string } }),
    targets,
    ...(discovery === undefined ? {} : { discovery }),
  };
}

/** The entry a parsed line holds, or a short reason it holds none (never its content). */
function parseEntry(value: unknown): JournalEntry | string {
  if (!isObject(value)) return 'not a JSON object';
  const record = value;
  const { at, target, event } = record;
  if (typeof at !== 'string') return '"at" is not a string';
  if (event === 'run') return parseRun(at, record);
  if (typeof target !== 'string') return '"target" is not a string';
  if (event === 'intent' || event === 'step') {
    const { method, path } = record;
    if (typeof method !== 'string') return '"method" is not a string';
    if (typeof path !== 'string') return '"path" is not a string';
    if (event === 'intent') return { at, target, event, method, path };
    const { status, final, requestId } = record;
    if (!isStatus(status)) return '"status" is neither an HTTP status nor null';
    if (typeof final !== 'boolean') return '"final" is not a boolean';
    if (requestId !== undefined && typeof requestId !== 'string') return '"requestId" is not a string';
    return { at, target, event, method, path, status, final, ...(requestId === undefined ? {} : { requestId }) };
  }
  if (event === 'done') {
    const { outcome, reason, verified, steps } = record;
    if (typeof outcome !== 'string' || !OUTCOMES.has(outcome)) return '"outcome" is not a known outcome';
    if (reason !== undefined && typeof reason !== 'string') return '"reason" is not a string';
    if (verified !== undefined && typeof verified !== 'boolean') return '"verified" is not a boolean';
    if (steps !== undefined && !(Array.isArray(steps) && steps.every(isStep))) return '"steps" is not a list of steps';
    return {
      at,
      target,
      event,
      outcome: outcome as Outcome,
      ...(reason === undefined ? {} : { reason }),
      ...(verified === undefined ? {} : { verified }),
      ...(steps === undefined ? {} : { steps }),
    };
  }
  return typeof event === 'string' ? 'unknown "event"' : '"event" is not a string';
}

/**
 * The entries of a journal's text, in order. A line that is not a well-formed entry is skipped
 * with one `warn` naming `file` and its line number (a last line is said to be torn).
 */
export function parseJournal(text: string, file: string, warn: (message: string) => void): JournalEntry[] {
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
  return entries;
}

/**
 * Reads a journal without locking it (for a report: a running apply may be appending; a line it
 * has not finished is skipped as torn). InputError when it cannot be read.
 */
export function readJournal(file: string, warn: (message: string) => void): JournalEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the journal ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseJournal(text, file, warn);
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
  readonly #finished = new Map<string, { outcome: Outcome; verified: boolean }>();
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
      const entries = parseJournal(text, file, warn);
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

  /** How a finished target ended in an earlier run, and whether that was verified. */
  finished(target: Target): { readonly outcome: Outcome; readonly verified: boolean } | undefined {
    return this.#finished.get(targetKey(target));
  }

  /** The status of a write already confirmed for this target, if any. */
  confirmed(target: Target, method: string, path: string): { status: number; final: boolean } | undefined {
    return this.#confirmed.get(targetKey(target))?.get(`${method} ${path}`);
  }

  /** True when any write of the target was confirmed (an earlier run started on it). */
  startedEarlier(target: Target): boolean {
    return (this.#confirmed.get(targetKey(target))?.size ?? 0) > 0;
  }

  /** True when the target's final write (the delete itself) was confirmed. */
  finalConfirmed(target: Target): boolean {
    return [...(this.#confirmed.get(targetKey(target))?.values() ?? [])].some((step) => step.final);
  }

  /** The first line of an apply run: who, why, with what, and its targets. */
  begin(run: RunRecord): void {
    this.#append({ at: new Date().toISOString(), event: 'run', ...run });
  }

  intent(target: Target, method: string, path: string): void {
    this.#append({ at: new Date().toISOString(), target: targetKey(target), event: 'intent', method, path });
  }

  step(target: Target, step: Step, final: boolean): void {
    const { method, path, status, at, requestId } = step;
    this.#append({
      at: at ?? new Date().toISOString(),
      target: targetKey(target),
      event: 'step',
      method,
      path,
      status,
      final,
      ...(requestId === undefined ? {} : { requestId }),
    });
  }

  /** How a target ended, with the evidence: whether it was verified, and every step of this run. */
  done(
    target: Target,
    outcome: Outcome,
    reason?: string,
    evidence: { readonly verified?: boolean; readonly steps?: readonly Step[] } = {},
  ): void {
    this.#append({
      at: new Date().toISOString(),
      target: targetKey(target),
      event: 'done',
      outcome,
      ...(reason ? { reason } : {}),
      ...(evidence.verified === undefined ? {} : { verified: evidence.verified }),
      ...(evidence.steps === undefined ? {} : { steps: evidence.steps }),
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
    if (entry.event === 'run') return;
    if (entry.event === 'done' && FINISHED.has(entry.outcome))
      this.#finished.set(entry.target, { outcome: entry.outcome, verified: entry.verified === true });
    if (entry.event === 'step' && entry.status !== null && confirms(entry.status)) {
      const steps = this.#confirmed.get(entry.target) ?? new Map<string, { status: number; final: boolean }>();
      steps.set(`${entry.method} ${entry.path}`, { status: entry.status, final: entry.final });
      this.#confirmed.set(entry.target, steps);
    }
  }
}
