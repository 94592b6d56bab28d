// A signal mid-batch: no new target starts, the requests in flight finish, the finished targets
// are printed (one JSON document with "interrupted": true), exit 130/143; a rerun with the
// journal finishes the rest with nothing confirmed sent twice. And two processes on one journal.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirmedWrites, journalEntries, spawnCli, untilJournal } from '../test/cli-process.js';
import { emptyState, type FakeProviders, fakeEnv, startFakeProviders } from '../test/fake-providers.js';
import { IDS } from '../test/harness.js';

const COUNT = 40;
const { organization, cloudflareAccount, uuid } = IDS;

let fake: FakeProviders;
let dir: string;
let batch: string;
let journal: string;

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  dir = await mkdtemp(path.join(tmpdir(), 'offboard-interrupt-'));
  const rows = ['provider,account,user'];
  for (let n = 1; n <= COUNT / 2; n++) {
    fake.state.cloudflare.add(`${cloudflareAccount}/${uuid(n)}`);
    rows.push(`cloudflare,${cloudflareAccount},${uuid(n)}`);
    fake.state.nscale.add(`${organization}/${uuid(n)}`);
    rows.push(`nscale,${organization},${uuid(n)}`);
  }
  batch = path.join(dir, 'batch.csv');
  journal = path.join(dir, 'journal.jsonl');
  await writeFile(batch, `${rows.join('\n')}\n`);
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const remaining = () => fake.state.cloudflare.size + fake.state.nscale.size;
const args = () => ['apply', '--batch', batch, '--journal', journal, '--concurrency', '4', '--json'];

interface Printed {
  interrupted: boolean;
  signal?: string;
  notStarted?: number;
  results: { provider: string; account: string; user: string; outcome: string }[];
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s mid-batch', (signal, exitCode) => {
  it(`stops starting targets, prints what finished, exits ${exitCode}; a rerun finishes the rest`, async () => {
    fake.deleteDelayMs = 60;
    const first = spawnCli(args(), fakeEnv(fake.url));
    await untilJournal(journal, (entries) => confirmedWrites(entries).length >= 6);
    first.kill(signal);
    const stopped = await first.done;
    expect(stopped.code).toBe(exitCode);
    const printed = JSON.parse(stopped.stdout) as Printed;
    expect(printed).toMatchObject({ interrupted: true, signal });
    expect(printed.notStarted).toBeGreaterThan(0);
    expect(printed.results.length + printed.notStarted!).toBe(COUNT);
    // Truthful: every target printed deleted is gone at the provider.
    for (const result of printed.results) {
      expect(result.outcome).toBe('deleted');
      const store = result.provider === 'cloudflare' ? fake.state.cloudflare : fake.state.nscale;
      expect(store.has(`${result.account}/${result.user}`)).toBe(false);
    }
    expect(remaining()).toBeGreaterThan(0);

    const confirmed = confirmedWrites(await journalEntries(journal));
    const second = await spawnCli(args(), fakeEnv(fake.url)).done;
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as Printed).interrupted).toBe(false);
    expect(remaining()).toBe(0);
    for (const step of confirmed)
      expect({ path: step.path, sent: fake.count('DELETE', step.path) }).toEqual({ path: step.path, sent: 1 });
  });
});

it('quits at once on a second signal, with the journal intact for the rerun', async () => {
  fake.deleteDelayMs = 30_000;
  const first = spawnCli(args(), fakeEnv(fake.url));
  await untilJournal(journal, (entries) => entries.filter((entry) => entry.event === 'intent').length >= 4);
  first.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = Date.now();
  first.kill('SIGINT');
  expect((await first.done).code).toBe(130);
  expect(Date.now() - started).toBeLessThan(5_000);
  fake.deleteDelayMs = 0;
  expect((await spawnCli(args(), fakeEnv(fake.url)).done).code).toBe(0);
  expect(remaining()).toBe(0);
});

it('gives requests in flight a bounded grace, then ends their targets failed, never deleted', async () => {
  fake.deleteDelayMs = 60_000;
  const first = spawnCli(args(), fakeEnv(fake.url));
  await untilJournal(journal, (entries) => entries.filter((entry) => entry.event === 'intent').length >= 4);
  const started = Date.now();
  first.kill('SIGINT');
  const stopped = await first.done;
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(stopped.code).toBe(130);
  const printed = JSON.parse(stopped.stdout) as Printed;
  expect(printed.results.map((result) => result.outcome)).toEqual(Array(4).fill('failed'));
  expect(remaining()).toBe(COUNT);
});

it('lets one of two processes on one journal run, and refuses the other (exit 2, naming the holder)', async () => {
  fake.deleteDelayMs = 10;
  const [a, b] = [spawnCli(args(), fakeEnv(fake.url)), spawnCli(args(), fakeEnv(fake.url))];
  const results = await Promise.all([a.done, b.done]);
  const codes = results.map((result) => result.code).sort();
  expect(codes).toEqual([0, 2]);
  const refused = results.find((result) => result.code === 2)!;
  expect(refused.stderr).toMatch(/the journal .* is in use: .* held by pid \d+ on host /);
  expect(fake.count('DELETE')).toBe(COUNT);
  expect(remaining()).toBe(0);
});
