// The README's main job: start a Prism mock of every spec on free loopback ports, run the real
// `offboard` CLI against them — plan, then apply, on the sample batch (targets by id), then plan,
// then apply, for one person by email in every account of the demo config — print what it
// prints, and stop every mock, whatever happens.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverSpecs, startMocks } from '@offboard/mock';
import { repoRoot } from '@offboard/test-utils';

const here = path.dirname(fileURLToPath(import.meta.url));
const sample = path.join(here, '../sample.csv');
const accounts = path.join(here, '../demo-accounts.yaml');
const offboardBin = path.join(repoRoot, 'packages/offboard/bin/offboard.js');

/** The person offboarded by email: the specs' examples put them in every account of demo-accounts.yaml. */
export const DEMO_EMAIL = 'jordan.lee@example.com';

/** What the demo runs, part by part: each part's heading and its `offboard` commands. */
const PARTS: readonly { readonly heading: string; readonly commands: readonly (readonly string[])[] }[] = [
  {
    heading: `A batch of targets by id (${path.relative(repoRoot, sample)})`,
    commands: [
      ['plan', '--batch', sample],
      ['apply', '--batch', sample, '--revoke-tokens'],
    ],
  },
  {
    heading: `One person by email, searched in every account of ${path.relative(repoRoot, accounts)}`,
    commands: [
      ['plan', '--email', DEMO_EMAIL, '--config', accounts],
      ['apply', '--email', DEMO_EMAIL, '--config', accounts, '--revoke-tokens'],
    ],
  },
];

/** Runs the CLI with `args`, streaming its output; resolves with its exit code. */
export function runOffboard(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [offboardBin, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** A command as a reader would type it from the repository root. */
function shown(args: readonly string[]): string {
  return ['offboard', ...args.map((arg) => (path.isAbsolute(arg) ? path.relative(repoRoot, arg) : arg))].join(' ');
}

export async function demo(): Promise<number> {
  const mocks = await startMocks(await discoverSpecs(repoRoot));
  try {
    const url = (name: string) => mocks.mocks[name]!.url;
    process.stdout.write(
      `Prism mocks up in ${mocks.startupMs} ms: ${Object.values(mocks.mocks)
        .map((mock) => `${mock.name} ${mock.url}`)
        .join(', ')}\n` +
        'They answer with the examples of the specs and keep no state: a user deleted by one command is still there for the next.\n',
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
    for (const { heading, commands } of PARTS) {
      process.stdout.write(`\n## ${heading}\n`);
      for (const args of commands) {
        process.stdout.write(`\n$ ${shown(args)}\n`);
        const code = await runOffboard(args, env);
        process.stdout.write(`exit ${code}\n`);
        if (code !== 0) failed.push(`${shown(args)} exited ${code}`);
      }
    }
    process.stdout.write(
      failed.length === 0
        ? `\ndemo: every command exited 0\n`
        : `\ndemo failed: ${failed.join('; ')} (see packages/offboard/README.md for exit codes)\n`,
    );
    return failed.length === 0 ? 0 : 1;
  } finally {
    await mocks.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await demo();
}
