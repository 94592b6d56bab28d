// Regression tests for the ways a run could report more than the providers confirmed, or act
// on input it should have refused: id aliases, library options, Gcore's 403s and user list,
// terminal escapes, base URLs, int64 ids, a journal given as the batch file.
import { link, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirmedWrites, journalEntries, untilJournal } from '../test/cli-process.js';
import { emptyState, type FakeProviders, fakeEnv, startFakeProviders } from '../test/fake-providers.js';
import { IDS, offboarderFor, runCli, runOne } from '../test/harness.js';
import { createOffboarder } from './offboard.js';
import type { Mode, Target } from './types.js';

let fake: FakeProviders;
let dir: string;

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  dir = await mkdtemp(path.join(tmpdir(), 'offboard-truthful-'));
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const offboard = (args: string[], env: Record<string, string> = fakeEnv(fake.url)) => runCli(args, env);

async function file(name: string, text: string): Promise<string> {
  const where = path.join(dir, name);
  await writeFile(where, text);
  return where;
}

const { organization } = IDS;
const nscaleUser = 'cef8afbf-976c-4b28-ab01-216c3aed0b7a';

describe('ids in canonical form', () => {
  it('treats 200001,1001 and 0200001,01001 as one target: exit 2, nothing sent', async () => {
    fake.state.gcore.users.set(1001, new Set([200001, 200002]));
    const batch = await file('batch.csv', 'provider,account,user\ngcore,200001,1001\ngcore,0200001,01001\n');
    const { code, stderr } = await offboard(['apply', '--batch', batch]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/line 3: the same target as line 2 \(gcore\/200001\/1001\)/);
    expect(fake.requests).toHaveLength(0);
  });

  it('treats UUIDs that differ only in case as one target', async () => {
    const batch = await file(
      'batch.csv',
      `provider,account,user\nnscale,${organization},${nscaleUser}\nnscale,${organization.toUpperCase()},${nscaleUser.toUpperCase()}\n`,
    );
    const { code, stderr } = await offboard(['apply', '--batch', batch]);
    expect({ code, stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(/the same target as line 2/) });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses aliases given to the library in one run, before anything is sent', async () => {
    const offboarder = offboarderFor(fake);
    await expect(
      offboarder.run('apply', [
        { provider: 'gcore', account: '200001', user: '1001' },
        { provider: 'gcore', account: ' 200001', user: '001001 ' },
      ]),
    ).rejects.toThrow(/targets 1 and 2 are the same target \(gcore\/200001\/1001\)/);
    await offboarder.close();
    expect(fake.requests).toHaveLength(0);
  });

  it('finds an nscale user whatever the case of the UUID given, and deletes it by its canonical id', async () => {
    fake.state.nscale.add(`${organization}/${nscaleUser}`);
    const target: Target = { provider: 'nscale', account: organization.toUpperCase(), user: nscaleUser.toUpperCase() };
    const planned = await runOne(fake, 'plan', target);
    expect(planned).toMatchObject({
      outcome: 'planned',
      reason: 'would end deleted',
      account: organization,
      user: nscaleUser,
    });
    const applied = await runOne(fake, 'apply', target);
    expect(applied.outcome).toBe('deleted');
    expect(fake.state.nscale.size).toBe(0);
  });

  it('refuses a Gcore id beyond 2^53, which a JS number would round to another user', async () => {
    const { code, stderr } = await offboard([
      'apply',
      '--provider',
      'gcore',
      '--account',
      '100',
      '--user',
      '9007199254740993',
    ]);
    expect({ code, stderr }).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/user 9007199254740993 is not valid: Gcore ids must be at most 9007199254740991/),
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps a LivePerson user id above 2^53 exact (a positive long), digit for digit', async () => {
    const big = '9007199254740993';
    fake.state.liveperson.users.add(`12345678/${big}`);
    const result = await runOne(fake, 'apply', { provider: 'liveperson', account: '12345678', user: big });
    expect(result.outcome).toBe('deleted');
    expect(fake.requests.map((request) => `${request.method} ${request.path.split('?')[0]}`)).toEqual([
      `GET /api/account/12345678/configuration/le-users/users/${big}`,
      `DELETE /api/account/12345678/configuration/le-users/users/${big}`,
      `GET /api/account/12345678/configuration/le-users/users/${big}`,
    ]);
    expect(result.verified).toBe(true);
  });
});

