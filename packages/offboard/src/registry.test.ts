// A provider module is all the engine needs: one registered from a test fixture (an api the
// project has never heard of) is planned, applied, journaled, read from a CSV, named in the help
// text and refused when not registered, with nothing else in the engine or the CLI changed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type LoopbackServer, startLoopbackServer, type TempDir, tempDir } from '@offboard/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acme } from '../test/acme-provider.js';
import { runCli } from '../test/harness.js';
import { createOffboarder } from './offboard.js';
import { BUILT_IN_PROVIDERS } from './providers/index.js';
import { builtInRegistry, Registry } from './registry.js';

const ORG = '8c1d3f5e-7a9b-4c2d-8e6f-0a1b2c3d4e5f';
const TOKEN = 'acme-token-0123456789';
const providers = [...BUILT_IN_PROVIDERS, acme];

/** A stateful ACME: members per org; GET 200/404, DELETE 204/404; bearer required. */
let members: Set<string>;
/** Reads that still show a member after its delete (a provider that takes a moment). */
let linger: number;
let ghosts: Map<string, number>;
let received: { method: string; url: string; authorization: string | undefined }[];
let server: LoopbackServer;
let env: Record<string, string>;
let temp: TempDir;
let dir: string;

beforeEach(async () => {
  members = new Set([`${ORG}/7`, `${ORG}/8`]);
  linger = 0;
  ghosts = new Map();
  received = [];
  server = await startLoopbackServer((request, response) => {
    received.push({ method: request.method!, url: request.url!, authorization: request.headers.authorization });
    const match = /^\/orgs\/([^/]+)\/members\/([^/?]+)$/.exec(request.url ?? '');
    const key = match ? `${match[1]}/${match[2]}` : '';
    if (request.headers.authorization !== `Bearer ${TOKEN}`) response.writeHead(401).end();
    else if (request.method === 'GET' && (ghosts.get(key) ?? 0) > 0) {
      ghosts.set(key, ghosts.get(key)! - 1);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":7,"email":"a@example.com"}');
    } else if (!members.has(key)) response.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    else if (request.method === 'GET')
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":7,"email":"a@example.com"}');
    else if (request.method === 'DELETE') {
      members.delete(key);
      if (linger > 0) ghosts.set(key, linger);
      response.writeHead(204).end();
    } else response.writeHead(405).end();
  });
  env = { ACME_TOKEN: TOKEN, ACME_BASE_URL: server.url };
  temp = await tempDir('acme');
  dir = temp.dir;
});

afterEach(async () => {
  await server.close();
  await temp.remove();
});

