// The README's main job: start a Prism mock of every spec on free loopback ports, run the real
// `offboard` CLI against them — a saved plan of the sample batch (targets by id) and its apply,
// then plan and apply for one person by email in every account of the demo config, journaled,
// and the evidence report of that apply — print what it prints, and stop every mock, whatever
// happens. In front of each mock a layer remembers deletes (delete-memory.ts), so the reads
// that verify each delete see it; each part starts from the specs' examples.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverSpecs, startMocks } from '@offboard/mock';
import { repoRoot } from '@offboard/test-utils';
import { type DeleteMemory, startDeleteMemory } from './delete-memory.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sample = path.join(here, '../sample.csv');
const accounts = path.join(here, '../demo-accounts.yaml');
const offboardBin = path.join(repoRoot, 'packages/offboard/bin/offboard.js');

/** The person offboarded by email: the specs' examples put them in every account of demo-accounts.yaml. */
export const DEMO_EMAIL = 'jordan.lee@example.com';

/** The demo's own files (plans, journals) live in a temporary directory, shown as $DEMO_DIR. */
const DEMO_DIR = '$DEMO_DIR';

/** What the demo runs, part by part: each part's heading and its `offboard` commands. */
function parts(
  dir: string,
): readonly { readonly heading: string; readonly commands: readonly (readonly string[])[] }[] {
  const batchPlan = path.join(dir, 'batch-plan.json');
  const journal = path.join(dir, 'jordan.jsonl');
  return [
    {
      heading: `A batch of targets by id (${path.relative(repoRoot, sample)}): a saved plan, applied exactly`,
      commands: [
        ['plan', '--batch', sample, '--revoke-tokens', '--out', batchPlan],
        ['apply', '--plan', batchPlan, '--journal', path.join(dir, 'batch.jsonl')],
      ],
    },
    {
      heading: `One person by email, searched in every account of ${path.relative(repoRoot, accounts)}, and the evidence`,
      commands: [
        ['plan', '--email', DEMO_EMAIL, '--config', accounts],
        [
          'apply',
          '--email',
          DEMO_EMAIL,
          '--config',
          accounts,
          '--revoke-tokens',
          '--journal',
          journal,
          '--operator',
          'demo-operator',
          '--ticket',
          'HR-1234',
        ],
        ['report', journal],
      ],
    },
  ];
}

/** Runs the CLI with `args`, streaming its output; resolves with its exit code. */
export function runOffboard(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [offboardBin, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** A command as a reader would type it from the repository root. */
function shown(args: readonly string[], dir: string): string {
  const show = (arg: string) =>
    arg.startsWith(dir)
      ? `${DEMO_DIR}${arg.slice(dir.length)}`
      : path.isAbsolute(arg)
        ? path.relative(repoRoot, arg)
        : arg;
  return ['offboard', ...args.map(show)].join(' ');
}

export async function demo(): Promise<number> {
  const mocks = await startMocks(await discoverSpecs(repoRoot));
  const memories = new Map<string, DeleteMemory>();
  const dir = await mkdtemp(path.join(tmpdir(), 'offboard-demo-'));
  try {
    for (const [name, mock] of Object.entries(mocks.mocks)) memories.set(name, await startDeleteMemory(mock.url));
    const url = (name: string) => memories.get(name)!.url;
    process.stdout.write(
      `Prism mocks up in ${mocks.startupMs} ms: ${Object.values(mocks.mocks)
        .map((mock) => `${mock.name} ${mock.url}`)
        .join(', ')}\n` +
        'They answer with the examples of the specs and keep no state; a layer in front of each remembers the deletes of a part,\n' +
        'so the reads that verify them see them. Each part starts from the examples again.\n',
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // The batch runs would otherwise read the caller's config (its accounts' credentials and
      // base URLs), not the mocks; an undefined variable is not passed on.
      OFFBOARD_CONFIG: undefined,
      GCORE_API_KEY: 'demo-gcore-key',
      GCORE_BASE_URL: url('gcore-iam'),
      CLOUDFLARE_API_TOKEN: 'demo-cloudflare-token',
      CLOUDFLARE_BASE_URL: url('cloudflare-access'),
      NSCALE_ACCESS_TOKEN: 'demo-nscale-token',
      NSCALE_BASE_URL: url('nscale-identity'),
      LIVEPERSON_ACCESS_TOKEN: 'demo-liveperson-token',
      LIVEPERSON_BASE_URL: url('liveperson-users'),
    };
    const failed: string[] = [];
    for (const { heading, commands } of parts(dir)) {
      for (const memory of memories.values()) memory.forget();
      process.stdout.write(`\n## ${heading}\n`);
      for (const args of commands) {
        process.stdout.write(`\n$ ${shown(args, dir)}\n`);
        const code = await runOffboard(args, env);
        process.stdout.write(`exit ${code}\n`);
        if (code !== 0) failed.push(`${shown(args, dir)} exited ${code}`);
      }
    }
    process.stdout.write(
      failed.length === 0
        ? `\ndemo: every command exited 0\n`
        : `\ndemo failed: ${failed.join('; ')} (see packages/offboard/README.md for exit codes)\n`,
    );
    return failed.length === 0 ? 0 : 1;
  } finally {
    await Promise.all([...memories.values()].map((memory) => memory.close()));
    await mocks.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await demo();
}
