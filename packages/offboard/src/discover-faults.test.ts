// Discovery under every kind of bad answer: an account whose search did not complete is never
// taken as "not there". Each provider's directory read × each fault → that account's entry has
// an error (exit 1), nothing is deleted there, and the other accounts still proceed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type TempDir, tempDir } from '@offboard/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  emptyState,
  type FakeProviders,
  type Fault,
  fakeEnv,
  SECRETS,
  startFakeProviders,
} from '../test/fake-providers.js';
import { CONFIG_ALL_FOUR as CONFIG, IDS, runCli } from '../test/harness.js';

const fast = { initialRetryDelayMs: 1, maxRetryDelayMs: 5, timeout: 300 };
const CLIENTS = { clients: { gcore: fast, cloudflare: fast, nscale: fast, liveperson: fast } };
const CF = IDS.cloudflareAccount;
const ORG = IDS.organization;
const EMAIL = 'alice@corp.example';

/** Each provider's directory read: the request a search of its account cannot do without. */
const READS: readonly { provider: string; path: RegExp }[] = [
  { provider: 'gcore', path: /^\/iam\/users$/ },
  { provider: 'cloudflare', path: new RegExp(`^/accounts/${CF}/access/users$`) },
  { provider: 'nscale', path: new RegExp(`^/api/v1/organizations/${ORG}/users$`) },
  { provider: 'liveperson', path: /^\/api\/account\/12345678\/configuration\/le-users\/users$/ },
];

type FaultKind = Omit<Fault, 'method' | 'path' | 'times'> & { readonly name: string };
const FAULTS: readonly FaultKind[] = [
  { name: '401', status: 401 },
  { name: '403', status: 403 },
  { name: '404', status: 404 },
  { name: '500 after retries', status: 500 },
  { name: '503 after retries', status: 503 },
  { name: '302 without Location', status: 302, body: '' },
  { name: '304', status: 304 },
  { name: 'reset before the status line', status: 0, action: 'reset' },
  { name: 'unreadable 200 body', status: 200, action: 'perform-unreadable' },
  { name: 'reset after the status line', status: 200, action: 'perform-reset' },
  { name: 'no answer (timeout)', status: 0, action: 'hang' },
];

let fake: FakeProviders;
let dir: TempDir;
let file: string;

beforeAll(async () => {
  dir = await tempDir('discover-faults');
  file = path.join(dir.dir, 'offboard.yaml');
  await writeFile(file, CONFIG);
});
afterAll(() => dir.remove());
beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  const { gcore, cloudflare, nscale, liveperson } = fake.state;
  gcore.users.set(7, new Set([100]));
  gcore.emails = new Map([[7, EMAIL]]);
  cloudflare.add(`${CF}/${IDS.uuid(1)}`);
  cloudflare.emails = new Map([[IDS.uuid(1), EMAIL]]);
  nscale.add(`${ORG}/${IDS.uuid(2)}`);
  nscale.emails = new Map([[IDS.uuid(2), EMAIL]]);
  liveperson.users.add('12345678/41');
  liveperson.emails = new Map([['41', EMAIL]]);
});
afterEach(() => fake.close());

describe.each(READS)('$provider directory read', ({ provider, path: readPath }) => {
  it.each(FAULTS)(
    '$name: the account is not searched (exit 1), nothing deleted there, the others go on',
    async (kind) => {
      const { name: _name, ...fault } = kind;
      fake.faults.push({ method: 'GET', path: readPath, times: Number.POSITIVE_INFINITY, ...fault });
      const { code, stdout, stderr } = await runCli(
        ['apply', '--email', EMAIL, '--config', file, '--json'],
        fakeEnv(fake.url),
        CLIENTS,
      );
      for (const secret of SECRETS) expect(stdout + stderr).not.toContain(secret);
      expect(code).toBe(1);
      const json = JSON.parse(stdout) as {
        results: { provider: string; outcome: string }[];
        discovery: { provider: string; users: string[]; error?: string }[];
      };
      const entry = json.discovery.find((candidate) => candidate.provider === provider)!;
      expect(entry.users).toEqual([]);
      expect(entry.error).toEqual(expect.any(String));
      // Nothing was deleted at the provider whose search failed; every other provider's user was.
      expect(json.results.map((result) => result.provider).sort()).toEqual(
        READS.map((read) => read.provider)
          .filter((other) => other !== provider)
          .sort(),
      );
      expect(json.results.every((result) => result.outcome === 'deleted')).toBe(true);
      const deletes = fake.requests.filter((request) => request.method === 'DELETE');
      expect(deletes).toHaveLength(3);
      // The fake answered a 2xx to an unreadable or cut read: still no target from it.
      fake.takeProblems();
    },
  );
});