describe('a provider registered from a module', () => {
  it('is planned and applied by the engine, in canonical ids, with its steps derived from the typed calls', async () => {
    const journal = path.join(dir, 'journal.jsonl');
    const offboarder = createOffboarder({ providers, env, journal });
    try {
      const target = { provider: 'acme', account: ` ${ORG.toUpperCase()} `, user: '007' };
      const [planned] = await offboarder.run('plan', [target]);
      expect(planned).toMatchObject({ provider: 'acme', account: ORG, user: '7', outcome: 'planned' });
      expect(planned?.steps).toEqual([
        { method: 'GET', path: `/orgs/${ORG}/members/7`, status: 200, at: expect.any(String) },
        { method: 'DELETE', path: `/orgs/${ORG}/members/7`, status: null },
      ]);
      expect(planned?.facts).toEqual({ present: true });
      expect(members.has(`${ORG}/7`)).toBe(true);
      const [applied] = await offboarder.run('apply', [target]);
      expect(applied).toMatchObject({
        outcome: 'deleted',
        verified: true,
        steps: [
          { method: 'DELETE', status: 204 },
          { method: 'GET', status: 404 },
        ],
      });
      expect(members.has(`${ORG}/7`)).toBe(false);
    } finally {
      await offboarder.close();
    }
    expect(received.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET /orgs/${ORG}/members/7`,
      `DELETE /orgs/${ORG}/members/7`,
      `GET /orgs/${ORG}/members/7`,
    ]);
    expect(received.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);

    // A rerun with the journal sends nothing: the delete was confirmed.
    const rerun = createOffboarder({ providers, env, journal });
    try {
      const [again] = await rerun.run('apply', [{ provider: 'acme', account: ORG, user: '7' }]);
      expect(again?.outcome).toBe('already-absent');
    } finally {
      await rerun.close();
    }
    expect(received).toHaveLength(3);
  });

  it('runs from the CLI: --provider, a batch CSV (duplicates caught in canonical form), the help text', async () => {
    const one = await runCli(['apply', '--provider', 'acme', '--account', ORG, '--user', '8', '--json'], env, {
      providers,
    });
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).results[0]).toMatchObject({ provider: 'acme', user: '8', outcome: 'deleted' });

    const batch = path.join(dir, 'batch.csv');
    await writeFile(batch, `provider,account,user\nacme,${ORG},9\nacme,${ORG.toUpperCase()},09\n`);
    const duplicate = await runCli(['plan', '--batch', batch], env, { providers });
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain(`line 3: the same target as line 2 (acme/${ORG}/9)`);

    const help = await runCli(['--help'], env, { providers });
    expect(help.stdout).toContain('--provider <gcore|cloudflare|nscale|liveperson|acme>');
    expect(help.stdout).toMatch(/^ {2}acme +ACME_TOKEN, ACME_BASE_URL$/m);
    expect(received.filter((request) => request.method === 'DELETE')).toHaveLength(1);
  });

  it('is unknown when not registered: exit 2 naming the providers there are, nothing sent', async () => {
    const run = await runCli(['apply', '--provider', 'acme', '--account', ORG, '--user', '8'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown provider "acme" (expected one of gcore, cloudflare, nscale, liveperson)');
    expect(() => createOffboarder({ env, clients: { acme: {} } as never })).toThrow(/clients: unknown provider "acme"/);
    expect(received).toEqual([]);
  });

  it("checks a module's ids by its own rules, and its credentials before anything is sent", async () => {
    const offboarder = createOffboarder({ providers, env: { ACME_BASE_URL: env.ACME_BASE_URL! } });
    try {
      await expect(offboarder.run('apply', [{ provider: 'acme', account: 'not-a-uuid', user: '1' }])).rejects.toThrow(
        /acme: account "not-a-uuid" is not valid: orgId must be/,
      );
      await expect(offboarder.run('apply', [{ provider: 'acme', account: ORG, user: '0' }])).rejects.toThrow(
        /acme: user "0" is not valid: memberId must be/,
      );
      await expect(offboarder.run('apply', [{ provider: 'acme', account: ORG, user: '8' }])).rejects.toThrow(
        /acme: .*ACME_TOKEN/,
      );
    } finally {
      await offboarder.close();
    }
    expect(received).toEqual([]);
  });
});

describe('the registry', () => {
  it('refuses two modules of one name, and names that are not lower-case words', () => {
    expect(() => new Registry([acme, acme])).toThrow('provider acme is registered twice');
    expect(() => new Registry([{ ...acme, name: 'Acme Corp' }])).toThrow(/must be lower-case/);
  });

  it("lists each built-in provider's variables from its generated api definitions", () => {
    expect(builtInRegistry.environment()).toEqual([
      { provider: 'gcore', variables: 'GCORE_API_KEY, GCORE_BASE_URL' },
      {
        provider: 'cloudflare',
        variables: 'CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY), CLOUDFLARE_BASE_URL',
      },
      { provider: 'nscale', variables: 'NSCALE_ACCESS_TOKEN, NSCALE_BASE_URL' },
      { provider: 'liveperson', variables: 'LIVEPERSON_ACCESS_TOKEN, LIVEPERSON_BASE_URL' },
    ]);
  });
});

describe('verification, through a provider module', () => {
  const target = { provider: 'acme', account: ORG, user: '7' };
  const apply = async (delays: readonly number[]) => {
    const offboarder = createOffboarder({ providers, env, verifyDelaysMs: delays });
    try {
      return (await offboarder.run('apply', [target]))[0]!;
    } finally {
      await offboarder.close();
    }
  };
  const reads = () => received.filter((request) => request.method === 'GET').length;

  it('reads again until the member is gone: one that lingers for two reads is verified on the third', async () => {
    linger = 2;
    const result = await apply([0, 5, 10]);
    expect(result).toMatchObject({ outcome: 'deleted', verified: true });
    expect(reads()).toBe(3);
    expect(result.steps.map((step) => `${step.method} ${step.status}`)).toEqual([
      'DELETE 204',
      'GET 200',
      'GET 200',
      'GET 404',
    ]);
  });

  it('one still shown after every read is failed, never deleted, with the reads it took', async () => {
    linger = 3;
    const result = await apply([0, 5, 10]);
    expect(result).toMatchObject({ outcome: 'failed', verified: false });
    expect(result.reason).toBe(
      `user 7 is still present in account ${ORG} after the delete was confirmed (3 reads over 0.015 s)`,
    );
    expect(reads()).toBe(3);
  });

  it('refuses verification delays that are not a list of waits', () => {
    for (const delays of [[], [-1], [0.5], [700_000]])
      expect(() => createOffboarder({ providers, env, verifyDelaysMs: delays })).toThrow(/verifyDelaysMs/);
  });
});
