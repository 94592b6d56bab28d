import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type FakeProviders, fakeEnv, SECRETS, startFakeProviders } from '../test/fake-providers.js';
import { runCli } from '../test/harness.js';

let fake: FakeProviders;
let dir: string;

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  fake.state.gcore.users.set(7, new Set([100]));
  fake.state.cloudflare.add('0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b/3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b');
  fake.state.nscale.add('79f64482-1271-44b8-a1d4-d83e418eddf2/cef8afbf-976c-4b28-ab01-216c3aed0b7a');
  fake.state.liveperson.users.add('12345678/42');
  dir = await mkdtemp(path.join(tmpdir(), 'offboard-cli-'));
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const offboard = (args: string[], env: Record<string, string> = fakeEnv(fake.url)) => runCli(args, env);

async function csv(text: string): Promise<string> {
  const file = path.join(dir, 'batch.csv');
  await writeFile(file, text);
  return file;
}

const SAMPLE = `provider,account,user
gcore,100,7
cloudflare,0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b,3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b
nscale,79f64482-1271-44b8-a1d4-d83e418eddf2,cef8afbf-976c-4b28-ab01-216c3aed0b7a
liveperson,12345678,42
`;

describe('offboard CLI', () => {
  it('prints help and version, exit 0', async () => {
    expect(await offboard(['--help'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('offboard plan|apply --batch <file.csv>'),
    });
    expect(await offboard(['--version'])).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('prints exactly one JSON document with --json, exit 0 when all went well', async () => {
    const { code, stdout } = await offboard([
      'apply',
      '--provider',
      'gcore',
      '--account',
      '100',
      '--user',
      '7',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      mode: 'apply',
      interrupted: false,
      results: [
        {
          provider: 'gcore',
          account: '100',
          user: '7',
          outcome: 'deleted',
          verified: true,
          steps: [
            {
              method: 'GET',
              path: '/iam/clients/100/client-users/7',
              status: 200,
              at: expect.any(String),
              requestId: expect.stringMatching(/^fake-/),
            },
            {
              method: 'GET',
              path: '/iam/users?limit=100&offset=0',
              status: 200,
              at: expect.any(String),
              requestId: expect.stringMatching(/^fake-/),
            },
            {
              method: 'GET',
              path: '/iam/v2/clients/100/tokens?issued_by=7',
              status: 200,
              at: expect.any(String),
              requestId: expect.stringMatching(/^fake-/),
            },
            {
              method: 'DELETE',
              path: '/iam/users/7',
              status: 200,
              at: expect.any(String),
              requestId: expect.stringMatching(/^fake-/),
            },
            {
              method: 'GET',
              path: '/iam/users/7',
              status: 404,
              at: expect.any(String),
              requestId: expect.stringMatching(/^fake-/),
            },
          ],
        },
      ],
    });
  });

  it('runs a batch over all four providers, results in CSV order, and plans first without writing', async () => {
    const file = await csv(SAMPLE);
    const planned = await offboard(['plan', '--batch', file, '--json']);
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout).results.map((result: { outcome: string }) => result.outcome)).toEqual(
      Array(4).fill('planned'),
    );
    expect(fake.count('DELETE')).toBe(0);
    const applied = await offboard(['apply', '--batch', file, '--concurrency', '2']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^PROVIDER +ACCOUNT +USER +OUTCOME +VERIFIED +REASON/);
    expect(applied.stdout).toMatch(/apply: 4 targets: 4 deleted/);
    expect(applied.stdout.indexOf('gcore')).toBeLessThan(applied.stdout.indexOf('liveperson'));
  });

  it('exits 1 when a target is blocked or failed', async () => {
    fake.state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 });
    const blocked = await offboard(['apply', '--provider', 'gcore', '--account', '100', '--user', '7']);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/blocked .*--revoke-tokens/);
    fake.faults.push({ method: 'DELETE', path: /users\/42$/, status: 500, times: 10 });
    const failed = await offboard([
      'apply',
      '--provider',
      'liveperson',
      '--account',
      '12345678',
      '--user',
      '42',
      '--json',
    ]);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).results[0]).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/^500/),
    });
  });

  const usageErrors: [string, string[], RegExp][] = [
    [
      'no mode',
      ['--provider', 'gcore', '--account', '100', '--user', '7'],
      /first argument must be plan, apply or report/,
    ],
    ['an unknown option', ['apply', '--force'], /Unknown option '--force'/],
    ['a missing --user', ['apply', '--provider', 'gcore', '--account', '100'], /give --provider, --account and --user/],
    [
      'an unknown provider',
      ['apply', '--provider', 'okta', '--account', '1', '--user', '2'],
      /unknown provider "okta"/,
    ],
    [
      'an invalid id',
      ['apply', '--provider', 'gcore', '--account', '0', '--user', '7'],
      /gcore: account "0" is not valid: clientId must be an integer >= 1/,
    ],
    [
      'a path in an id',
      ['apply', '--provider', 'liveperson', '--account', '../x', '--user', '7'],
      /liveperson: account "..\/x" is not valid/,
    ],
    [
      'a bad concurrency',
      ['apply', '--provider', 'gcore', '--account', '100', '--user', '7', '--concurrency', '0'],
      /--concurrency must be a positive integer/,
    ],
    ['a missing file', ['apply', '--batch', '/no/such/file.csv'], /cannot read \/no\/such\/file\.csv: ENOENT/],
    [
      '--batch with --provider',
      ['apply', '--batch', 'x.csv', '--provider', 'gcore'],
      /--batch cannot be combined with --provider/,
    ],
    [
      'a journal that cannot be opened',
      ['apply', '--provider', 'gcore', '--account', '100', '--user', '7', '--journal', '/no/such/dir/j.jsonl'],
      /cannot open the journal \/no\/such\/dir\/j\.jsonl: ENOENT/,
    ],
  ];
  it.each(usageErrors)('exits 2 on %s, and sends nothing', async (_name, args, message) => {
    const { code, stderr, stdout } = await offboard(args);
    expect({ code, stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
    expect(stdout).toBe('');
    expect(fake.requests).toHaveLength(0);
  });

  const badBatches: [string, string, RegExp][] = [
    ['a wrong header', 'provider,account\ngcore,100\n', /line 1 must be the header "provider,account,user"/],
    ['a short row', `${SAMPLE}gcore,100\n`, /line 6: expected 3 fields/],
    [
      'an invalid id on a row',
      `${SAMPLE}cloudflare,abc,not-a-uuid\n`,
      /line 6: cloudflare: user "not-a-uuid" is not valid/,
    ],
    ['an unknown provider on a row', `${SAMPLE}okta,1,2\n`, /line 6: unknown provider "okta"/],
    ['a duplicated row', `${SAMPLE}gcore,100,7\n`, /line 6: the same target as line 2/],
  ];
  it.each(badBatches)(
    'exits 2 on a batch with %s, naming the line, and sends nothing',
    async (_name, text, message) => {
      const { code, stderr } = await offboard(['apply', '--batch', await csv(text)]);
      expect({ code, stderr }).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('exits 2 when a provider in the batch has no credentials, before sending anything', async () => {
    const env = fakeEnv(fake.url);
    delete env.LIVEPERSON_ACCESS_TOKEN;
    const { code, stderr } = await offboard(['apply', '--batch', await csv(SAMPLE)], env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/liveperson: .*no credentials\. Pass accessToken \(or LIVEPERSON_ACCESS_TOKEN\)/);
    expect(fake.requests).toHaveLength(0);
  });

  it('never prints or journals a credential, even when a provider echoes it back', async () => {
    fake.faults.push({
      method: 'DELETE',
      path: /^\/iam\/users\/7$/,
      status: 400,
      body: { message: `bad request for key ${SECRETS[0]}` },
      times: 1,
    });
    const journal = path.join(dir, 'journal.jsonl');
    const outputs = [
      await offboard(['apply', '--batch', await csv(SAMPLE), '--journal', journal]),
      await offboard(['apply', '--batch', await csv(SAMPLE), '--journal', journal, '--json']),
    ];
    const everything = [
      ...outputs.flatMap((output) => [output.stdout, output.stderr]),
      await readFile(journal, 'utf8'),
    ].join('\n');
    expect(everything).toContain('[REDACTED]');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
