import { existsSync, rmSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type FakeProviders, fakeEnv, startFakeProviders } from '../test/fake-providers.js';
import { offboarderFor } from '../test/harness.js';
import { Journal, type JournalEntry } from './journal.js';
import { InputError, type Target } from './types.js';

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
    await offboarder.close();
  }
}

const entries = async () =>
  (await readFile(journal, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JournalEntry);

describe('journal', () => {
  it('records the run, then intent and answer of every write and each outcome with its evidence, and nothing else', async () => {
    await apply(targets, { operator: 'jordan.admin', ticket: 'HR-1234' });
    const lines = await entries();
    expect(lines[0]).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      event: 'run',
      operator: 'jordan.admin',
      ticket: 'HR-1234',
      tool: { name: '@offboard/offboard', version: expect.any(String) },
      verify: true,
      targets,
    });
    const eventsOf = (target: string) =>
      lines.filter((entry) => 'target' in entry && entry.target === target).map((entry) => entry.event);
    expect(eventsOf('gcore/100/7')).toEqual(['intent', 'step', 'done']);
    expect(eventsOf('liveperson/12345678/42')).toEqual(['intent', 'step', 'done']);
    expect(lines).toHaveLength(7);
    expect(lines.find((entry) => entry.event === 'step' && entry.target === 'gcore/100/7')).toMatchObject({
      method: 'DELETE',
      path: '/iam/users/7',
      status: 200,
      final: true,
    });
    const done = lines.find((entry) => entry.event === 'done' && entry.target === 'gcore/100/7');
    expect(done).toMatchObject({ outcome: 'deleted', verified: true });
    // Every request of the target, the verification's read last, each with its time.
    expect(done && 'steps' in done && done.steps?.map((step) => `${step.method} ${step.path} ${step.status}`)).toEqual([
      'GET /iam/clients/100/client-users/7 200',
      'GET /iam/users?limit=100&offset=0 200',
      'GET /iam/v2/clients/100/tokens?issued_by=7 200',
      'DELETE /iam/users/7 200',
      'GET /iam/users/7 404',
    ]);
    for (const entry of lines) {
      expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      if (entry.event !== 'run') expect(Object.keys(entry)).toEqual(expect.arrayContaining(['at', 'event', 'target']));
      for (const step of 'steps' in entry ? (entry.steps ?? []) : []) expect(step.at).toMatch(/Z$/);
    }
    expect(JSON.stringify(lines)).not.toMatch(/authorization|secret|bearer/i);
  });

  it('records the operator from OFFBOARD_OPERATOR, else the OS user name; refuses a control character in either', async () => {
    await apply([targets[0]!], { env: { ...fakeEnv(fake.url), OFFBOARD_OPERATOR: 'Sam Operator' } });
    expect((await entries())[0]).toMatchObject({ event: 'run', operator: 'Sam Operator' });
    await rm(journal);
    await apply([targets[1]!]);
    expect((await entries())[0]).toMatchObject({ event: 'run', operator: userInfo().username });
    expect(() => offboarderFor(fake, { operator: 'evil\u001b[2J' })).toThrow(InputError);
    expect(() => offboarderFor(fake, { ticket: '' })).toThrow(/ticket must be 1 to 200 characters/);
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
      `${[
        { at: 't', target: 'gcore/100/7', event: 'intent', method: 'DELETE', path: '/iam/users/7' },
        {
          at: 't',
          target: 'gcore/100/7',
          event: 'step',
          method: 'DELETE',
          path: '/iam/users/7',
          status: 200,
          final: true,
        },
      ]
        .map((entry) => JSON.stringify(entry))
        .join('\n')}\n{"at":"t","target":"gcore/100/7","ev`,
    );
    const [gcore] = await apply([targets[0]!]);
    // Not resent; only read, to verify the user is gone.
    expect(gcore).toMatchObject({
      outcome: 'already-absent',
      reason: 'delete confirmed in an earlier run',
      verified: true,
      steps: [{ method: 'GET', path: '/iam/clients/100/client-users/7', status: 404 }],
    });
    expect(fake.requests.map((request) => request.method)).toEqual(['GET']);
  });

  it('runs a blocked target again on a rerun, where a flag can now resolve it', async () => {
    fake.state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 });
    expect((await apply([targets[0]!]))[0]!.outcome).toBe('blocked');
    expect((await apply([targets[0]!], { revokeTokens: true }))[0]!.outcome).toBe('deleted');
  });
});

