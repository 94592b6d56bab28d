// Runs plan/apply against the fake providers with fast retries, and the CLI in-process; the ids
// the tests share.
import { type CliIO, main } from '../src/cli.js';
import { createOffboarder, type OffboardOptions } from '../src/offboard.js';
import type { Mode, Target, TargetResult } from '../src/types.js';
import { type FakeProviders, fakeEnv } from './fake-providers.js';

/** Retries that wait milliseconds, not seconds. */
export const FAST = { initialRetryDelayMs: 1, maxRetryDelayMs: 5 } as const;
/** FAST for every built-in provider's client. */
export const FAST_CLIENTS = { gcore: FAST, cloudflare: FAST, nscale: FAST, liveperson: FAST } as const;
/** Verification's re-reads, quick: 3 reads over 40 ms. */
export const FAST_VERIFY = [0, 10, 30] as const;

/** Ids that meet the providers' rules. */
export const IDS = {
  cloudflareAccount: '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b',
  organization: '79f64482-1271-44b8-a1d4-d83e418eddf2',
  /** The n-th of a run of distinct UUIDs. */
  uuid: (n: number) => `3f7a2c1e-9b4d-4e6f-8a2b-${String(n).padStart(12, '0')}`,
} as const;

/** A config file (offboard.yaml) with one account of each provider, the ids above. */
export const CONFIG_ALL_FOUR = `accounts:
  - provider: gcore
    account: "100"
  - provider: cloudflare
    account: ${IDS.cloudflareAccount}
  - provider: nscale
    account: ${IDS.organization}
  - provider: liveperson
    account: "12345678"
`;

export function offboarderFor(fake: FakeProviders, options: OffboardOptions = {}) {
  return createOffboarder({
    env: fakeEnv(fake.url),
    clients: FAST_CLIENTS,
    verifyDelaysMs: FAST_VERIFY,
    ...options,
  });
}

export async function runOne(
  fake: FakeProviders,
  mode: Mode,
  target: Target,
  options: OffboardOptions = {},
): Promise<TargetResult> {
  const offboarder = offboarderFor(fake, options);
  try {
    return (await offboarder.run(mode, [target]))[0]!;
  } finally {
    await offboarder.close();
  }
}

export const stepsOf = (result: TargetResult) =>
  result.steps.map((step) => `${step.method} ${step.path} ${step.status ?? '-'}`);

/** The CLI's main() with its output captured; `io` sets where ./offboard.yaml is looked for, or the clock. */
export async function runCli(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options?: CliIO['options'],
  io: Pick<CliIO, 'cwd' | 'now'> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args], {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
    options: { verifyDelaysMs: FAST_VERIFY, ...options },
    ...io,
  });
  return { code, stdout, stderr };
}
