// The journal's promise under a real crash: a batch killed with SIGKILL mid-way and run again
// finishes every target, and no DELETE the provider confirmed is ever sent twice.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { journalEntries, spawnCli } from '../test/cli-process.js';
import { emptyState, type FakeProviders, fakeEnv, startFakeProviders } from '../test/fake-providers.js';
import { IDS } from '../test/harness.js';
import type { JournalEntry } from './journal.js';

const PER_PROVIDER = 60;
const { organization, cloudflareAccount, uuid } = IDS;

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

const run = (args: string[]) => spawnCli(args, fakeEnv(fake.url));

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
  first.kill('SIGKILL');
  expect((await first.done).signal).toBe('SIGKILL');

  const beforeRerun = await journalEntries(journal);
  const confirmedDeletes = beforeRerun.filter(
    (entry): entry is Extract<JournalEntry, { event: 'step' }> =>
      entry.event === 'step' && entry.method === 'DELETE' && entry.status !== null && entry.status < 300,
  );
  const finishedBefore = new Set(beforeRerun.filter((entry) => entry.event === 'done').map((entry) => entry.target));
  expect(confirmedDeletes.length).toBeGreaterThanOrEqual(60);
  expect(finishedBefore.size).toBeLessThan(4 * PER_PROVIDER);

  const second = await run(args).done;
  expect(second.code).toBe(0);
  const results = (JSON.parse(second.stdout) as { results: { outcome: string }[] }).results;
  expect(results).toHaveLength(4 * PER_PROVIDER);
  for (const result of results) expect(['deleted', 'removed', 'already-absent']).toContain(result.outcome);

  for (const step of confirmedDeletes)
    expect({ path: step.path, sent: fake.count('DELETE', step.path) }).toEqual({ path: step.path, sent: 1 });
  expect(
    fake.state.gcore.users.size +
      fake.state.cloudflare.size +
      fake.state.nscale.size +
      fake.state.liveperson.users.size,
  ).toBe(0);
  const done = new Set(
    (await journalEntries(journal)).filter((entry) => entry.event === 'done').map((entry) => entry.target),
  );
  expect(done.size).toBe(4 * PER_PROVIDER);
});
