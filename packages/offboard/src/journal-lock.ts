// The single-writer lock of a journal, built on proper-lockfile.
//
// proper-lockfile gives the lock itself: `<journal>.lock` is a directory made with mkdir (atomic:
// one creator wins), its mtime is refreshed while the holder lives, a lock whose mtime is older
// than `staleMs` is taken over, a refresh that finds the directory changed reports the lock as
// compromised, and held locks are removed when the process exits. What it lacks, this adds:
//
// - Who holds it. proper-lockfile removes a lock with a plain rmdir (not recursive) and checks the
//   directory's mtime, so nothing can be written inside the directory. The holder is recorded next
//   to it instead, in `<journal>.lock.owner` (pid, host, start time, a random token), written
//   atomically (temp file + rename).
// - A safe takeover. proper-lockfile takes a stale lock over with stat, rmdir, mkdir: two openers
//   that both saw it stale can both win (the second removes the first one's fresh lock). Here
//   every acquisition runs under a short-lived guard, `<journal>.lock.guard` (also a
//   proper-lockfile lock, held for milliseconds), so the check-remove-create steps of two openers
//   never interleave.
// - A dead holder's lock is taken over at once, without waiting for staleness, when the owner
//   record names a pid on this host that is not running (process.kill(pid, 0) → ESRCH).
// - A holder checks, before each append, that the lock directory is still there and the owner
//   record still carries its token, so a holder whose lock was taken (it stalled past `staleMs`,
//   or someone removed the lock) stops at its next write instead of writing alongside the new one.
//
// What remains possible: a process killed inside the guard (a few milliseconds) leaves the guard
// behind; it is taken over after 2 s by proper-lockfile's own (unguarded) staleness rule.
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';
import { InputError, JournalError } from './types.js';

/** Who holds a journal's lock, as recorded in its owner file. */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** When the holder took the lock (ISO 8601). */
  readonly startedAt: string;
  readonly token: string;
}

export interface LockOptions {
  /** A lock not refreshed for this long is taken over (proper-lockfile's minimum is 2000). */
  readonly staleMs?: number;
  /** How often the holder refreshes the lock and looks for a takeover (minimum 1000). */
  readonly updateMs?: number;
  readonly warn?: (message: string) => void;
}

const DEFAULT_STALE_MS = 10_000;
const DEFAULT_UPDATE_MS = 2_000;

function describeOwner(owner: LockOwner | undefined, ownerFile: string): string {
  if (!owner) return `an unknown process (no readable owner record in ${ownerFile})`;
  return `pid ${owner.pid} on host ${owner.host}, since ${owner.startedAt}`;
}

function readOwner(ownerFile: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(ownerFile, 'utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, startedAt, token } = value as Record<string, unknown>;
    if (
      !Number.isSafeInteger(pid) ||
      typeof host !== 'string' ||
      typeof startedAt !== 'string' ||
      typeof token !== 'string'
    )
      return undefined;
    return { pid: pid as number, host, startedAt, token };
  } catch {
    return undefined;
  }
}

/** True unless the pid certainly names no running process (EPERM: it runs, as someone else). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

/** The lock of one journal, held from `acquire` until `release`. */
export class JournalLock {
  readonly lockDir: string;
  readonly ownerFile: string;
  #compromised: string | undefined;
  #released = false;

  private constructor(
    readonly journal: string,
    readonly owner: LockOwner,
    private readonly releaseLock: () => void,
  ) {
    this.lockDir = `${journal}.lock`;
    this.ownerFile = `${journal}.lock.owner`;
  }

