import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, startFakeProviders, type FakeProviders } from '../test/fake-providers.js';
import { offboarderFor } from '../test/harness.js';
import type { JournalEntry } from './journal.js';
import type { Target } from './types.js';

let fake: FakeProviders;
let journal: string;
let dir: string;

const targets: Target[] = [
  { provider: 'gcore', account: '100', user: '7' },
  { provider: 'liveperson', account: '12345678', user: '42' },
];

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  fake.state.gcore.users.set(7, new Set([100]));
  fake.state.liveperson.users.add('12345678/42');
  dir = await mkdtemp(path.join(tmpdir(), 'offboard-journal-'));
  journal = path.join(dir, 'journal.jsonl');
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function apply(list: readonly Target[] = targets, options = {}) {
  const offboarder = offboarderFor(fake, { journal, ...options });
  try {
    return await offboarder.run('apply', list);
  } finally {
    offboarder.close();
  }
}

const entries = async () =>
  (await readFile(journal, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalEntry);

describe('journal', () => {
  it('records intent, answer and outcome of every write, and nothing else', async () => {
    await apply();
    const lines = await entries();
    const eventsOf = (target: string) => lines.filter((entry) => entry.target === target).map((entry) => entry.event);
    expect(eventsOf('gcore/100/7')).toEqual(['intent', 'step', 'done']);
    expect(eventsOf('liveperson/12345678/42')).toEqual(['intent', 'step', 'done']);
    expect(lines).toHaveLength(6);
    expect(lines.find((entry) => entry.event === 'step' && entry.target === 'gcore/100/7')).toMatchObject({ method: 'DELETE', path: '/iam/users/7', status: 200, final: true });
    for (const entry of lines) expect(Object.keys(entry).sort()).toEqual(expect.arrayContaining(['at', 'event', 'target']));
    expect(JSON.stringify(lines)).not.toMatch(/authorization|secret|bearer/i);
  });

  it('skips finished targets on a rerun: no request at all, reported already-absent', async () => {
    await apply();
    const before = fake.requests.length;
    const again = await apply();
    expect(again.map((result) => [result.outcome, result.reason])).toEqual([
      ['already-absent', 'finished in an earlier run (deleted)'],
      ['already-absent', 'finished in an earlier run (deleted)'],
    ]);
    expect(fake.requests.length).toBe(before);
  });

  it('never resends a delete confirmed before a crash, even without its done line', async () => {
    // A run killed right after the provider confirmed the delete, before `done` was written.
    fake.state.gcore.users.delete(7);
    await appendFile(
      journal,
      [
        { at: 't', target: 'gcore/100/7', event: 'intent', method: 'DELETE', path: '/iam/users/7' },
        { at: 't', target: 'gcore/100/7', event: 'step', method: 'DELETE', path: '/iam/users/7', status: 200, final: true },
      ]
        .map((entry) => JSON.stringify(entry))
        .join('\n') + '\n{"at":"t","target":"gcore/100/7","ev',
    );
    const [gcore] = await apply([targets[0]!]);
    expect(gcore).toMatchObject({ outcome: 'already-absent', reason: 'delete confirmed in an earlier run', steps: [] });
    expect(fake.requests).toHaveLength(0);
  });

  it('runs a blocked target again on a rerun, where a flag can now resolve it', async () => {
    fake.state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 });
    expect((await apply([targets[0]!]))[0]!.outcome).toBe('blocked');
    expect((await apply([targets[0]!], { revokeTokens: true }))[0]!.outcome).toBe('deleted');
  });
});
