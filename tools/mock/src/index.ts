// Prism mocks of the bundled specs (packages/*/openapi.json), started in parallel on free
// loopback ports and stopped together. Prism's own bin is started with node (never through npx,
// whose death would leave Prism running), with request validation on and `--errors`, so a request
// or a documented example that breaks the spec is an error, not a warning.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

export interface MockSpec {
  readonly name: string;
  readonly file: string;
}

/**
 * Specs whose first server is the same origin in production (Gcore's IAM and IAM Reseller are
 * both api.gcore.com) are served by one mock, as one client base URL must reach both. Their
 * paths and security schemes are joined; a component defined differently by two specs, or the
 * same operation in both, is an error rather than a silent pick.
 */
export function joinSpecs(documents: readonly Record<string, unknown>[]): Record<string, unknown> {
  const [first, ...rest] = documents;
  if (!first) throw new Error('nothing to join');
  const joined = structuredClone(first) as Record<string, Record<string, unknown>>;
  for (const document of rest as Record<string, Record<string, unknown>>[]) {
    for (const [pathName, item] of Object.entries(document.paths ?? {})) {
      joined.paths ??= {};
      joined.paths[pathName] ??= {};
      const target = joined.paths[pathName] as Record<string, unknown>;
      for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
        if (key in target && !isDeepStrictEqual(target[key], value))
          throw new Error(`cannot join specs: ${key} ${pathName} is in both`);
        target[key] = value;
      }
    }
    for (const [section, entries] of Object.entries(
      (document.components ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      joined.components ??= {};
      const components = joined.components as Record<string, Record<string, unknown>>;
      components[section] ??= {};
      const target = components[section];
      for (const [name, value] of Object.entries(entries)) {
        if (name in target && !isDeepStrictEqual(target[name], value))
          throw new Error(`cannot join specs: components.${section}.${name} differs`);
        target[name] = value;
      }
    }
    const tags = [...((joined.tags as unknown as { name: string }[] | undefined) ?? [])];
    for (const tag of (document.tags as unknown as { name: string }[] | undefined) ?? []) {
      if (!tags.some((known) => known.name === tag.name)) tags.push(tag);
    }
    if (tags.length > 0) (joined as Record<string, unknown>).tags = tags;
  }
  return joined;
}

function originOf(document: Record<string, unknown>): string {
  const servers = document.servers as { url?: string }[] | undefined;
  return servers?.[0]?.url ?? '';
}

export interface RunningMock {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
}

export interface Mocks {
  readonly mocks: Readonly<Record<string, RunningMock>>;
  /** Milliseconds from the first spawn until every mock answered. */
  readonly startupMs: number;
  /** Stops every mock; rejects if a process or port is still alive afterwards. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const prismPackage = require.resolve('@stoplight/prism-cli/package.json');
const prismBin = path.join(path.dirname(prismPackage), (require(prismPackage) as { bin: { prism: string } }).bin.prism);

/**
 * Preloaded into each Prism: `@faker-js/faker` is handed over as a stand-in that loads the real
 * module on first use. Prism requires faker (every locale, ~1.4 s of its ~2.3 s start-up CPU
 * here) only to generate dynamic examples, which these mocks serve only when a request asks
 * (`Prefer: dynamic=true`), and then faker loads as before. Five mocks on a 2-core box started
 * in 7.6-13 s without it, 3-5 s with it.
 */
const DEFER_FAKER = `data:text/javascript,${encodeURIComponent(`
import Module from 'node:module';
const load = Module._load;
const lazy = (resolve) => new Proxy({}, {
  get: (_, key) => resolve()[key],
  set: (_, key, value) => Reflect.set(resolve(), key, value),
  has: (_, key) => key in resolve(),
  ownKeys: () => Reflect.ownKeys(resolve()),
  getOwnPropertyDescriptor: (_, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(resolve(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});
Module._load = function (request, parent, isMain) {
  if (request !== '@faker-js/faker') return load.apply(this, arguments);
  let real;
  const module = () => (real ??= load.call(this, request, parent, isMain));
  // json-schema-faker reads faker.default at once (extend('faker', () => faker.default)): defer that too.
  return new Proxy({}, { get: (_, key) => (key === 'default' || key === 'faker' ? lazy(() => module()[key]) : module()[key]) });
};
`)}`;

/** Every package that ships a bundled spec (`openapi.json`), by package directory name. */
export async function discoverSpecs(repoRoot: string): Promise<MockSpec[]> {
  const packagesDir = path.join(repoRoot, 'packages');
  const names = (await readdir(packagesDir)).sort();
  return names
    .map((name) => ({ name, file: path.join(packagesDir, name, 'openapi.json') }))
    .filter((spec) => existsSync(spec.file));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Pids of Prism processes serving `port`, found by their command line. (A bare "is the port
 * open" check can be fooled: another test may be handed the same port a moment later.)
 */
export function prismProcessesOn(port: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('--port');
      if (argv.some((arg) => arg === prismBin) && at >= 0 && argv[at + 1] === String(port) && isAlive(Number(entry))) {
        pids.push(Number(entry));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: whatever ends this process (an uncaught error, Ctrl-C), no Prism outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  if (!(await waitForExit(child, 3000))) {
    child.kill('SIGKILL');
    await waitForExit(child, 3000);
  }
  live.delete(child);
}

async function startOne(spec: MockSpec, timeoutMs: number): Promise<{ mock: RunningMock; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', DEFER_FAKER, prismBin, 'mock', '--host', '127.0.0.1', '--port', String(port), '--errors', spec.file],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  live.add(child);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`prism mock ${spec.name} exited (${String(code)}) before listening:\n${output.slice(-2000)}`)),
    );
    setTimeout(
      () => reject(new Error(`prism mock ${spec.name} did not listen within ${timeoutMs} ms:\n${output.slice(-2000)}`)),
      timeoutMs,
    ).unref();
  });
  try {
    await ready;
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  // Keep draining output so a chatty mock never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return { mock: { name: spec.name, url: `http://127.0.0.1:${port}`, port, pid: child.pid ?? -1 }, child };
}

/** Groups specs by production origin; a group of several is joined into one file to serve. */
async function servedSpecs(
  specs: readonly MockSpec[],
): Promise<{ served: MockSpec; names: string[]; cleanup?: string }[]> {
  const groups = new Map<string, { spec: MockSpec; document: Record<string, unknown> }[]>();
  for (const spec of specs) {
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(await readFile(spec.file, 'utf8')) as Record<string, unknown>;
    } catch {
      // Unreadable: serve it alone and let Prism say what is wrong.
      groups.set(`unreadable:${spec.name}`, [{ spec, document: {} }]);
      continue;
    }
    const origin = originOf(document) || `alone:${spec.name}`;
    groups.set(origin, [...(groups.get(origin) ?? []), { spec, document }]);
  }
  return Promise.all(
    [...groups.values()].map(async (members) => {
      const names = members.map((member) => member.spec.name);
      if (members.length === 1) return { served: members[0]!.spec, names };
      const dir = await mkdtemp(path.join(tmpdir(), 'offboard-mock-'));
      const file = path.join(dir, `${names.join('+')}.json`);
      await writeFile(file, JSON.stringify(joinSpecs(members.map((member) => member.document))));
      return { served: { name: names.join('+'), file }, names, cleanup: dir };
    }),
  );
}

/**
 * Starts the Prism mocks, in parallel: one per production origin (usually one per spec). Every
 * spec name maps to the URL serving it. If any fails to start, the others are stopped.
 */
export async function startMocks(specs: readonly MockSpec[], { timeoutMs = 30_000 } = {}): Promise<Mocks> {
  installExitHook();
  const started = Date.now();
  const groups = await servedSpecs(specs);
  const temporary = groups.flatMap((group) => (group.cleanup ? [group.cleanup] : []));
  const removeTemporary = () => Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
  const results = await Promise.allSettled(groups.map((group) => startOne(group.served, timeoutMs)));
  const running = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(running.map(({ child }) => stopChild(child)));
    await removeTemporary();
    throw failure.reason;
  }
  const startupMs = Date.now() - started;
  const mocks: Record<string, RunningMock> = {};
  for (const [index, group] of groups.entries()) {
    const result = results[index];
    if (result?.status !== 'fulfilled') continue;
    for (const name of group.names) mocks[name] = { ...result.value.mock, name };
  }
  return {
    mocks,
    startupMs,
    async stop() {
      await Promise.all(running.map(({ child }) => stopChild(child)));
      await removeTemporary();
      const left: string[] = [];
      for (const { mock } of running) {
        if (isAlive(mock.pid)) left.push(`${mock.name}: pid ${mock.pid} still running`);
        const serving = prismProcessesOn(mock.port);
        if (serving.length > 0) left.push(`${mock.name}: port ${mock.port} still served by pid ${serving.join(', ')}`);
      }
      if (left.length > 0) throw new Error(`mocks left behind: ${left.join('; ')}`);
    },
  };
}