  /**
   * Takes the lock of `journal` (a canonical path: resolve symlinks first), or throws an InputError
   * naming the journal, the lock and its holder.
   */
  static async acquire(journal: string, options: LockOptions = {}): Promise<JournalLock> {
    const lockDir = `${journal}.lock`;
    const ownerFile = `${lockDir}.owner`;
    const guardDir = `${lockDir}.guard`;
    const staleMs = Math.max(options.staleMs ?? DEFAULT_STALE_MS, 2000);
    const warn = options.warn ?? (() => {});
    let self: JournalLock | undefined;
    let lostEarly: string | undefined;
    const onCompromised = (error: Error) => {
      const reason = `lost the lock ${lockDir} of the journal ${journal}: ${error.message}`;
      if (self) self.#lose(reason, warn);
      else lostEarly = reason;
    };

    let releaseGuard: () => Promise<void>;
    try {
      // Openers queue here for the few milliseconds an acquisition takes; 2 s covers a dead one's guard.
      releaseGuard = await lockfile.lock(guardDir, {
        lockfilePath: guardDir,
        realpath: false,
        stale: 2000,
        retries: { retries: 60, factor: 1.3, minTimeout: 5, maxTimeout: 100 },
        onCompromised: () => {},
      });
    } catch (error) {
      if (errorCode(error) === 'ELOCKED')
        throw new InputError(
          `the journal ${journal} is being opened by another process (its guard ${guardDir} stayed locked)`,
        );
      throw new InputError(`cannot lock the journal ${journal} (${guardDir}): ${errorCode(error) ?? String(error)}`);
    }
    try {
      let release: (() => Promise<void>) | undefined;
      let tookOver: string | undefined;
      for (let attempt = 0; !release; attempt++) {
        let before: { mtimeMs: number } | undefined;
        try {
          before = statSync(lockDir);
        } catch {
          before = undefined;
        }
        const previous = before ? readOwner(ownerFile) : undefined;
        try {
          release = await lockfile.lock(journal, {
            lockfilePath: lockDir,
            realpath: false,
            stale: staleMs,
            update: options.updateMs ?? DEFAULT_UPDATE_MS,
            retries: 0,
            onCompromised,
          });
          // A lock that was there and old was stale, and proper-lockfile replaced it (under our guard).
          if (before && Date.now() - before.mtimeMs > staleMs)
            tookOver = `took over the stale lock ${lockDir} of the journal ${journal}, held by ${describeOwner(previous, ownerFile)}`;
        } catch (error) {
          if (errorCode(error) !== 'ELOCKED')
            throw new InputError(
              `cannot lock the journal ${journal} (${lockDir}): ${errorCode(error) ?? String(error)}`,
            );
          const owner = readOwner(ownerFile);
          if (owner && owner.host === hostname() && !running(owner.pid) && attempt < 3) {
            // Its holder is gone: no need to wait until it goes stale.
            rmSync(lockDir, { recursive: true, force: true });
            tookOver = `took over the lock ${lockDir} of the journal ${journal}, left by ${describeOwner(owner, ownerFile)}, which is no longer running`;
            continue;
          }
          if (!owner && attempt < 3) {
            // A holder releasing right now removes its owner record first: look again shortly.
            await new Promise((resolve) => setTimeout(resolve, 30));
            continue;
          }
          throw new InputError(
            `the journal ${journal} is in use: its lock ${lockDir} is held by ${describeOwner(owner, ownerFile)}; a lock not refreshed for ${staleMs / 1000} s is taken over`,
          );
        }
      }
      const owner: LockOwner = {
        pid: process.pid,
        host: hostname(),
        startedAt: new Date().toISOString(),
        token: randomUUID(),
      };
      const temp = `${ownerFile}.${owner.token}.tmp`;
      try {
        writeFileSync(temp, `${JSON.stringify(owner)}\n`);
        renameSync(temp, ownerFile);
      } catch (error) {
        rmSync(temp, { force: true });
        await release().catch(() => {});
        throw new InputError(
          `cannot record the owner of the journal lock ${ownerFile}: ${errorCode(error) ?? String(error)}`,
        );
      }
      self = new JournalLock(journal, owner, () => {
        // Synchronously: close() is sync, and so is a process 'exit' listener. Owner record first:
        // once the directory is gone, the next holder writes its own record, which must survive.
        try {
          unlinkSync(ownerFile);
        } catch {
          // Already gone.
        }
        try {
          lockfile.unlockSync(journal, { lockfilePath: lockDir, realpath: false });
        } catch {
          // Released or compromised meanwhile.
        }
      });
      if (tookOver) warn(tookOver);
      if (lostEarly) self.#lose(lostEarly, warn);
      return self;
    } finally {
      await releaseGuard().catch(() => {});
    }
  }

  /** Why the lock is no longer ours, if it is not. */
  get compromised(): string | undefined {
    return this.#compromised;
  }

  /** Throws unless the lock is still ours: called before every append. */
  assertHeld(): void {
    if (this.#released) throw new JournalError(`the journal ${this.journal} is closed`);
    if (this.#compromised === undefined) {
      let exists = true;
      try {
        statSync(this.lockDir);
      } catch {
        exists = false;
      }
      if (!exists) this.#compromised = `its lock ${this.lockDir} was removed`;
      else if (readOwner(this.ownerFile)?.token !== this.owner.token) {
        this.#compromised = `its lock ${this.lockDir} was taken over by ${describeOwner(readOwner(this.ownerFile), this.ownerFile)}`;
      }
    }
    if (this.#compromised !== undefined) {
      throw new JournalError(
        `the journal ${this.journal} no longer accepts writes: ${this.#compromised}; another process may be running the same batch`,
      );
    }
  }

  /** Releases the lock (idempotent). A lock taken by someone else is left to them. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    // Not ours any more: proper-lockfile drops it at its next refresh, without touching the directory.
    if (this.#compromised === undefined && readOwner(this.ownerFile)?.token === this.owner.token) this.releaseLock();
  }

  #lose(reason: string, warn: (message: string) => void): void {
    if (this.#compromised !== undefined || this.#released) return;
    this.#compromised = reason;
    warn(`${reason}; the journal refuses further writes`);
  }
}
