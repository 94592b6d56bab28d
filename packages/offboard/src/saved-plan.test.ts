// Saved plans (`plan --out`, `apply --plan`), verified deletes, and who/why/when, through the
// CLI against the stateful fake: what the fake received is checked, not only what was printed.
// The world changes between plan and apply the ways the issue names (a token appears, the user
// goes, a revision jumps, an account is added): exactly the stale targets are blocked, and no
// write the plan does not list is ever sent.
import { EventEmitter } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type TempDir, tempDir } from '@offboard/test-utils';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type FakeProviders, fakeEnv, SECRETS, startFakeProviders } from '../test/fake-providers.js';
import { FAST, FAST_CLIENTS, FAST_VERIFY, IDS, runCli } from '../test/harness.js';
import { main } from './cli.js';
import { PLAN_FORMAT, type PlanDocument } from './plan-file.js';

const CF = IDS.cloudflareAccount;
const ORG = IDS.organization;
const LP = '/api/account/12345678/configuration/le-users/users';
const PERSON = 'sam.taylor@corp.example';

/** Sam in two Gcore accounts (with a token in the second) and in the other three providers. */
const CONFIG = `accounts:
  - provider: gcore
    account: "100"
  - provider: gcore
    account: "200"
  - provider: cloudflare
    account: ${CF}
  - provider: nscale
    account: ${ORG}
  - provider: liveperson
    account: "12345678"
`;

function sam(state = fake.state): void {
  const { gcore, cloudflare, nscale, liveperson } = state;
  gcore.users.set(7, new Set([100, 200]));
  gcore.users.set(8, new Set([100]));
  gcore.emails = new Map([
    [7, PERSON],
    [8, 'someone.else@corp.example'],
  ]);
  gcore.tokens.push({ id: 41, account: 200, issuer: 7 });
  cloudflare.add(`${CF}/${IDS.uuid(1)}`);
  cloudflare.emails = new Map([[IDS.uuid(1), PERSON]]);
  nscale.add(`${ORG}/${IDS.uuid(2)}`);
  nscale.emails = new Map([[IDS.uuid(2), PERSON]]);
  liveperson.users.add('12345678/42');
  liveperson.users.add('12345678/43');
  liveperson.emails = new Map([['42', PERSON]]);
  liveperson.revision = 7;
}

let fake: FakeProviders;
let dir: TempDir;
let files = 0;
const file = (name: string) => path.join(dir.dir, `${++files}-${name}`);

beforeAll(async () => {
  dir = await tempDir('saved-plan');
});
afterAll(() => dir.remove());
beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
});
afterEach(() => fake.close());

interface Result {
  provider: string;
  account: string;
  user: string;
  email?: string;
  outcome: string;
  verified?: boolean;
  reason?: string;
  steps: { method: string; path: string; status: number | null; at?: string }[];
}

/** The CLI in-process with its output captured; `now` moves the clock a saved plan is judged by. */
async function cli(args: readonly string[], options: { now?: Date; env?: Record<string, string> } = {}) {
  const { code, stdout, stderr } = await runCli(
    args,
    { ...fakeEnv(fake.url), ...options.env },
    { clients: FAST_CLIENTS },
    { cwd: dir.dir, ...(options.now ? { now: () => options.now! } : {}) },
  );
  for (const secret of SECRETS) {
    expect(stdout).not.toContain(secret);
    expect(stderr).not.toContain(secret);
  }
  const json = args.includes('--json') && stdout ? (JSON.parse(stdout) as { results: Result[] }) : undefined;
  return { code, stdout, stderr, results: json?.results ?? [] };
}

/** `plan --email … --out`: the plan file's path and its document. */
async function planned(flags: readonly string[] = ['--revoke-tokens']) {
  const config = file('offboard.yaml');
  await writeFile(config, CONFIG);
  const out = file('plan.json');
  const run = await cli(['plan', '--email', PERSON, '--config', config, '--out', out, '--json', ...flags]);
  expect(run.code, run.stderr).toBe(0);
  const plan = JSON.parse(await readFile(out, 'utf8')) as PlanDocument;
  return { out, config, plan, run };
}