describe('library input', () => {
  it.each(['dry-run', 'APPLY', '', undefined])(
    'refuses the mode %j with an InputError, sending nothing',
    async (mode) => {
      fake.state.gcore.users.set(7, new Set([100]));
      const offboarder = offboarderFor(fake);
      await expect(offboarder.run(mode as Mode, [{ provider: 'gcore', account: '100', user: '7' }])).rejects.toThrow(
        /mode must be 'plan' or 'apply'/,
      );
      await offboarder.close();
      expect(fake.requests).toHaveLength(0);
    },
  );

  const badOptions: [string, Record<string, unknown>, RegExp][] = [
    ['concurrency NaN', { concurrency: Number.NaN }, /concurrency must be an integer from 1 to 1000/],
    ['concurrency 0', { concurrency: 0 }, /concurrency must be an integer/],
    ['concurrency 2.5', { concurrency: 2.5 }, /concurrency must be an integer/],
    [
      'maxRevisionRetries NaN',
      { maxRevisionRetries: Number.NaN },
      /maxRevisionRetries must be an integer from 0 to 100/,
    ],
    [
      'maxRevisionRetries Infinity',
      { maxRevisionRetries: Number.POSITIVE_INFINITY },
      /maxRevisionRetries must be an integer/,
    ],
    [
      'maxRequestsPerSecond -1',
      { maxRequestsPerSecond: -1 },
      /maxRequestsPerSecond must be a finite number > 0 \(got -1\)/,
    ],
    [
      'a client timeout NaN for a provider the run does not use',
      { clients: { liveperson: { timeout: Number.NaN } } },
      /clients\.liveperson: .*timeout/,
    ],
    [
      'client maxRetries Infinity',
      { clients: { gcore: { maxRetries: Number.POSITIVE_INFINITY } } },
      /clients\.gcore: .*maxRetries/,
    ],
    ['an unknown provider in clients', { clients: { okta: {} } }, /clients: unknown provider "okta"/],
  ];
  it.each(badOptions)('refuses %s when the offboarder is created', (_name, options, message) => {
    expect(() => createOffboarder({ env: fakeEnv(fake.url), ...options })).toThrow(message);
    expect(fake.requests).toHaveLength(0);
  });
});

it("honours a caller's own client signal beside the run's: an aborted one sends nothing", async () => {
  fake.state.gcore.users.set(7, new Set([100]));
  const result = await runOne(
    fake,
    'apply',
    { provider: 'gcore', account: '100', user: '7' },
    { clients: { gcore: { signal: AbortSignal.abort() } } },
  );
  expect(result).toMatchObject({
    outcome: 'failed',
    reason: expect.stringMatching(/^interrupted before the provider answered/),
  });
  expect(fake.requests).toHaveLength(0);
});

describe('gcore', () => {
  it('reports a "no permission" 403 on a token delete as failed, not as a reason to add --revoke-tokens', async () => {
    fake.state.gcore.users.set(7, new Set([100]));
    fake.state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 });
    fake.faults.push({
      method: 'DELETE',
      path: /^\/iam\/v2\/clients\/100\/tokens\/41$/,
      status: 403,
      body: { message: 'You do not have permission to perform this action.' },
      times: 1,
    });
    const result = await runOne(
      fake,
      'apply',
      { provider: 'gcore', account: '100', user: '7' },
      { revokeTokens: true },
    );
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/^403 .*permission/);
    expect(result.reason).not.toMatch(/--revoke-tokens/);
    expect(fake.count('DELETE', '/iam/users/7')).toBe(0);
  });

  it('revokes only the target account of a user the user list does not show, and says why', async () => {
    fake.state.gcore.users.set(7, new Set([100]));
    // The user list (GET /iam/users) answers without user 7.
    fake.faults.push({
      method: 'GET',
      path: /^\/iam\/users$/,
      status: 200,
      body: { count: 0, next: null, previous: null, results: [] },
      times: 1,
    });
    const result = await runOne(fake, 'apply', { provider: 'gcore', account: '100', user: '7' }, { allAccounts: true });
    expect(result.outcome).toBe('removed');
    expect(result.reason).toMatch(/not in Gcore's user list.*revoked account 100 only/);
    expect(fake.count('DELETE', '/iam/users/7')).toBe(0);
    expect(fake.count('DELETE', '/iam/clients/100/client-users/7')).toBe(1);
  });

  it('reads a 403 from the body\'s message only: "token" elsewhere in the body is no token precondition', async () => {
    fake.state.gcore.users.set(7, new Set([100]));
    const body = { message: 'You do not have permission to perform this action.', code: 'api_token_scope' };
    fake.faults.push({ method: 'DELETE', path: /^\/iam\/users\/7$/, status: 403, body, times: 1 });
    const result = await runOne(fake, 'apply', { provider: 'gcore', account: '100', user: '7' });
    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^403 /) });
  });
});