describe('journal: one writer', () => {
  it('refuses a second opener in the same process, naming the journal, the lock and the holder', async () => {
    const first = await Journal.open(journal);
    const second = await Journal.open(journal).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(InputError);
    const message = (second as Error).message;
    expect(message).toContain(`the journal ${journal} is in use`);
    expect(message).toContain(`its lock ${journal}.lock is held by pid ${process.pid} on host ${hostname()}, since 20`);
    first.close();
    first.close(); // idempotent
    const again = await Journal.open(journal);
    again.done(targets[0]!, 'deleted');
    again.close();
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });

  it('a writer whose lock was taken refuses every append, and leaves the new holder its lock', async () => {
    const stalled = await Journal.open(journal);
    stalled.done(targets[0]!, 'blocked');
    // As if it stalled past the staleness limit and a rerun took the lock over.
    rmSync(`${journal}.lock`, { recursive: true });
    rmSync(`${journal}.lock.owner`);
    const warnings: string[] = [];
    const taker = await Journal.open(journal, { warn: (message) => warnings.push(message) });
    expect(() => stalled.intent(targets[0]!, 'DELETE', '/iam/users/7')).toThrow(
      /no longer accepts writes: its lock .* was taken over by pid \d+/,
    );
    expect(() => stalled.done(targets[1]!, 'deleted')).toThrow(/no longer accepts writes/);
    stalled.close();
    taker.done(targets[1]!, 'deleted');
    await expect(Journal.open(journal)).rejects.toThrow(/is in use/);
    taker.close();
    expect((await entries()).map((entry) => entry.event)).toEqual(['done', 'done']);
    expect(warnings).toEqual([]);
  });

  it('a writer whose lock was removed refuses appends', async () => {
    const writer = await Journal.open(journal);
    rmSync(`${journal}.lock`, { recursive: true });
    expect(() => writer.done(targets[0]!, 'deleted')).toThrow(/no longer accepts writes: its lock .* was removed/);
    writer.close();
    expect(await readFile(journal, 'utf8')).toBe('');
  });
});