const writesSent = () =>
  fake.requests.filter((request) => request.method !== 'GET').map((r) => `${r.method} ${r.path.split('?')[0]}`);
const writesListed = (plan: PlanDocument) =>
  new Set(
    plan.targets
      .flatMap((target) => target.steps.filter((step) => step.status === null))
      .map((s) => `${s.method} ${s.path}`),
  );

describe('plan --out', () => {
  it('saves a versioned plan with its time, tool, flags, discovery, per-target steps and facts, and a checksum', async () => {
    sam();
    const { plan, run } = await planned();
    expect(fake.count('DELETE')).toBe(0);
    expect(run.stderr).toMatch(/plan saved to .*plan\.json \(sha256:[0-9a-f]{64}\)/);
    expect(plan).toMatchObject({
      format: PLAN_FORMAT,
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      tool: { name: '@offboard/offboard', version: expect.any(String) },
      flags: { revokeTokens: true, allAccounts: false, maxRevisionRetries: 3, input: { emails: [PERSON] } },
      checksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(plan.discovery?.entries).toHaveLength(5);
    const facts = Object.fromEntries(
      plan.targets.map((target) => [`${target.provider}/${target.account}`, target.facts]),
    );
    expect(facts).toEqual({
      'gcore/100': { present: true, accounts: [100, 200], tokens: { '100': [] } },
      // The plan counts its own earlier target: removed from 100, so 200 is the last account.
      'gcore/200': { present: true, accounts: [200], tokens: { '200': [41] } },
      [`cloudflare/${CF}`]: { present: true },
      [`nscale/${ORG}`]: { present: true },
      'liveperson/12345678': { present: true, revision: '7' },
    });
    expect(plan.targets.map((target) => [target.account, target.email, target.reason])).toEqual([
      ['100', PERSON, expect.stringMatching(/^would end removed: user 7 keeps access to accounts 200/)],
      ['200', PERSON, 'would end deleted'],
      [CF, PERSON, 'would end deleted'],
      [ORG, PERSON, 'would end deleted'],
      ['12345678', PERSON, 'would end deleted'],
    ]);
    expect([...writesListed(plan)]).toEqual(
      [
        '/iam/clients/100/client-users/7',
        '/iam/v2/clients/200/tokens/41',
        '/iam/users/7',
        `/accounts/${CF}/access/users/${IDS.uuid(1)}`,
        `/api/v1/organizations/${ORG}/users/${IDS.uuid(2)}`,
        `${LP}/42`,
      ].map((p) => `DELETE ${p}`),
    );
    for (const secret of SECRETS) expect(JSON.stringify(plan)).not.toContain(secret);
  });

  it('is not saved when the run is interrupted', async () => {
    sam();
    const config = file('offboard.yaml');
    await writeFile(config, CONFIG);
    const out = file('plan.json');
    const signals = new EventEmitter();
    let stderr = '';
    // A token list that never answers: the signal comes while it is in flight.
    fake.faults.push({ method: 'GET', path: /\/tokens$/, status: 200, action: 'hang', times: 1 });
    const running = main(['plan', '--email', PERSON, '--config', config, '--out', out, '--json'], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      env: fakeEnv(fake.url),
      options: {
        clients: { ...FAST_CLIENTS, gcore: { ...FAST, timeout: 300, maxRetries: 0 } },
        verifyDelaysMs: FAST_VERIFY,
      },
      signals: signals as unknown as NodeJS.Process,
      exit: () => undefined,
      cwd: dir.dir,
    });
    await expect.poll(() => fake.requests.some((request) => request.path.includes('/tokens'))).toBe(true);
    signals.emit('SIGINT');
    expect(await running).toBe(130);
    expect(stderr).toMatch(/the plan was not saved: the run was interrupted/);
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('apply --plan', () => {
  it('runs exactly the plan: removed from one Gcore account, then deleted in the other, everything verified', async () => {
    sam();
    const { out, plan } = await planned();
    const journal = file('journal.jsonl');
    fake.requests.length = 0;
    const { code, results, stderr } = await cli(['apply', '--plan', out, '--journal', journal, '--json']);
    expect(code, stderr).toBe(0);
    expect(results.map((r) => [r.provider, r.account, r.outcome, r.verified])).toEqual([
      ['gcore', '100', 'removed', true],
      ['gcore', '200', 'deleted', true],
      ['cloudflare', CF, 'deleted', true],
      ['nscale', ORG, 'deleted', true],
      ['liveperson', '12345678', 'deleted', true],
    ]);
    // Each write the plan lists, once, and nothing else.
    expect(writesSent().sort()).toEqual([...writesListed(plan)].sort());
    expect(fake.state.gcore.users.has(7)).toBe(false);
    expect(fake.state.gcore.users.has(8)).toBe(true);
    const lines = (await readFile(journal, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ event: 'run', plan: { checksum: plan.checksum, created: plan.created } });
    expect(lines[0].discovery.entries).toEqual(plan.discovery?.entries);
  });

  /** A change to the world between plan and apply, and the one target it makes stale. */
  const CHANGES: readonly {
    name: string;
    change: (state: FakeProviders['state']) => void;
    /** The targets it makes stale: the first with `reason`. */
    stale: readonly string[];
    reason: RegExp;
  }[] = [
    {
      name: 'a token appears',
      change: (state) => {
        state.gcore.tokens.push({ id: 99, account: 200, issuer: 7 });
      },
      stale: ['gcore/200'],
      reason: /^plan is stale: tokens was \{"200":\[41\]\} when planned and is \{"200":\[41,99\]\} now$/,
    },
    {
      name: 'the user goes (Cloudflare)',
      change: (state) => {
        state.cloudflare.delete(`${CF}/${IDS.uuid(1)}`);
      },
      stale: [`cloudflare/${CF}`],
      reason: /^plan is stale: present was true when planned and is false now$/,
    },
    {
      name: 'the user goes (nscale)',
      change: (state) => {
        state.nscale.delete(`${ORG}/${IDS.uuid(2)}`);
      },
      stale: [`nscale/${ORG}`],
      reason: /^plan is stale: present was true when planned and is false now$/,
    },
    {
      name: 'a revision jumps beyond the retries',
      change: (state) => {
        state.liveperson.revision += 10;
      },
      stale: ['liveperson/12345678'],
      reason: /^plan is stale: revision was "7" when planned and is "17" now$/,
    },
    {
      name: 'an account is added',
      change: (state) => {
        state.gcore.users.get(7)!.add(300);
      },
      // The second Gcore target planned on the first's removal, which did not happen: stale too.
      stale: ['gcore/100', 'gcore/200'],
      reason: /^plan is stale: accounts was \[100,200\] when planned and is \[100,200,300\] now$/,
    },
  ];

  it.each(CHANGES)(
    '$name: blocks exactly that target, sends no write outside the plan, the others proceed',
    async ({ change, stale, reason }) => {
      sam();
      const { out, plan } = await planned();
      change(fake.state);
      fake.requests.length = 0;
      const { code, results } = await cli(['apply', '--plan', out, '--json']);
      expect(code).toBe(1);
      const blocked = results.filter((result) => result.outcome === 'blocked');
      expect(blocked.map((result) => `${result.provider}/${result.account}`)).toEqual(stale);
      expect(blocked[0]!.reason).toMatch(reason);
      expect(results.filter((result) => result.outcome !== 'blocked').every((result) => result.verified)).toBe(true);
      const listed = writesListed(plan);
      for (const write of writesSent()) expect(listed).toContain(write);
      // The stale targets wrote nothing at all.
      expect(blocked.flatMap((result) => result.steps).filter((step) => step.method !== 'GET')).toEqual([]);
    },
  );

  it('resumes a target an earlier run of the plan wrote to: its own deletes are not staleness, none is resent', async () => {
    const { gcore } = fake.state;
    gcore.users.set(7, new Set([100]));
    gcore.tokens.push({ id: 41, account: 100, issuer: 7 });
    const out = file('plan.json');
    const target = ['--provider', 'gcore', '--account', '100', '--user', '7'];
    expect((await cli(['plan', ...target, '--revoke-tokens', '--out', out])).code).toBe(0);
    const journal = file('journal.jsonl');
    // The token goes; the user delete fails.
    fake.faults.push({ method: 'DELETE', path: /^\/iam\/users\/7$/, status: 500, times: 100 });
    const first = await cli(['apply', '--plan', out, '--journal', journal, '--json']);
    expect(first.results[0]).toMatchObject({ outcome: 'failed' });
    expect(gcore.tokens[0]!.deleted).toBe(true);
    fake.faults.length = 0;
    fake.requests.length = 0;
    const again = await cli(['apply', '--plan', out, '--journal', journal, '--json']);
    expect(again.code).toBe(0);
    expect(again.results[0]).toMatchObject({ outcome: 'deleted', verified: true });
    expect(writesSent()).toEqual(['DELETE /iam/users/7']);
  });

  it('a revision moved by no more than the retries cover still holds', async () => {
    sam();
    const { out } = await planned();
    fake.state.liveperson.revision += 3;
    const { code, results } = await cli(['apply', '--plan', out, '--json']);
    expect(code).toBe(0);
    expect(results.at(-1)).toMatchObject({ provider: 'liveperson', outcome: 'deleted', verified: true });
  });

  it('the changes its own earlier deletes make in a LivePerson account are expected, not stale', async () => {
    const { liveperson } = fake.state;
    for (const id of ['42', '43', '44', '45', '46']) liveperson.users.add(`12345678/${id}`);
    liveperson.revision = 1;
    const batch = file('batch.csv');
    await writeFile(
      batch,
      `provider,account,user\n${['42', '43', '44', '45', '46'].map((id) => `liveperson,12345678,${id}`).join('\n')}\n`,
    );
    const out = file('plan.json');
    expect((await cli(['plan', '--batch', batch, '--out', out])).code).toBe(0);
    // Each delete moves the account's revision: the fifth target sees 5 where it planned 1.
    const { code, results } = await cli(['apply', '--plan', out, '--json']);
    expect(code).toBe(0);
    expect(results.map((result) => result.outcome)).toEqual(Array(5).fill('deleted'));
  });

  it('never sends a write the plan does not list, whatever changed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...CHANGES.keys()], { minLength: 0 }),
        fc.boolean(),
        async (changes, moreTokens) => {
          fake.reset(emptyState());
          sam();
          const { out, plan } = await planned(moreTokens ? [] : ['--revoke-tokens']);
          for (const index of changes) CHANGES[index]!.change(fake.state);
          fake.requests.length = 0;
          const { results } = await cli(['apply', '--plan', out, '--json']);
          const listed = writesListed(plan);
          for (const write of writesSent()) expect(listed).toContain(write);
          // Nothing reported done that the fake does not show done.
          for (const result of results) {
            if (result.outcome === 'deleted' && result.provider === 'cloudflare')
              expect(fake.state.cloudflare.has(`${CF}/${result.user}`)).toBe(false);
            if (result.verified) expect(['deleted', 'removed', 'already-absent']).toContain(result.outcome);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it.each([
    ['--revoke-tokens'],
    ['--all-accounts'],
    ['--email', PERSON],
    ['--people', 'people.csv'],
    ['--batch', 'batch.csv'],
    ['--provider', 'gcore'],
    ['--account', '100'],
    ['--user', '7'],
  ])('refuses %s beside --plan (exit 2), sending nothing', async (...flag) => {
    sam();
    const { out } = await planned();
    fake.requests.length = 0;
    const { code, stderr } = await cli(['apply', '--plan', out, ...flag]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `--plan runs the plan with the targets and flags it was made with: ${flag[0]} cannot be given`,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a plan older than --max-age (default 24 h), and takes a longer --max-age', async () => {
    sam();
    const { out, plan } = await planned();
    fake.requests.length = 0;
    const later = new Date(Date.parse(plan.created) + 25 * 3600 * 1000);
    const old = await cli(['apply', '--plan', out], { now: later });
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/is 25 h old, older than --max-age 24 h: plan again/);
    expect(fake.requests).toHaveLength(0);
    const bad = await cli(['apply', '--plan', out, '--max-age', 'a day'], { now: later });
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--max-age must be a duration/) });
    expect(fake.requests).toHaveLength(0);
    const allowed = await cli(['apply', '--plan', out, '--max-age', '72h'], { now: later });
    expect(allowed.code).toBe(0);
  });

  it('refuses a plan edited by hand (checksum) or malformed, sending nothing', async () => {
    sam();
    const { out } = await planned();
    const text = await readFile(out, 'utf8');
    fake.requests.length = 0;
    // A reviewer's plan turned into another one: one more write, the checksum left as it was.
    const edited = file('edited.json');
    await writeFile(edited, text.replace('"revokeTokens": true', '"revokeTokens": false'));
    const tampered = await cli(['apply', '--plan', edited]);
    expect(tampered).toMatchObject({ code: 2, stderr: expect.stringMatching(/was changed after it was written/) });
    const broken = file('broken.json');
    await writeFile(broken, text.slice(0, 200));
    expect((await cli(['apply', '--plan', broken])).code).toBe(2);
    const missing = await cli(['apply', '--plan', file('none.json')]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read the plan \(ENOENT\)/) });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses options a command does not take (exit 2)', async () => {
    for (const args of [
      ['plan', '--plan', 'x.json'],
      ['apply', '--out', 'x.json', '--provider', 'gcore', '--account', '100', '--user', '7'],
      ['plan', '--no-verify', '--provider', 'gcore', '--account', '100', '--user', '7'],
      ['apply', '--max-age', '1h', '--provider', 'gcore', '--account', '100', '--user', '7'],
      ['plan', '--ticket', 'T-1', '--provider', 'gcore', '--account', '100', '--user', '7'],
      ['report', 'journal.jsonl', '--email', PERSON],
    ])
      expect((await cli(args)).code, args.join(' ')).toBe(2);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('verified deletes', () => {
  /** Each provider's user, how to offboard it, and the read that verifies it. */
  const PROVIDERS = [
    {
      provider: 'gcore',
      setup: () => fake.state.gcore.users.set(7, new Set([100])),
      args: ['--provider', 'gcore', '--account', '100', '--user', '7'],
      read: /^\/iam\/users\/7$/,
      still: () => fake.state.gcore.users.has(7),
    },
    {
      provider: 'cloudflare',
      setup: () => fake.state.cloudflare.add(`${CF}/${IDS.uuid(1)}`),
      args: ['--provider', 'cloudflare', '--account', CF, '--user', IDS.uuid(1)],
      read: /\/access\/users\//,
      still: () => fake.state.cloudflare.has(`${CF}/${IDS.uuid(1)}`),
    },
    {
      provider: 'nscale',
      setup: () => fake.state.nscale.add(`${ORG}/${IDS.uuid(2)}`),
      args: ['--provider', 'nscale', '--account', ORG, '--user', IDS.uuid(2)],
      read: /\/users$/,
      still: () => fake.state.nscale.has(`${ORG}/${IDS.uuid(2)}`),
    },
    {
      provider: 'liveperson',
      setup: () => fake.state.liveperson.users.add('12345678/42'),
      args: ['--provider', 'liveperson', '--account', '12345678', '--user', '42'],
      read: /\/users\/42$/,
      still: () => fake.state.liveperson.users.has('12345678/42'),
    },
  ] as const;

  it.each(PROVIDERS)('$provider: a delete answered 2xx that leaves the user is failed, never deleted', async (p) => {
    p.setup();
    // The provider confirms the delete and does nothing.
    fake.state.keepsDeletedUsers = true;
    const journal = file('journal.jsonl');
    const { code, results } = await cli(['apply', ...p.args, '--journal', journal, '--json']);
    expect(p.still()).toBe(true);
    expect(code).toBe(1);
    expect(results[0]).toMatchObject({ outcome: 'failed', verified: false });
    expect(results[0]!.reason).toMatch(
      /still present in account .* after the delete was confirmed \(3 reads over 0\.04 s\)/,
    );
    // Three reads, each answered as the user still there.
    const reads = fake.requests.filter(
      (request) => request.method === 'GET' && p.read.test(request.path.split('?')[0]!),
    );
    expect(reads.length).toBeGreaterThanOrEqual(3);
    const done = (await readFile(journal, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .at(-1);
    expect(done).toMatchObject({ event: 'done', outcome: 'failed', verified: false });
  });

  it.each(PROVIDERS)('$provider: --no-verify skips the reads; the result says verified: false', async (p) => {
    p.setup();
    const { code, results } = await cli(['apply', ...p.args, '--no-verify', '--json']);
    expect(code).toBe(0);
    expect(results[0]).toMatchObject({ verified: false });
    expect(results[0]!.outcome).toMatch(/deleted|removed/);
    const last = fake.requests.at(-1)!;
    expect(last.method).toBe('DELETE');
  });

  it('gcore: a key refused the user read (403) is shown the client-user instead', async () => {
    fake.state.gcore.users.set(7, new Set([100]));
    fake.faults.push({ method: 'GET', path: /^\/iam\/users\/7$/, status: 403, times: 100 });
    const { code, results } = await cli(['apply', '--provider', 'gcore', '--account', '100', '--user', '7', '--json']);
    expect(code).toBe(0);
    expect(results[0]).toMatchObject({ outcome: 'deleted', verified: true });
    expect(results[0]!.steps.slice(-2).map((step) => `${step.method} ${step.path} ${step.status}`)).toEqual([
      'GET /iam/users/7 403',
      'GET /iam/clients/100/client-users/7 404',
    ]);
  });

  it('a verification read that fails leaves the delete standing, unverified, exit 1; a rerun verifies it', async () => {
    fake.state.cloudflare.add(`${CF}/${IDS.uuid(1)}`);
    const args = ['apply', '--provider', 'cloudflare', '--account', CF, '--user', IDS.uuid(1), '--json'];
    const journal = file('journal.jsonl');
    fake.faults.push({ method: 'GET', path: /\/access\/users\//, status: 500, times: 100 });
    const first = await cli([...args, '--journal', journal]);
    expect(first.code).toBe(1);
    expect(first.results[0]).toMatchObject({ outcome: 'deleted', verified: false });
    expect(first.results[0]!.reason).toMatch(/^not verified: 500/);
    fake.faults.length = 0;
    const deletes = fake.count('DELETE');
    const again = await cli([...args, '--journal', journal]);
    expect(again.code).toBe(0);
    expect(again.results[0]).toMatchObject({ outcome: 'already-absent', verified: true });
    expect(fake.count('DELETE')).toBe(deletes);
  });
});

describe('who, why and when', () => {
  it('records --operator and --ticket in the journal, every line timed, every step with its request id', async () => {
    fake.state.cloudflare.add(`${CF}/${IDS.uuid(1)}`);
    const journal = file('journal.jsonl');
    const { code } = await cli([
      'apply',
      '--provider',
      'cloudflare',
      '--account',
      CF,
      '--user',
      IDS.uuid(1),
      '--journal',
      journal,
      '--operator',
      'Dana Admin',
      '--ticket',
      'HR-2291',
    ]);
    expect(code).toBe(0);
    const lines = (await readFile(journal, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ event: 'run', operator: 'Dana Admin', ticket: 'HR-2291', verify: true });
    for (const line of lines) expect(line.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const done = lines.at(-1);
    expect(done.steps.map((step: { requestId?: string }) => step.requestId)).toEqual([
      expect.stringMatching(/^fake-/),
      expect.stringMatching(/^fake-/),
    ]);
  });

  it('takes the operator from OFFBOARD_OPERATOR when --operator is not given', async () => {
    fake.state.cloudflare.add(`${CF}/${IDS.uuid(1)}`);
    const journal = file('journal.jsonl');
    await cli(['apply', '--provider', 'cloudflare', '--account', CF, '--user', IDS.uuid(1), '--journal', journal], {
      env: { OFFBOARD_OPERATOR: 'it-ops' },
    });
    expect(JSON.parse((await readFile(journal, 'utf8')).split('\n')[0]!)).toMatchObject({ operator: 'it-ops' });
  });
});

describe('offboard report', () => {
  /** An apply by email from a saved plan, journaled: the journal a report is made from. */
  async function applied() {
    sam();
    const { out } = await planned();
    const journal = file('journal.jsonl');
    const run = await cli(['apply', '--plan', out, '--journal', journal, '--operator', 'Dana', '--ticket', 'HR-7']);
    expect(run.code, run.stderr).toBe(0);
    return journal;
  }

  it('prints the Markdown evidence of a journal, the same bytes every time', async () => {
    const journal = await applied();
    const first = await cli(['report', journal]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^# Offboarding evidence\n/);
    expect(first.stdout).toContain('- Operator: Dana');
    expect(first.stdout).toContain('- Ticket: HR-7');
    expect(first.stdout).toContain('- Complete: yes');
    expect(first.stdout).toContain(`## ${PERSON.replace('.', '.')}`);
    expect(first.stdout).toMatch(/\| gcore \| 200 \| 7 \| deleted \| yes \|/);
    expect((await cli(['report', journal])).stdout).toBe(first.stdout);
  });

  it('writes JSON that its shipped schema accepts, to --out', async () => {
    const journal = await applied();
    const out = file('evidence.json');
    expect((await cli(['report', journal, '--format', 'json', '--out', out])).code).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8'));
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    ajvFormats.default(ajv);
    const schema = JSON.parse(
      await readFile(new URL('../schema/offboard-report.schema.json', import.meta.url), 'utf8'),
    );
    const validate = ajv.compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ format: 'offboard-report/1', operator: 'Dana', ticket: 'HR-7', complete: true });
    expect(
      report.targets.map((target: { outcome: string; verified: boolean }) => [target.outcome, target.verified]),
    ).toEqual([
      ['removed', true],
      ['deleted', true],
      ['deleted', true],
      ['deleted', true],
      ['deleted', true],
    ]);
    expect(report.discovery).toHaveLength(5);
  });

  it('reports an apply that did not finish as incomplete, the unfinished targets listed, exit 1', async () => {
    const journal = await applied();
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    // Cut after the last target's write went out, before its answer and outcome.
    const intent = lines.findLastIndex((line) => line.includes('"event":"intent"'));
    await writeFile(journal, `${lines.slice(0, intent + 1).join('\n')}\n`);
    const { code, stdout, stderr } = await cli(['report', journal]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the apply did not finish: 1 target unfinished/);
    expect(stdout).toMatch(/\*\*Incomplete\*\*: 1 target did not finish/);
    expect(stdout).toContain('no answer recorded');
  });

  it('shows an address several users have, where nothing was done', async () => {
    fake.state.cloudflare.add(`${CF}/${IDS.uuid(1)}`);
    fake.state.cloudflare.add(`${CF}/${IDS.uuid(2)}`);
    fake.state.cloudflare.emails = new Map([
      [IDS.uuid(1), PERSON],
      [IDS.uuid(2), PERSON.toUpperCase()],
    ]);
    const config = file('offboard.yaml');
    await writeFile(config, `accounts:\n  - provider: cloudflare\n    account: ${CF}\n`);
    const journal = file('journal.jsonl');
    expect((await cli(['apply', '--email', PERSON, '--config', config, '--journal', journal])).code).toBe(1);
    expect(fake.count('DELETE')).toBe(0);
    const { stdout } = await cli(['report', journal]);
    expect(stdout).toContain('Several users with the address (nothing was done there; offboard the right one by id):');
    expect(stdout).toContain(`- cloudflare, account ${CF}: users ${IDS.uuid(1)}, ${IDS.uuid(2)}`);
  });

  it('refuses a missing journal, an unknown format, and --out over the journal (exit 2)', async () => {
    expect((await cli(['report', file('none.jsonl')])).stderr).toMatch(/cannot read the journal .*ENOENT/);
    const journal = await applied();
    expect((await cli(['report', journal, '--format', 'html'])).code).toBe(2);
    expect((await cli(['report', journal, '--format', 'md', '--json'])).code).toBe(2);
    expect(JSON.parse((await cli(['report', journal, '--json'])).stdout)).toMatchObject({
      format: 'offboard-report/1',
    });
    expect((await cli(['report', journal, '--out', journal])).code).toBe(2);
    expect((await cli(['report'])).code).toBe(2);
  });
});

describe('a plan tells the truth', () => {
  /** What plan said apply would do: `would end deleted` → deleted, `would be blocked` → blocked. */
  const predicted = (reason: string | undefined) => {
    const match = /^would (?:end ([a-z-]+)|be (blocked)|(fail))/.exec(reason ?? '');
    return match?.[1] ?? match?.[2] ?? (match?.[3] ? 'failed' : undefined);
  };

  it('on an unchanged world, apply --plan ends every target as planned and finds nothing stale (property)', async () => {
    const accounts = [100, 200, 300];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(accounts, { minLength: 1 }),
        fc.array(fc.constantFrom(...accounts), { maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        fc.subarray(accounts, { minLength: 1 }),
        async (memberOf, tokenAccounts, revokeTokens, allAccounts, targeted) => {
          fake.reset(emptyState());
          fake.state.gcore.users.set(7, new Set(memberOf));
          // Tokens only where the user is (Gcore revokes no access while the user has tokens there).
          for (const [index, account] of tokenAccounts.entries())
            if (memberOf.includes(account)) fake.state.gcore.tokens.push({ id: 60 + index, account, issuer: 7 });
          const batch = file('batch.csv');
          await writeFile(
            batch,
            `provider,account,user\n${targeted.map((account) => `gcore,${account},7`).join('\n')}\n`,
          );
          const flags = [...(revokeTokens ? ['--revoke-tokens'] : []), ...(allAccounts ? ['--all-accounts'] : [])];
          const out = file('plan.json');
          const plan = await cli(['plan', '--batch', batch, '--out', out, '--json', ...flags]);
          const { results } = await cli(['apply', '--plan', out, '--json']);
          expect(
            results.map((result) => result.reason ?? '').filter((reason) => reason.startsWith('plan is stale')),
          ).toEqual([]);
          expect(results.map((result) => result.outcome)).toEqual(
            plan.results.map((result) => predicted(result.reason)),
          );
          for (const result of results)
            if (['deleted', 'removed', 'already-absent'].includes(result.outcome)) expect(result.verified).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});
