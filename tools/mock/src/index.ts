// Prism mocks of the bundled specs (packages/*/openapi.json), started in parallel and stopped
// together. Each runs with request validation on and `--errors`, so a request or a documented
// example that breaks the spec is an error, not a warning. How one Prism process is started,
// watched and stopped is in prism-process.ts.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describeExit, isAlive, isListening, type PrismProcess, startPrism } from './prism-process.js';

export { isAlive, isListening, prismBin } from './prism-process.js';

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
  /**
   * Stops every mock (SIGTERM, SIGKILL after the grace period) and waits for each to exit;
   * rejects if a pid is still alive or a port still accepts connections afterwards, or if a mock
   * had crashed before it was asked to stop.
   */
  stop(): Promise<void>;
}

export interface StartMocksOptions {
  /** How long each Prism may take to report it listens. Default 30 s. */
  readonly timeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 3 s. */
  readonly graceMs?: number;
}

/** Every package that ships a bundled spec (`openapi.json`), by package directory name. */
export async function discoverSpecs(repoRoot: string): Promise<MockSpec[]> {
  const packagesDir = path.join(repoRoot, 'packages');
  const names = (await readdir(packagesDir)).sort();
  return names
    .map((name) => ({ name, file: path.join(packagesDir, name, 'openapi.json') }))
    .filter((spec) => existsSync(spec.file));
}

async function stopAll(processes: readonly PrismProcess[], graceMs: number): Promise<void> {
  const results = await Promise.allSettled(processes.map((prism) => prism.stop(graceMs)));
  const left: string[] = results.flatMap((result) =>
    result.status === 'rejected' ? [String((result.reason as Error).message)] : [],
  );
  for (const prism of processes) {
    if (isAlive(prism.pid)) left.push(`${prism.name}: pid ${prism.pid} still running`);
    if (await isListening(prism.port)) left.push(`${prism.name}: port ${prism.port} still accepts connections`);
  }
  if (left.length > 0) throw new Error(`mocks left behind: ${left.join('; ')}`);
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
 * Starts the Prism mocks, in parallel: one per production origin (usually one per spec), each on
 * a port the OS assigns as Prism binds it, so concurrent runs (vitest processes, a demo beside a
 * test run) never collide. Every spec name maps to the URL serving it. If any fails to start
 * (it exits early, or does not listen within `timeoutMs`), the others are stopped and the error
 * carries that Prism's output.
 */
export async function startMocks(
  specs: readonly MockSpec[],
  { timeoutMs = 30_000, graceMs = 3_000 }: StartMocksOptions = {},
): Promise<Mocks> {
  const started = Date.now();
  const groups = await servedSpecs(specs);
  const temporary = groups.flatMap((group) => (group.cleanup ? [group.cleanup] : []));
  const removeTemporary = () => Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
  const results = await Promise.allSettled(
    groups.map((group) => startPrism(group.served.file, { name: group.served.name, timeoutMs })),
  );
  const running = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    const reason = failure.reason as Error;
    await stopAll(running, graceMs)
      .catch((error: Error) => {
        reason.message += `\n(and stopping the others: ${error.message})`;
      })
      .finally(removeTemporary);
    throw reason;
  }
  const startupMs = Date.now() - started;
  const mocks: Record<string, RunningMock> = {};
  for (const [index, group] of groups.entries()) {
    const prism = running[index]!;
    for (const name of group.names) {
      mocks[name] = { name, url: `http://127.0.0.1:${prism.port}`, port: prism.port, pid: prism.pid };
    }
  }
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // A mock that died during the run is worth saying, even though there is nothing to stop.
    const crashed = running.flatMap((prism) =>
      prism.exit ? [`prism mock ${prism.name} ${describeExit(prism.exit)} during the run:\n${prism.outputTail()}`] : [],
    );
    await stopAll(running, graceMs).finally(removeTemporary);
    if (crashed.length > 0) throw new Error(crashed.join('\n'));
  };
  return {
    mocks,
    startupMs,
    // Once: a second call must not probe pids that may belong to other processes by now.
    stop: () => (stopping ??= stop()),
  };
}
