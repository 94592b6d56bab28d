// Offboarding people by email: discovery in every configured account, against the stateful fake
// (which follows the providers' documented rules and checks every answer against its spec), then
// the found targets through the policies. What the fake received is checked, not only the output.
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type TempDir, tempDir } from '@offboard/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyState, type FakeProviders, fakeEnv, SECRETS, startFakeProviders } from '../test/fake-providers.js';
import { CONFIG_ALL_FOUR as ALL_FOUR, FAST, FAST_CLIENTS, IDS, offboarderFor, runCli } from '../test/harness.js';
import { main } from './cli.js';

const CLIENTS = { clients: FAST_CLIENTS };
const CF = IDS.cloudflareAccount;
const CF_B = 'b'.repeat(32);
const ORG = IDS.organization;

let fake: FakeProviders;
let dir: TempDir;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await tempDir('discover');
});
afterAll(() => dir.remove());
beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  env = { ...fakeEnv(fake.url), CF_TOKEN_B: 'cloudflare-secret-token-b-0005' };
});
afterEach(() => fake.close());

let configs = 0;
async function config(yaml: string): Promise<string> {
  const file = path.join(dir.dir, `offboard-${++configs}.yaml`);
  await writeFile(file, yaml);
  return file;
}

interface Json {
  results: { provider: string; account: string; user: string; email?: string; outcome: string; reason?: string }[];
  discovery: { email: string; provider: string; account: string; users: string[]; error?: string }[];
  notInConfig: { email: string; provider: string; accounts: string[] }[];
}

async function cli(args: string[], file: string) {
  const run = await runCli([...args, '--config', file, '--json'], env, CLIENTS);
  for (const secret of [...SECRETS, env.CF_TOKEN_B!]) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
  return { ...run, json: run.stdout ? (JSON.parse(run.stdout) as Json) : undefined };
}

/** Alice in all four providers, beside decoys with similar addresses. */
function alice() {
  const { gcore, cloudflare, nscale, liveperson } = fake.state;
  gcore.users.set(7, new Set([100]));
  gcore.users.set(8, new Set([100]));
  gcore.emails = new Map([
    [7, 'Alice@Corp.Example'],
    [8, 'malice@corp.example'],
  ]);
  cloudflare.add(`${CF}/${IDS.uuid(1)}`);
  cloudflare.add(`${CF}/${IDS.uuid(2)}`);
  cloudflare.emails = new Map([
    [IDS.uuid(1), 'malice@corp.example'],
    [IDS.uuid(2), 'alice@corp.example'],
  ]);
  nscale.add(`${ORG}/${IDS.uuid(3)}`);
  nscale.add(`${ORG}/${IDS.uuid(4)}`);
  nscale.emails = new Map([
    [IDS.uuid(3), 'alice@corp.example'],
    [IDS.uuid(4), 'alice@corp.example.evil'],
  ]);
  liveperson.users.add('12345678/41');
  liveperson.users.add('12345678/42');
  liveperson.emails = new Map([
    ['41', 'someone@corp.example'],
    ['42', 'x@corp.example'],
  ]);
  liveperson.loginNames = new Map([
    ['41', 'alice@corp.example'],
    ['42', 'alice'],
  ]);
}

/** nscale answers the organization's user list with 403 (once): that account cannot be searched. */
const nscaleRefuses = () =>
  fake.faults.push({ method: 'GET', path: new RegExp(`^/api/v1/organizations/${ORG}/users$`), status: 403, times: 1 });