describe('the terminal', () => {
  it('shows control characters of provider text escaped, so a row cannot be rewritten', async () => {
    fake.state.cloudflare.add('0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b/3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b');
    const forged = 'nope\r\u001b[2Kcloudflare  0f3c  3f7a  deleted\u009b1A';
    fake.faults.push({
      method: 'DELETE',
      path: /access\/users/,
      status: 400,
      body: { success: false, errors: [{ code: 6003, message: forged }], messages: [], result: null },
      times: 1,
    });
    const { code, stdout } = await offboard([
      'apply',
      '--provider',
      'cloudflare',
      '--account',
      '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b',
      '--user',
      '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b',
    ]);
    expect(code).toBe(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserts no control character got through.
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(stdout).toContain('nope\\r\\u001b[2Kcloudflare');
    expect(stdout).toMatch(/failed/);
  });
});

describe('input the CLI refuses with exit 2', () => {
  it('refuses a journal that is the batch file, and leaves the CSV as it was', async () => {
    fake.state.gcore.users.set(7, new Set([100]));
    const text = 'provider,account,user\ngcore,100,7\n';
    const batch = await file('batch.csv', text);
    const { code, stderr } = await offboard(['apply', '--batch', batch, '--journal', path.join(dir, '.', 'batch.csv')]);
    expect({ code, stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(/is the batch file/) });
    expect(await readFile(batch, 'utf8')).toBe(text);
    const linked = path.join(dir, 'linked.jsonl');
    await link(batch, linked);
    expect(await offboard(['apply', '--batch', batch, '--journal', linked])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is the batch file/),
    });
    expect(await readFile(batch, 'utf8')).toBe(text);
    expect(fake.requests).toHaveLength(0);
  });

  const single = ['apply', '--provider', 'gcore', '--account', '100', '--user', '7'];
  it.each([
    ['an invalid base URL', 'not a url'],
    ['a base URL that is not http(s)', 'ftp://127.0.0.1/'],
    ['a base URL with userinfo', 'https://admin:hunter2-password@127.0.0.1/'],
  ])('refuses %s, naming the variable and never the password', async (_name, baseUrl) => {
    const { code, stderr, stdout } = await offboard(single, { ...fakeEnv(fake.url), GCORE_BASE_URL: baseUrl });
    expect(code).toBe(2);
    expect(stderr).toMatch(/GCORE_BASE_URL/);
    expect(`${stdout}${stderr}`).not.toContain('hunter2');
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['a line break', 'gcore-secret\nkey-0001'],
    ['a control character', 'gcore-secret\u0007key-0001'],
  ])('refuses a credential with %s inside, naming the variable and never the value', async (_name, key) => {
    const { code, stderr, stdout } = await offboard(single, { ...fakeEnv(fake.url), GCORE_API_KEY: key });
    expect(code).toBe(2);
    expect(stderr).toMatch(/GCORE_API_KEY/);
    expect(`${stdout}${stderr}`).not.toContain('key-0001');
    expect(fake.requests).toHaveLength(0);
  });

  it('sends a credential with surrounding whitespace trimmed (as from $(cat key.txt))', async () => {
    fake.state.gcore.users.set(7, new Set([100]));
    const { code } = await offboard(single, { ...fakeEnv(fake.url), GCORE_API_KEY: '  gcore-secret-key-0001 \n' });
    expect(code).toBe(0);
    expect(new Set(fake.requests.map((request) => request.headers.authorization))).toEqual(
      new Set(['APIKey gcore-secret-key-0001']),
    );
  });
});

it('treats a rerun by an alias of a finished target as that target: nothing sent again', async () => {
  fake.state.gcore.users.set(1001, new Set([200001]));
  const journal = path.join(dir, 'journal.jsonl');
  expect(
    (await offboard(['apply', '--provider', 'gcore', '--account', '200001', '--user', '1001', '--journal', journal]))
      .code,
  ).toBe(0);
  const again = await offboard([
    'apply',
    '--provider',
    'gcore',
    '--account',
    '0200001',
    '--user',
    '01001',
    '--journal',
    journal,
    '--json',
  ]);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout).results[0]).toMatchObject({
    account: '200001',
    user: '1001',
    outcome: 'already-absent',
    steps: [],
  });
  expect(fake.count('DELETE')).toBe(1);
});

it('stops a run whose journal lock was taken away: nothing sent without its intent journaled, exit 1', async () => {
  const { cloudflareAccount, uuid } = IDS;
  const rows = ['provider,account,user'];
  for (let n = 1; n <= 20; n++) {
    fake.state.cloudflare.add(`${cloudflareAccount}/${uuid(n)}`);
    rows.push(`cloudflare,${cloudflareAccount},${uuid(n)}`);
  }
  fake.deleteDelayMs = 30;
  const batch = await file('batch.csv', `${rows.join('\n')}\n`);
  const journal = path.join(dir, 'journal.jsonl');
  const running = offboard(['apply', '--batch', batch, '--journal', journal, '--concurrency', '1', '--json']);
  await untilJournal(journal, (entries) => confirmedWrites(entries).length >= 2);
  await rm(`${journal}.lock`, { recursive: true, force: true });
  const { code, stderr } = await running;
  expect(code).toBe(1);
  expect(stderr).toMatch(/no longer accepts writes: its lock .* was removed/);
  const entries = await journalEntries(journal);
  const sent = fake.count('DELETE');
  expect(sent).toBeLessThan(20);
  expect(sent).toBe(entries.filter((entry) => entry.event === 'intent').length);
});
