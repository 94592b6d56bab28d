import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverSpecs, isAlive, isListening, joinSpecs, startMocks } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Child processes of this one that Node still tracks (each is a ProcessWrap until it has exited). */
const childProcesses = () => process.getActiveResourcesInfo().filter((type) => type === 'ProcessWrap').length;

/** Polls `check` until it holds or `ms` pass; a handle of an exited child closes a tick later. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 1_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check()) && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Still running: alive, and not a zombie. An orphaned Prism that exited stays a zombie until init
 * reaps it, and some container inits never do; `ps` tells (every POSIX system has it).
 */
function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  if (process.platform === 'win32') return true;
  const state = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return state !== '' && !state.startsWith('Z');
}

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
      for (const mock of Object.values(mocks.mocks)) expect(await isListening(mock.port)).toBe(true);
    } finally {
      await mocks.stop();
    }
    for (const mock of Object.values(mocks.mocks)) {
      expect(isAlive(mock.pid)).toBe(false);
      expect(await isListening(mock.port)).toBe(false);
    }
  });

  it("fails with the broken spec's name and Prism's output, and stops the others", async () => {
    const before = childProcesses();
    const good = (await discoverSpecs(repoRoot)).find((spec) => spec.name === 'nscale-identity')!;
    await expect(
      startMocks([good, { name: 'missing', file: path.join(repoRoot, 'no-such-spec.json') }]),
    ).rejects.toThrow(/^prism mock missing exited with code 1 before listening\n[\s\S]*Error opening file/);
    await eventually(() => childProcesses() === before);
    expect(childProcesses()).toBe(before);
  });

  // The owner ends without calling stop(): Ctrl-C (no handler: Node dies of the signal, no 'exit'
  // event), or SIGKILL. Each Prism notices its stdin pipe close and exits (exit-with-parent.cjs).
  it.each(['SIGINT', 'SIGKILL'] as const)('leaves no mock running when their owner gets %s', async (signal) => {
    const script = `
      import { discoverSpecs, startMocks } from ${JSON.stringify(path.join(repoRoot, 'tools/mock/src/index.ts'))};
      const specs = (await discoverSpecs(${JSON.stringify(repoRoot)})).filter((spec) => spec.name.startsWith('nscale'));
      const mocks = await startMocks(specs);
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
    expect(started).toHaveLength(1);
    for (const mock of started) expect(isRunning(mock.pid)).toBe(true);
    child.kill(signal);
    await new Promise((resolve) => child.once('exit', resolve));
    // The orphans notice and exit on their own time; a process tearing down can show as a zombie
    // a moment before its socket is closed.
    const gone = async () => {
      for (const mock of started) if (isRunning(mock.pid) || (await isListening(mock.port))) return false;
      return true;
    };
    await eventually(gone, 10_000);
    for (const mock of started) {
      expect(isRunning(mock.pid)).toBe(false);
      expect(await isListening(mock.port)).toBe(false);
    }
  });
});
