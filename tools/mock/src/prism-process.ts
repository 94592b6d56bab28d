// One Prism mock process: started from Prism's own bin with node (never through npx, whose death
// would leave Prism running), on a port the OS picks as Prism binds it, and tracked by its
// ChildProcess until it has exited. Nothing here reads the process table, so it runs wherever
// Node does.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const prismPackage = require.resolve('@stoplight/prism-cli/package.json');
/** The file Prism's package.json names as its `prism` bin. */
export const prismBin = path.join(
  path.dirname(prismPackage),
  (require(prismPackage) as { bin: { prism: string } }).bin.prism,
);
const exitWithParent = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));

/**
 * Prism logs this once its server listens, with the address the OS gave it (`--port 0`):
 * createServer.js in @stoplight/prism-cli, `Prism is listening on ${address}`.
 */
const LISTENING = /Prism is listening on (http:\/\/\S+)/;

/** On POSIX each Prism leads its own process group, so a signal reaches anything it forks. */
const ownGroup = process.platform !== 'win32';

/** How much of each output stream is kept for error messages. */
const KEEP = 8_000;

export interface PrismExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface PrismProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** How the process ended, once it has (and been reaped); undefined while it runs. */
  readonly exit: PrismExit | undefined;
  /** The last few kilobytes Prism wrote to stderr, then to stdout. */
  outputTail(): string;
  /**
   * SIGTERM (to its process group on POSIX), SIGKILL after `graceMs`; resolves once it has exited.
   * Does nothing to a process that has already exited, whose pid may belong to another by now.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface StartPrismOptions {
  /** Names the mock in errors. */
  readonly name: string;
  /** How long Prism may take to report it listens before it is stopped and start fails. */
  readonly timeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * When this process exits without stopping its mocks (process.exit, vitest's Ctrl-C handling),
 * they are killed on the way out. A death without an 'exit' event (a signal nobody handles,
 * SIGKILL) is covered in each Prism by exit-with-parent.cjs.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) signal(child, 'SIGKILL');
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  // An exited child has been reaped, and its pid may already be another process's.
  if (hasExited(child) || child.pid === undefined) return;
  try {
    if (ownGroup) process.kill(-child.pid, name);
    else child.kill(name);
  } catch {
    // It exited in the meantime.
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function describeExit(exit: PrismExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;
}

/** Starts Prism on `document`; resolves once it listens, rejects (with its output) if it cannot. */
export async function startPrism(
  document: string,
  { name, timeoutMs = 30_000 }: StartPrismOptions,
): Promise<PrismProcess> {
  installExitHook();
  const child = spawn(
    process.execPath,
    [
      '--require',
      exitWithParent,
      prismBin,
      'mock',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      // One process: Prism forks a log worker when asked to, or when NODE_ENV is production.
      '--no-multiprocess',
      '--errors',
      document,
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: ownGroup,
      windowsHide: true,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  live.add(child);
  let exit: PrismExit | undefined;
  const exited = new Promise<PrismExit>((resolve) => {
    child.once('exit', (code, signalName) => {
      live.delete(child);
      exit = { code, signal: signalName };
      resolve(exit);
    });
  });
  // Output may still be in the pipes when 'exit' fires; 'close' means it has all been read.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // Never written to: its end, when this process is gone, is what exit-with-parent.cjs waits for.
  child.stdin.on('error', () => {});

  let stdout = '';
  let stderr = '';
  const lastLines = (text: string, count: number) => text.trim().split('\n').slice(-count).join('\n');
  const outputTail = () =>
    [
      stderr.trim() && `stderr (last lines):\n${lastLines(stderr, 20)}`,
      stdout.trim() && `stdout (last lines):\n${lastLines(stdout, 5)}`,
    ]
      .filter(Boolean)
      .join('\n') || '(Prism wrote nothing)';

  const stop = async (graceMs = 3_000): Promise<void> => {
    if (child.pid === undefined) return; // never started
    signal(child, 'SIGTERM');
    if (await within(exited, graceMs)) return;
    signal(child, 'SIGKILL');
    if (await within(exited, 5_000)) return;
    throw new Error(`prism mock ${name}: pid ${String(child.pid)} still running after SIGKILL`);
  };

  const port = await new Promise<number>((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`prism mock ${name} ${message}\n${outputTail()}`));
    };
    const timer = setTimeout(
      () => fail(`did not report listening within ${timeoutMs} ms (waiting for "Prism is listening on")`),
      timeoutMs,
    );
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = (stream === 'stdout' ? stdout : stderr) + chunk.toString();
      const listening = LISTENING.exec(text);
      if (stream === 'stdout') stdout = text.slice(-KEEP);
      else stderr = text.slice(-KEEP);
      if (listening && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve(Number(new URL(listening[1]!).port));
      }
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
    exited.then(async (how) => {
      if (settled) return;
      await within(closed, 500);
      fail(`${describeExit(how)} before listening`);
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return {
    name,
    pid: child.pid!,
    port,
    get exit() {
      return exit;
    },
    outputTail,
    stop,
  };
}

/**
 * True while a process with this pid exists (another user's included). A zombie counts: it has
 * exited but its parent has not reaped it yet. Children of this process are reaped by Node as
 * they exit, so for them false means gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True if something accepts a TCP connection on 127.0.0.1:`port`, or the attempt neither
 * succeeds nor is refused within `timeoutMs`: only a refusal proves nothing listens there.
 */
export function isListening(port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(timeoutMs, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
