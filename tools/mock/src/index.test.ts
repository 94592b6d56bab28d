import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverSpecs, isAlive, joinSpecs, prismProcessesOn, startMocks } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('joinSpecs', () => {
  const spec = (path: string, schema: object) => ({
    openapi: '3.1.0',
    servers: [{ url: 'https://api.example.com' }],
    paths: { [path]: { get: { operationId: path } } },
    components: { schemas: { Error: schema } },
  });

  it('joins the paths of specs served from one origin, sharing identical components', () => {
    const joined = joinSpecs([spec('/a', { type: 'object' }), spec('/b', { type: 'object' })]);
    expect(Object.keys(joined.paths as object)).toEqual(['/a', '/b']);
    expect(joined.components).toEqual({ schemas: { Error: { type: 'object' } } });
  });

  it('refuses to pick between two different definitions of one component or operation', () => {
    expect(() => joinSpecs([spec('/a', { type: 'object' }), spec('/b', { type: 'string' })])).toThrow(
      'components.schemas.Error differs',
    );
    expect(() =>
      joinSpecs([spec('/a', { type: 'object' }), { paths: { '/a': { get: { operationId: 'other' } } } }]),
    ).toThrow('get /a is in both');
  });
});

describe('startMocks', () => {
  it('serves every bundled spec, validates requests, and leaves nothing behind', async () => {
    const specs = await discoverSpecs(repoRoot);
    expect(specs.map((spec) => spec.name)).toEqual([
      'cloudflare-access',
      'gcore-iam',
      'gcore-iam-reseller',
      'liveperson-users',
      'nscale-identity',
    ]);
    const mocks = await startMocks(specs);
    // Gcore's two specs share api.gcore.com in production, so one mock serves both.
    expect(mocks.mocks['gcore-iam']!.url).toBe(mocks.mocks['gcore-iam-reseller']!.url);
    expect(new Set(Object.values(mocks.mocks).map((mock) => mock.pid)).size).toBe(4);
    const nscale = mocks.mocks['nscale-identity']!;
    try {
      const bad = await fetch(`${nscale.url}/api/v1/organizations/not-a-uuid/users`, {
        headers: { authorization: 'Bearer t' },
      });
      expect(bad.status).toBe(422);
      expect(prismProcessesOn(nscale.port)).toEqual([nscale.pid]);
    } finally {
      await mocks.stop();
    }
    for (const mock of Object.values(mocks.mocks)) {
      expect(isAlive(mock.pid)).toBe(false);
      expect(prismProcessesOn(mock.port)).toEqual([]);
    }
  });

  it('fails clearly, and stops the others, when a spec cannot be served', async () => {
    const [good] = await discoverSpecs(repoRoot);
    await expect(
      startMocks([good!, { name: 'missing', file: path.join(repoRoot, 'no-such-spec.json') }]),
    ).rejects.toThrow(/prism mock missing/);
  });

  it('kills its mocks when the process running them gets Ctrl-C', async () => {
    const script = `
      import { discoverSpecs, startMocks } from ${JSON.stringify(path.join(repoRoot, 'tools/mock/src/index.ts'))};
      const mocks = await startMocks((await discoverSpecs(${JSON.stringify(repoRoot)})).slice(0, 2));
      console.log(JSON.stringify(Object.values(mocks.mocks)));
      setInterval(() => {}, 1000);
    `;
    // One node process (tsx as a loader, not its CLI, which would add a parent in between).
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('\n')) resolve(output.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`child exited ${String(code)} before starting mocks`)));
    });
    const started = JSON.parse(line) as { pid: number; port: number }[];
    expect(started).toHaveLength(2);
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    // SIGKILL is asynchronous: give the kernel a moment, then nothing may be left.
    for (let waited = 0; waited < 5000 && started.some((mock) => isAlive(mock.pid)); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const mock of started) {
      expect(isAlive(mock.pid)).toBe(false);
      expect(prismProcessesOn(mock.port)).toEqual([]);
    }
  });
});
