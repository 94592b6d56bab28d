// The README's main job: start a Prism mock of every spec on free loopback ports, run the real
// `offboard` CLI (plan, then apply) on the sample batch against them, print the results, and
// stop every mock, whatever happens.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverSpecs, startMocks } from '@offboard/mock';
import { repoRoot } from '@offboard/test-utils';

const here = path.dirname(fileURLToPath(import.meta.url));
const sample = path.join(here, '../sample.csv');
const offboardBin = path.join(repoRoot, 'packages/offboard/bin/offboard.js');

/** Runs the CLI with `args`, streaming its output; resolves with its exit code. */
export function runOffboard(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [offboardBin, ...args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export async function demo(): Promise<number> {
  const mocks = await startMocks(await discoverSpecs(repoRoot));
  try {
    const url = (name: string) => mocks.mocks[name]!.url;
    process.stdout.write(
      `Prism mocks up in ${mocks.startupMs} ms: ${Object.values(mocks.mocks)
        .map((mock) => `${mock.name} ${mock.url}`)
        .join(', ')}\n`,
    );
    const env = {
      ...process.env,
      GCORE_API_KEY: 'demo-gcore-key',
      GCORE_BASE_URL: url('gcore-iam'),
      CLOUDFLARE_API_TOKEN: 'demo-cloudflare-token',
      CLOUDFLARE_BASE_URL: url('cloudflare-access'),
      NSCALE_ACCESS_TOKEN: 'demo-nscale-token',
      NSCALE_BASE_URL: url('nscale-identity'),
      LIVEPERSON_ACCESS_TOKEN: 'demo-liveperson-token',
      LIVEPERSON_BASE_URL: url('liveperson-users'),
    };
    process.stdout.write(`\n$ offboard plan --batch ${path.relative(repoRoot, sample)}\n`);
    const planned = await runOffboard(['plan', '--batch', sample], env);
    process.stdout.write(`\n$ offboard apply --batch ${path.relative(repoRoot, sample)} --revoke-tokens\n`);
    const applied = await runOffboard(['apply', '--batch', sample, '--revoke-tokens'], env);
    return planned === 0 && applied === 0 ? 0 : 1;
  } finally {
    await mocks.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await demo();
}