describe('journal: unreadable lines', () => {
  const good = [
    { at: 't', target: 'gcore/100/7', event: 'intent', method: 'DELETE', path: '/iam/users/7' },
    { at: 't', target: 'gcore/100/7', event: 'step', method: 'DELETE', path: '/iam/users/7', status: 200, final: true },
    { at: 't', target: 'liveperson/12345678/42', event: 'step', method: 'PUT', path: '/p', status: 404, final: false },
    {
      at: 't',
      target: 'liveperson/12345678/42',
      event: 'step',
      method: 'DELETE',
      path: '/d',
      status: null,
      final: true,
    },
    { at: 't', target: 'liveperson/12345678/42', event: 'step', method: 'POST', path: '/q', status: 500, final: false },
    { at: 't', target: 'nscale/o/u', event: 'done', outcome: 'removed', reason: 'why' },
    { at: 't', target: 'cloudflare/a/u', event: 'done', outcome: 'blocked' },
  ].map((entry) => JSON.stringify(entry));
  const bad = [
    'null',
    '42',
    '"a string"',
    'true',
    '[]',
    '[{"at":"t","target":"gcore/1/1","event":"done","outcome":"deleted"}]',
    'garbage SECRET-CONTENT',
    '{"at":"t","target":"gcore/1/2","event":"deleted"}',
    '{"at":"t","target":"gcore/1/3","event":7}',
    '{"at":"t","target":"gcore/1/4"}',
    '{"at":1,"target":"gcore/1/5","event":"done","outcome":"deleted"}',
    '{"at":"t","target":["gcore/1/6"],"event":"done","outcome":"deleted"}',
    '{"at":"t","target":"gcore/1/7","event":"done","outcome":"gone"}',
    '{"at":"t","target":"gcore/1/8","event":"done","outcome":"deleted","reason":5}',
    '{"at":"t","target":"gcore/1/9","event":"intent","method":"DELETE"}',
    '{"at":"t","target":"gcore/1/10","event":"step","method":"DELETE","path":"/a","status":"200","final":true}',
    '{"at":"t","target":"gcore/1/11","event":"step","method":"DELETE","path":"/a","status":200.5,"final":true}',
    '{"at":"t","target":"gcore/1/12","event":"step","method":"DELETE","path":"/a","status":99,"final":true}',
    '{"at":"t","target":"gcore/1/13","event":"step","method":"DELETE","path":"/a","status":600,"final":true}',
    '{"at":"t","target":"gcore/1/14","event":"step","method":"DELETE","path":"/a","final":true}',
    '{"at":"t","target":"gcore/1/15","event":"step","method":"DELETE","path":"/a","status":204,"final":"yes"}',
    '{"at":"t","target":"gcore/1/16","event":"step","method":5,"path":"/a","status":204,"final":true}',
  ];

  it('skips every line that is not a well-formed entry, one warning per line, and keeps the good ones', async () => {
    // Good and bad lines interleaved, then a torn last line.
    const lines: string[] = [];
    const badLineNumbers: number[] = [];
    for (let i = 0; i < Math.max(good.length, bad.length); i++) {
      if (good[i]) lines.push(good[i]!);
      if (bad[i]) {
        lines.push(bad[i]!);
        badLineNumbers.push(lines.length);
      }
    }
    lines.push('');
    lines.push('{"at":"t","target":"gcore/1/99","event":"done","outc');
    badLineNumbers.push(lines.length);
    await writeFile(journal, lines.join('\n'));

    const warnings: string[] = [];
    const opened = await Journal.open(journal, { warn: (message) => warnings.push(message) });
    try {
      expect(warnings).toHaveLength(bad.length + 1);
      expect(warnings.map((warning) => Number(/:(\d+): /.exec(warning)?.[1]))).toEqual(badLineNumbers);
      for (const warning of warnings) {
        expect(warning).toMatch(
          new RegExp(`^${journal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: skipped an unreadable journal line \\(`),
        );
        expect(warning).not.toMatch(/SECRET|gcore\/1\//);
      }
      expect(warnings.at(-1)).toMatch(/torn/);

      // The good lines keep their meaning exactly.
      const gcore = targets[0]!;
      const liveperson = targets[1]!;
      expect(opened.confirmed(gcore, 'DELETE', '/iam/users/7')).toEqual({ status: 200, final: true });
      expect(opened.finalConfirmed(gcore)).toBe(true);
      expect(opened.confirmed(liveperson, 'PUT', '/p')).toEqual({ status: 404, final: false });
      expect(opened.confirmed(liveperson, 'DELETE', '/d')).toBeUndefined();
      expect(opened.confirmed(liveperson, 'POST', '/q')).toBeUndefined();
      expect(opened.finalConfirmed(liveperson)).toBe(false);
      expect(opened.finished({ provider: 'nscale', account: 'o', user: 'u' })).toEqual({
        outcome: 'removed',
        verified: false,
      });
      expect(opened.finished({ provider: 'cloudflare', account: 'a', user: 'u' })).toBeUndefined();
      for (let n = 1; n <= 16; n++)
        expect(opened.finished({ provider: 'gcore', account: '1', user: String(n) })).toBeUndefined();

      // An append after the torn line stands on a line of its own.
      opened.done({ provider: 'gcore', account: '1', user: '99' }, 'deleted');
    } finally {
      opened.close();
    }
    const reopenWarnings: string[] = [];
    const reopened = await Journal.open(journal, { warn: (message) => reopenWarnings.push(message) });
    expect(reopened.finished({ provider: 'gcore', account: '1', user: '99' })).toEqual({
      outcome: 'deleted',
      verified: false,
    });
    expect(reopenWarnings).toHaveLength(bad.length + 1);
    reopened.close();
  });

  it('a null line no longer crashes a run: it is skipped and the rerun goes on', async () => {
    await writeFile(journal, 'null\n');
    const warnings: string[] = [];
    const results = await apply(targets, { onWarning: (message: string) => warnings.push(message) });
    expect(results.map((result) => result.outcome)).toEqual(['deleted', 'deleted']);
  });
});
