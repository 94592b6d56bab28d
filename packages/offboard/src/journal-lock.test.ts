// The journal's lock against real processes: one writer, a dead writer's lock taken over at once,
// racing takers, and a holder that loses its lock.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from './journal.js';
import { JournalLock } from './journal-lock.js';
import { InputError } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'journal-lock.fixture.mjs');

let dir: string;
let file: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = realpathSync(await mkdtemp(path.join(tmpdir(), 'offboard-lock-')));
  file = path.join(dir, 'journal.jsonl');
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

interface Said {
  ready?: boolean;
  pid?: number;
  opened?: boolean;
  name?: string;
  message?: string;
  warning?: string;
  ms?: number;
}

/** A child process holding (or trying to hold) the journal; see journal-lock.fixture.mjs. */
function child(extra: string[] = []) {
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture, file, ...extra], {
    cwd: here,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(proc);
  const said: Said[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    said.push(JSON.parse(line) as Said);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  async function next(test: (value: Said) => boolean): Promise<Said> {
    for (;;) {
      const found = said.find(test);
      if (found) return found;
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error('the child exited');
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  return {
    proc,
    said,
    exited,
    ready: () => next((value) => value.ready === true),
    go: () => proc.stdin!.write('go\n'),
    result: () => next((value) => value.opened !== undefined),
    end: () => proc.stdin!.end(),
    kill: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** A lock left by a process killed with SIGKILL while it held the journal. */
async function deadHoldersLock(): Promise<number> {
  const holder = child();
  await holder.ready();
  holder.go();
  expect(await holder.result()).toMatchObject({ opened: true });
  await holder.kill();
  expect(existsSync(`${file}.lock`)).toBe(true);
  expect(existsSync(`${file}.lock.owner`)).toBe(true);
  return holder.proc.pid!;
}

describe('journal lock', () => {
  it('two processes contending for one journal: exactly one gets it, the other is refused naming the holder', async () => {
    const [a, b] = [child(), child()];
    await Promise.all([a.ready(), b.ready()]);
    a.go();
    b.go();
    const results = await Promise.all([a.result(), b.result()]);
    expect(results.filter((result) => result.opened)).toHaveLength(1);
    const winner = results[0]!.opened ? a : b;
    const refused = results.find((result) => !result.opened)!;
    expect(refused.name).toBe('InputError');
    expect(refused.message).toContain(file);
    expect(refused.message).toContain(`${file}.lock`);
    expect(refused.message).toContain(`pid ${winner.proc.pid} on host ${hostname()}, since 20`);
    // A third opener, in this process, is refused as well while the winner lives.
    await expect(Journal.open(file, { warn: () => {} })).rejects.toThrow(new RegExp(`held by pid ${winner.proc.pid} `));
    a.end();
    b.end();
    await Promise.all([a.exited, b.exited]);
  });

  it('takes over at once a lock left by a process killed with SIGKILL', async () => {
    const deadPid = await deadHoldersLock();
    const warnings: string[] = [];
    const started = performance.now();
    const journal = await Journal.open(file, { warn: (message) => warnings.push(message) });
    const ms = performance.now() - started;
    console.log(`took over a SIGKILLed holder's lock in ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(2000);
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`left by pid ${deadPid} on host .*no longer running`))]);
    journal.intent({ provider: 'gcore', account: '1', user: '2' }, 'DELETE', '/x');
    journal.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${file}.lock.owner`)).toBe(false);
  });

  it('processes racing to take over one dead lock: exactly one wins', async () => {
    const deadPid = await deadHoldersLock();
    for (let round = 0; round < 4; round++) {
      if (round > 0) {
        mkdirSync(`${file}.lock`);
        writeFileSync(
          `${file}.lock.owner`,
          JSON.stringify({
            pid: deadPid,
            host: hostname(),
            startedAt: new Date().toISOString(),
            token: `dead-${round}`,
          }),
        );
      }
      const racers = [child(), child(), child()];
      await Promise.all(racers.map((racer) => racer.ready()));
      for (const racer of racers) racer.go();
      const results = await Promise.all(racers.map((racer) => racer.result()));
      expect(results.map((result) => result.opened).sort()).toEqual([false, false, true]);
      for (const result of results)
        if (!result.opened) expect(result.message).toMatch(/is in use: its lock .* is held by pid \d+ on host/);
      for (const racer of racers) racer.end();
      await Promise.all(racers.map((racer) => racer.exited));
      expect(existsSync(`${file}.lock`)).toBe(false);
    }
  });

  it('openers racing (in one process) to take over a dead lock: exactly one wins, every time', async () => {
    const deadPid = await deadHoldersLock();
    for (let round = 0; round < 25; round++) {
      // Fabricate the dead holder's lock again: its directory and its owner record.
      mkdirSync(`${file}.lock`, { recursive: true });
      writeFileSync(
        `${file}.lock.owner`,
        JSON.stringify({ pid: deadPid, host: hostname(), startedAt: new Date().toISOString(), token: `dead-${round}` }),
      );
      const results = await Promise.allSettled([0, 1, 2].map(() => Journal.open(file, { warn: () => {} })));
      const won = results.filter((result): result is PromiseFulfilledResult<Journal> => result.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(InputError);
      won[0]!.value.close();
    }
  });

  it('takes over a lock from another host only once it is stale, and names the holder until then', async () => {
    mkdirSync(`${file}.lock`);
    writeFileSync(
      `${file}.lock.owner`,
      JSON.stringify({ pid: 4242, host: 'elsewhere.example', startedAt: '2030-01-01T00:00:00.000Z', token: 't' }),
    );
    const refusal = await Journal.open(file).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(InputError);
    expect((refusal as Error).message).toBe(
      `the journal ${file} is in use: its lock ${file}.lock is held by pid 4242 on host elsewhere.example, since 2030-01-01T00:00:00.000Z; a lock not refreshed for 10 s is taken over`,
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    const warnings: string[] = [];
    const journal = await Journal.open(file, { warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([expect.stringContaining('took over the stale lock')]);
    journal.close();
  });

  it('refuses a fresh lock whose holder left no record, as held by an unknown process', async () => {
    mkdirSync(`${file}.lock`);
    await expect(Journal.open(file, { warn: () => {} })).rejects.toThrow(
      /held by an unknown process \(no readable owner record in .*journal\.jsonl\.lock\.owner\)/,
    );
  });

  it('a holder whose lock was changed under it (compromised) refuses appends, and leaves the lock alone', async () => {
    writeFileSync(file, '');
    const warnings: string[] = [];
    const lock = await JournalLock.acquire(file, {
      staleMs: 2000,
      updateMs: 1000,
      warn: (message) => warnings.push(message),
    });
    expect(() => lock.assertHeld()).not.toThrow();
    // Someone else's refresh: the mtime is no longer the one this holder set.
    const other = new Date(Date.now() + 60_000);
    utimesSync(`${file}.lock`, other, other);
    const deadline = Date.now() + 5000;
    while (lock.compromised === undefined && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lock.compromised).toMatch(/lost the lock/);
    expect(() => lock.assertHeld()).toThrow(/no longer accepts writes/);
    expect(warnings).toEqual([expect.stringMatching(/lost the lock .*refuses further writes/)]);
    lock.release();
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  it('releases the lock on a normal exit, even without close()', async () => {
    const holder = child(['no-close']);
    await holder.ready();
    holder.go();
    expect(await holder.result()).toMatchObject({ opened: true });
    expect(existsSync(`${file}.lock`)).toBe(true);
    holder.end();
    await holder.exited;
    expect(holder.proc.exitCode).toBe(0);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${file}.lock.owner`)).toBe(false);
  });
});