describe('offboard by email', () => {
  it('finds one person in all four providers by the exact address, never a decoy, and offboards them', async () => {
    alice();
    const file = await config(ALL_FOUR);
    const { code, json } = await cli(['apply', '--email', ' ALICE@corp.example '], file);
    expect(code).toBe(0);
    expect(json!.discovery).toEqual([
      { email: 'alice@corp.example', provider: 'gcore', account: '100', users: ['7'] },
      { email: 'alice@corp.example', provider: 'cloudflare', account: CF, users: [IDS.uuid(2)] },
      { email: 'alice@corp.example', provider: 'nscale', account: ORG, users: [IDS.uuid(3)] },
      { email: 'alice@corp.example', provider: 'liveperson', account: '12345678', users: ['41'] },
    ]);
    expect(json!.results.map(({ provider, user, email, outcome }) => [provider, user, email, outcome])).toEqual([
      ['gcore', '7', 'alice@corp.example', 'deleted'],
      ['cloudflare', IDS.uuid(2), 'alice@corp.example', 'deleted'],
      ['nscale', IDS.uuid(3), 'alice@corp.example', 'deleted'],
      ['liveperson', '41', 'alice@corp.example', 'deleted'],
    ]);
    // The decoys are untouched; every delete named the right user, once.
    const deletes = fake.requests.filter((request) => request.method === 'DELETE').map((request) => request.path);
    expect(deletes.sort()).toEqual([
      `/accounts/${CF}/access/users/${IDS.uuid(2)}`,
      '/api/account/12345678/configuration/le-users/users/41?v=4.0',
      `/api/v1/organizations/${ORG}/users/${IDS.uuid(3)}`,
      '/iam/users/7',
    ]);
    expect(fake.state.gcore.users.has(8)).toBe(true);
    expect(fake.state.cloudflare.has(`${CF}/${IDS.uuid(1)}`)).toBe(true);
    expect(fake.state.nscale.has(`${ORG}/${IDS.uuid(4)}`)).toBe(true);
  });

  it('plans with reads only: nothing is written, and the targets carry their email', async () => {
    alice();
    const { code, json } = await cli(['plan', '--email', 'alice@corp.example'], await config(ALL_FOUR));
    expect(code).toBe(0);
    expect(fake.requests.every((request) => request.method === 'GET')).toBe(true);
    expect(json!.results.every((result) => result.outcome === 'planned' && result.email === 'alice@corp.example')).toBe(
      true,
    );
  });

  it('has exactly one entry per person × configured account; absence is an entry too', async () => {
    alice();
    const { code, json } = await cli(
      ['plan', '--email', 'alice@corp.example', '--email', 'nobody@corp.example'],
      await config(ALL_FOUR),
    );
    expect(json!.discovery).toHaveLength(8);
    expect(json!.discovery.filter((entry) => entry.email === 'nobody@corp.example')).toEqual(
      ['gcore', 'cloudflare', 'nscale', 'liveperson'].map((provider) => ({
        email: 'nobody@corp.example',
        provider,
        account: expect.any(String),
        users: [],
      })),
    );
    // A person found in no configured account is exit 3 (nothing else went wrong).
    expect(code).toBe(3);
  });

  it('pages through a Cloudflare directory in small pages to the last one, whatever total_count says', async () => {
    fake.state.cloudflare.pageSizeCap = 2;
    const emails = new Map<string, string>();
    for (let n = 1; n <= 9; n++) {
      fake.state.cloudflare.add(`${CF}/${IDS.uuid(n)}`);
      emails.set(IDS.uuid(n), `user${n}@corp.example`);
    }
    fake.state.cloudflare.emails = emails;
    const people = ['user9@corp.example', 'user1@corp.example', 'user5@corp.example', 'user4@corp.example'];
    const file = await config(`accounts:\n  - provider: cloudflare\n    account: ${CF}\n`);
    const { code, json } = await cli(['plan', ...people.flatMap((email) => ['--email', email])], file);
    expect(code).toBe(0);
    expect(json!.discovery.map((entry) => entry.users)).toEqual([
      [IDS.uuid(9)],
      [IDS.uuid(1)],
      [IDS.uuid(5)],
      [IDS.uuid(4)],
    ]);
    // Four people, five pages: the whole directory once (pages 1..5), no per-person query.
    const lists = fake.requests.filter((request) => request.path.startsWith(`/accounts/${CF}/access/users?`));
    expect(lists.map((request) => new URL(request.path, 'http://x').searchParams.get('page'))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('asks Cloudflare per person when that is fewer requests, and compares each answer itself (its filter is loose)', async () => {
    fake.state.cloudflare.pageSizeCap = 2;
    const emails = new Map<string, string>();
    for (let n = 1; n <= 9; n++) {
      fake.state.cloudflare.add(`${CF}/${IDS.uuid(n)}`);
      emails.set(IDS.uuid(n), n === 3 ? 'alice@corp.example' : n === 4 ? 'malice@corp.example' : `u${n}@corp.example`);
    }
    fake.state.cloudflare.emails = emails;
    const file = await config(`accounts:\n  - provider: cloudflare\n    account: ${CF}\n`);
    const { json } = await cli(['plan', '--email', 'alice@corp.example'], file);
    expect(json!.discovery[0]!.users).toEqual([IDS.uuid(3)]);
    const filtered = fake.requests.filter((request) => request.path.includes('email='));
    expect(filtered).toHaveLength(1);
  });

  it('blocks an account where two users have the address, naming both, and deletes nothing there', async () => {
    fake.state.cloudflare.add(`${CF}/${IDS.uuid(1)}`);
    fake.state.cloudflare.add(`${CF}/${IDS.uuid(2)}`);
    fake.state.cloudflare.emails = new Map([
      [IDS.uuid(1), 'alice@corp.example'],
      [IDS.uuid(2), 'ALICE@corp.example'],
    ]);
    const file = await config(`accounts:\n  - provider: cloudflare\n    account: ${CF}\n`);
    const { code, json } = await cli(['apply', '--email', 'alice@corp.example'], file);
    expect(code).toBe(1);
    expect(json!.results).toEqual([
      expect.objectContaining({
        provider: 'cloudflare',
        email: 'alice@corp.example',
        outcome: 'blocked',
        reason: expect.stringContaining(`${IDS.uuid(1)}, ${IDS.uuid(2)}`),
      }),
    ]);
    expect(fake.count('DELETE')).toBe(0);
  });

  it('removes a person in two configured Gcore accounts from one, then deletes the user in the other', async () => {
    fake.state.gcore.users.set(7, new Set([100, 200]));
    fake.state.gcore.emails = new Map([[7, 'alice@corp.example']]);
    const file = await config(
      'accounts:\n  - provider: gcore\n    account: "100"\n  - provider: gcore\n    account: "200"\n',
    );
    const { code, json } = await cli(['apply', '--email', 'alice@corp.example'], file);
    expect(code).toBe(0);
    expect(json!.results.map((result) => [result.account, result.outcome])).toEqual([
      ['100', 'removed'],
      ['200', 'deleted'],
    ]);
    expect(fake.state.gcore.users.has(7)).toBe(false);
    // One walk of the user list served both accounts.
    expect(fake.requests.filter((request) => request.path.startsWith('/iam/users?limit=1000'))).toHaveLength(1);
  });

  it('reports the Gcore accounts the person is in that the config does not list, and exits 1', async () => {
    fake.state.gcore.users.set(7, new Set([100, 300]));
    fake.state.gcore.users.set(9, new Set([400]));
    fake.state.gcore.emails = new Map([
      [7, 'alice@corp.example'],
      [9, 'alice@corp.example'],
    ]);
    const file = await config('accounts:\n  - provider: gcore\n    account: "100"\n');
    const { code, json, stdout } = await cli(['plan', '--email', 'alice@corp.example'], file);
    expect(json!.notInConfig).toEqual([{ email: 'alice@corp.example', provider: 'gcore', accounts: ['300', '400'] }]);
    expect(code).toBe(1);
    const table = await runCli(['plan', '--email', 'alice@corp.example', '--config', file], env, CLIENTS);
    expect(table.stdout).toContain('also found in gcore accounts not in the config: 300, 400');
    expect(stdout).not.toBe('');
  });

  it('finds a Gcore user the Reseller account list shows in a configured account, even if the user list does not', async () => {
    fake.state.gcore.users.set(7, new Set([100]));
    fake.state.gcore.emails = new Map([[7, 'alice@corp.example']]);
    fake.faults.push({
      method: 'GET',
      path: /^\/iam\/users$/,
      status: 200,
      body: { count: 0, next: null, previous: null, results: [] },
      times: 1,
    });
    const file = await config('accounts:\n  - provider: gcore\n    account: "100"\n');
    const { code, json } = await cli(['plan', '--email', 'alice@corp.example'], file);
    expect(json!.discovery).toEqual([{ email: 'alice@corp.example', provider: 'gcore', account: '100', users: ['7'] }]);
    expect(json!.notInConfig).toEqual([]);
    expect(code).toBe(0);
  });

  it('warns, but still searches, when the Gcore key may not list the reseller accounts', async () => {
    fake.state.gcore.users.set(7, new Set([100]));
    fake.state.gcore.emails = new Map([[7, 'alice@corp.example']]);
    fake.state.gcore.resellerForbidden = true;
    const file = await config('accounts:\n  - provider: gcore\n    account: "100"\n');
    const { code, json, stderr } = await cli(['plan', '--email', 'alice@corp.example'], file);
    expect(code).toBe(0);
    expect(json!.discovery[0]!.users).toEqual(['7']);
    expect(stderr).toMatch(/warning: gcore: the API key may not list the reseller's accounts \(403\)/);
  });

  it('sends each account its own credential (two Cloudflare accounts, two tokens)', async () => {
    fake.state.cloudflare.add(`${CF}/${IDS.uuid(1)}`);
    fake.state.cloudflare.add(`${CF_B}/${IDS.uuid(2)}`);
    fake.state.cloudflare.emails = new Map([
      [IDS.uuid(1), 'alice@corp.example'],
      [IDS.uuid(2), 'alice@corp.example'],
    ]);
    fake.state.expectedCredentials = new Map([
      [`cloudflare/${CF}`, 'Bearer cloudflare-secret-token-0002'],
      [`cloudflare/${CF_B}`, 'Bearer cloudflare-secret-token-b-0005'],
    ]);
    const file = await config(
      `accounts:\n  - provider: cloudflare\n    account: ${CF}\n  - provider: cloudflare\n    account: ${CF_B}\n    credentials: { apiToken: CF_TOKEN_B }\n`,
    );
    const { code, json } = await cli(['apply', '--email', 'alice@corp.example'], file);
    expect(code).toBe(0);
    expect(json!.results.map((result) => result.outcome)).toEqual(['deleted', 'deleted']);
    for (const request of fake.requests) {
      const expected = request.path.includes(CF_B) ? 'cloudflare-secret-token-b-0005' : 'cloudflare-secret-token-0002';
      expect(request.headers.authorization).toBe(`Bearer ${expected}`);
    }
  });

  it('uses a configured account’s credential for a --batch target too', async () => {
    fake.state.cloudflare.add(`${CF_B}/${IDS.uuid(2)}`);
    fake.state.expectedCredentials = new Map([[`cloudflare/${CF_B}`, 'Bearer cloudflare-secret-token-b-0005']]);
    const file = await config(
      `accounts:\n  - provider: cloudflare\n    account: ${CF_B}\n    credentials: { apiToken: CF_TOKEN_B }\n`,
    );
    const { code } = await cli(['apply', '--provider', 'cloudflare', '--account', CF_B, '--user', IDS.uuid(2)], file);
    expect(code).toBe(0);
    expect(fake.state.cloudflare.size).toBe(0);
  });

  it('reports an account that could not be searched (403) as an error, exit 1, and goes on with the others', async () => {
    alice();
    nscaleRefuses();
    const { code, json } = await cli(['apply', '--email', 'alice@corp.example'], await config(ALL_FOUR));
    expect(code).toBe(1);
    const nscale = json!.discovery.find((entry) => entry.provider === 'nscale')!;
    expect(nscale).toMatchObject({ users: [], error: expect.stringMatching(/403/) });
    expect(json!.results.map((result) => [result.provider, result.outcome])).toEqual([
      ['gcore', 'deleted'],
      ['cloudflare', 'deleted'],
      ['liveperson', 'deleted'],
    ]);
    expect(fake.count('DELETE', new RegExp(`^/api/v1/organizations/${ORG}/users/`))).toBe(0);
  });

  it('reports an account whose search kept failing (503 after retries) as an error', async () => {
    fake.state.liveperson.users.add('12345678/41');
    fake.faults.push({
      method: 'GET',
      path: /^\/api\/account\/12345678\/configuration\/le-users\/users$/,
      status: 503,
      times: Infinity,
    });
    const file = await config('accounts:\n  - provider: liveperson\n    account: "12345678"\n');
    const { code, json, stdout } = await cli(['plan', '--email', 'agent41@example.com'], file);
    expect(code).toBe(1);
    expect(json!.discovery[0]).toMatchObject({ users: [], error: expect.stringMatching(/503/) });
    expect(stdout).not.toContain('"outcome"');
  });

  it('reads each directory once for many people: cost grows with accounts, not people', async () => {
    const people: string[] = [];
    const gcoreEmails = new Map<number, string>();
    for (let n = 1; n <= 60; n++) {
      fake.state.gcore.users.set(n, new Set([100]));
      gcoreEmails.set(n, `p${n}@corp.example`);
      fake.state.liveperson.users.add(`12345678/${n}`);
      people.push(`p${n}@corp.example`);
    }
    fake.state.gcore.emails = gcoreEmails;
    fake.state.gcore.pageSizeCap = 25;
    const file = await config(
      'accounts:\n  - provider: gcore\n    account: "100"\n  - provider: liveperson\n    account: "12345678"\n',
    );
    const { json } = await cli(['plan', ...people.flatMap((email) => ['--email', email])], file);
    expect(json!.discovery).toHaveLength(120);
    // The directory walk (1000 a page, capped at 25 by the fake); the policies' own reads are apart.
    expect(fake.requests.filter((request) => request.path.startsWith('/iam/users?limit=1000'))).toHaveLength(3);
    expect(fake.count('GET', '/api/account/12345678/configuration/le-users/users')).toBe(1);
  });

  it('matches a LivePerson user by loginName as well as email', async () => {
    alice();
    const file = await config('accounts:\n  - provider: liveperson\n    account: "12345678"\n');
    const { json } = await cli(['plan', '--email', 'alice@corp.example'], file);
    expect(json!.discovery[0]!.users).toEqual(['41']);
  });

  it('reads people from a CSV with an email column', async () => {
    alice();
    const people = path.join(dir.dir, 'people.csv');
    await writeFile(people, 'name,email,team\nAlice,alice@corp.example,core\n');
    const { code, json } = await cli(['plan', '--people', people], await config(ALL_FOUR));
    expect(code).toBe(0);
    expect(json!.results).toHaveLength(4);
  });

  it('refuses bad input with exit 2 before anything is sent', async () => {
    const file = await config(ALL_FOUR);
    for (const args of [
      ['plan', '--email', 'not-an-address'],
      ['plan', '--email', 'a@x.example', '--email', 'A@X.example'],
      ['plan', '--email', 'a@x.example', '--batch', 'x.csv'],
      ['plan', '--email', 'a@x.example', '--provider', 'gcore'],
      ['plan', '--people', path.join(dir.dir, 'missing.csv')],
    ]) {
      const { code, stderr } = await cli(args, file);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).not.toBe('');
    }
    const noConfig = await runCli(['plan', '--email', 'a@x.example'], env, { ...CLIENTS });
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/needs the accounts to search/);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a configured account whose default credential is not set, before anything is sent', async () => {
    const { NSCALE_ACCESS_TOKEN: _unset, ...partial } = env;
    const run = await runCli(['plan', '--email', 'a@x.example', '--config', await config(ALL_FOUR)], partial, CLIENTS);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/nscale.*NSCALE_ACCESS_TOKEN/);
    expect(fake.requests).toHaveLength(0);
  });

  it('prints per person where they were found and where not', async () => {
    alice();
    nscaleRefuses();
    const file = await config(ALL_FOUR);
    const { stdout } = await runCli(['plan', '--email', 'alice@corp.example', '--config', file], env, CLIENTS);
    expect(stdout).toMatch(/PERSON\s+PROVIDER\s+ACCOUNT\s+FOUND/);
    expect(stdout).toMatch(/alice@corp\.example\s+gcore\s+100\s+user 7/);
    expect(stdout).toMatch(/nscale\s+\S+\s+not searched: .*403/);
  });

  it('logs one line per request with --verbose, through the redactor', async () => {
    alice();
    const file = await config(ALL_FOUR);
    const { stderr } = await runCli(
      ['plan', '--email', 'alice@corp.example', '--config', file, '--verbose'],
      env,
      CLIENTS,
    );
    const lines = stderr.split('\n').filter((line) => line.startsWith('offboard: debug: '));
    expect(lines.length).toBe(fake.requests.length);
    expect(lines.some((line) => /GET \/iam\/users\?limit=1000&offset=0 200 \d+ ?ms/.test(line))).toBe(true);
    for (const secret of SECRETS) expect(stderr).not.toContain(secret);
  });

  it('reports the nscale organizations the person is in that the config does not list', async () => {
    const other = '0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b';
    fake.state.nscale.add(`${ORG}/${IDS.uuid(3)}`);
    fake.state.nscale.add(`${other}/${IDS.uuid(3)}`);
    fake.state.nscale.emails = new Map([[IDS.uuid(3), 'alice@corp.example']]);
    const file = await config(`accounts:\n  - provider: nscale\n    account: ${ORG}\n`);
    const { code, json } = await cli(['plan', '--email', 'alice@corp.example'], file);
    expect(json!.notInConfig).toEqual([{ email: 'alice@corp.example', provider: 'nscale', accounts: [other] }]);
    expect(code).toBe(1);
  });

  it('drops an organization nscale names whose own user list shows the person is not there', async () => {
    // A service-account token gets its own organization back whatever the address.
    const own = '0e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a2b';
    fake.state.nscale.add(`${ORG}/${IDS.uuid(3)}`);
    fake.state.nscale.add(`${own}/${IDS.uuid(9)}`);
    fake.state.nscale.emails = new Map([[IDS.uuid(3), 'alice@corp.example']]);
    fake.faults.push({
      method: 'GET',
      path: /^\/api\/v1\/organizations$/,
      status: 200,
      body: [
        {
          metadata: {
            id: own,
            name: 'service-org',
            creationTime: '2026-01-01T00:00:00Z',
            provisioningStatus: 'provisioned',
            healthStatus: 'healthy',
          },
          spec: { organizationType: 'adhoc' },
        },
      ],
      times: 1,
    });
    const file = await config(`accounts:\n  - provider: nscale\n    account: ${ORG}\n`);
    const { code, json } = await cli(['plan', '--email', 'alice@corp.example'], file);
    expect(json!.notInConfig).toEqual([]);
    expect(json!.discovery[0]!.users).toEqual([IDS.uuid(3)]);
    expect(code).toBe(0);
  });

  it('takes nscale’s 404 on the organization lookup as not found, and its 403 as a warning', async () => {
    fake.state.nscale.add(`${ORG}/${IDS.uuid(3)}`);
    const file = await config(`accounts:\n  - provider: nscale\n    account: ${ORG}\n`);
    const absent = await cli(['plan', '--email', 'nobody@corp.example'], file);
    expect(absent.code).toBe(3);
    expect(absent.json!.discovery[0]).toEqual({
      email: 'nobody@corp.example',
      provider: 'nscale',
      account: ORG,
      users: [],
    });
    expect(fake.requests.some((request) => request.path === '/api/v1/organizations?email=nobody%40corp.example')).toBe(
      true,
    );
    fake.state.nscale.globalUserRead = false;
    const forbidden = await cli(['plan', '--email', 'nobody@corp.example'], file);
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toMatch(/warning: nscale: the token may not read users globally \(403\)/);
  });

  it('stops on SIGINT during discovery: nothing is written, what was searched is printed, exit 130', async () => {
    alice();
    fake.faults.push({
      method: 'GET',
      path: /^\/api\/account\/12345678\/configuration\/le-users\/users$/,
      status: 0,
      action: 'hang',
      times: Number.POSITIVE_INFINITY,
    });
    const file = await config(ALL_FOUR);
    const signals = new EventEmitter();
    let stdout = '';
    const running = main(['apply', '--email', 'alice@corp.example', '--config', file, '--json'], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      env,
      signals: signals as never,
      options: { clients: { ...CLIENTS.clients, liveperson: { ...FAST, timeout: 200, maxRetries: 0 } } },
    });
    await vi.waitFor(() => expect(fake.count('GET', '/api/account/12345678/configuration/le-users/users')).toBe(1));
    signals.emit('SIGINT');
    expect(await running).toBe(130);
    const printed = JSON.parse(stdout) as Json & { interrupted: boolean };
    expect(printed.interrupted).toBe(true);
    expect(printed.results).toEqual([]);
    expect(printed.discovery.find((entry) => entry.provider === 'liveperson')?.error).toEqual(expect.any(String));
    expect(fake.count('DELETE')).toBe(0);
  });

  it('leaves the accounts a stopped run did not reach unsearched, each named, never "not found"', async () => {
    const accounts = ['a', 'b', 'c'].map((letter) => letter.repeat(32));
    for (const account of accounts) fake.state.cloudflare.add(`${account}/${IDS.uuid(1)}`);
    fake.state.cloudflare.emails = new Map([[IDS.uuid(1), 'alice@corp.example']]);
    const offboarder = offboarderFor(fake, {
      concurrency: 1,
      config: {
        file: 'offboard.yaml',
        accounts: accounts.map((account, index) => ({
          provider: 'cloudflare',
          account,
          where: `offboard.yaml:${index + 2}`,
        })),
      },
    });
    try {
      const searching = offboarder.discover(['alice@corp.example']);
      offboarder.stop();
      const { entries, targets } = await searching;
      expect(entries.map((entry) => [entry.account, entry.users, entry.error])).toEqual([
        [accounts[0], [IDS.uuid(1)], undefined],
        [accounts[1], [], 'the run was stopped before this search'],
        [accounts[2], [], 'the run was stopped before this search'],
      ]);
      expect(targets).toHaveLength(1);
    } finally {
      await offboarder.close();
    }
  });
});
