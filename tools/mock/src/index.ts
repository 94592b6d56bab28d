// Prism mocks of the bundled specs (packages/*/openapi.json), started in parallel on free
// loopback ports and stopped together. Prism's own bin is started with node (never through npx,
// whose death would leave Prism running), with request validation on and `--errors`, so a request
// or a documented example that breaks the spec is an error, not a warning.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import path from 'node:path';

export interface MockSpec {
  readonly name: string;
  readonly file: string;
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
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when something accepts connections on the loopback port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
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
  const child = spawn(process.execPath, [prismBin, 'mock', '--host', '127.0.0.1', '--port', String(port), '--errors', spec.file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  live.add(child);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`prism mock ${spec.name} exited (${String(code)}) before listening:\n${output.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`prism mock ${spec.name} did not listen within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs).unref();
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

/** Starts one Prism mock per spec, in parallel. If any fails to start, the others are stopped. */
export async function startMocks(specs: readonly MockSpec[], { timeoutMs = 30_000 } = {}): Promise<Mocks> {
  installExitHook();
  const started = Date.now();
  const results = await Promise.allSettled(specs.map((spec) => startOne(spec, timeoutMs)));
  const running = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(running.map(({ child }) => stopChild(child)));
    throw failure.reason;
  }
  const startupMs = Date.now() - started;
  return {
    mocks: Object.fromEntries(running.map(({ mock }) => [mock.name, mock])),
    startupMs,
    async stop() {
      await Promise.all(running.map(({ child }) => stopChild(child)));
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
