// The journal's promise under a real crash: a batch killed with SIGKILL mid-way and run again
// finishes every target, and no DELETE the provider confirmed is ever sent twice.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { emptyState, fakeEnv, startFakeProviders, type FakeProviders } from '../test/fake-providers.js';
import type { JournalEntry } from './journal.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/offboard.js');
const PER_PROVIDER = 60;
const organization = '79f64482-1271-44b8-a1d4-d83e418eddf2';
const cloudflareAccount = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const uuid = (n: number) => `3f7a2c1e-9b4d-4e6f-8a2b-${String(n).padStart(12, '0')}`;

let fake: FakeProviders;
let dir: string;

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  fake.deleteDelayMs = 15;
  dir = await mkdtemp(path.join(tmpdir(), 'offboard-resume-'));
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[]): { done: Promise<{ code: number | null; stdout: string }>; kill: () => void } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...fakeEnv(fake.url), PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return {
    done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout }))),
    kill: () => child.kill('SIGKILL'),
  };
}

async function journalEntries(file: string): Promise<JournalEntry[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as JournalEntry];
      } catch {
        return [];
      }
    });
}

it('resumes a batch killed with SIGKILL: every target done, no confirmed DELETE repeated', async () => {
  const rows = ['provider,account,user'];
  for (let n = 1; n <= PER_PROVIDER; n++) {
    fake.state.gcore.users.set(n, new Set([100]));
    rows.push(`gcore,100,${n}`);
    fake.state.cloudflare.add(`${cloudflareAccount}/${uuid(n)}`);
    rows.push(`cloudflare,${cloudflareAccount},${uuid(n)}`);
    fake.state.nscale.add(`${organization}/${uuid(n)}`);
    rows.push(`nscale,${organization},${uuid(n)}`);
    fake.state.liveperson.users.add(`12345678/${n}`);
    rows.push(`liveperson,12345678,${n}`);
  }
  const csv = path.join(dir, 'batch.csv');
  const journal = path.join(dir, 'journal.jsonl');
  await writeFile(csv, `${rows.join('\n')}\n`);
  const args = ['apply', '--batch', csv, '--journal', journal, '--concurrency', '8', '--json'];

  const first = run(args);
  // Kill it once a good part of the work is confirmed, mid-flight.
  for (;;) {
    const confirmed = (await journalEntries(journal)).filter((entry) => entry.event === 'step').length;
    if (confirmed >= 80) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  first.kill();
  expect((await first.done).code).toBeNull();

  const beforeRerun = await journalEntries(journal);
  const confirmedDeletes = beforeRerun.filter(
    (entry): entry is Extract<JournalEntry, { event: 'step' }> => entry.event === 'step' && entry.method === 'DELETE' && entry.status !== null && entry.status < 300,
  );
  const finishedBefore = new Set(beforeRerun.filter((entry) => entry.event === 'done').map((entry) => entry.target));
  expect(confirmedDeletes.length).toBeGreaterThanOrEqual(60);
  expect(finishedBefore.size).toBeLessThan(4 * PER_PROVIDER);

  const second = await run(args).done;
  expect(second.code).toBe(0);
  const results = (JSON.parse(second.stdout) as { results: { outcome: string }[] }).results;
  expect(results).toHaveLength(4 * PER_PROVIDER);
  for (const result of results) expect(['deleted', 'removed', 'already-absent']).toContain(result.outcome);

  for (const step of confirmedDeletes) expect({ path: step.path, sent: fake.count('DELETE', step.path) }).toEqual({ path: step.path, sent: 1 });
  expect(fake.state.gcore.users.size + fake.state.cloudflare.size + fake.state.nscale.size + fake.state.liveperson.users.size).toBe(0);
  const done = new Set((await journalEntries(journal)).filter((entry) => entry.event === 'done').map((entry) => entry.target));
  expect(done.size).toBe(4 * PER_PROVIDER);
});
