// Runs plan/apply against the fake providers with fast retries.
import { createOffboarder, type OffboardOptions } from '../src/offboard.js';
import type { Mode, Target, TargetResult } from '../src/types.js';
import { fakeEnv, type FakeProviders } from './fake-providers.js';

const fast = { initialRetryDelayMs: 1, maxRetryDelayMs: 5 };

export function offboarderFor(fake: FakeProviders, options: OffboardOptions = {}) {
  return createOffboarder({
    env: fakeEnv(fake.url),
    clients: { gcore: fast, cloudflare: fast, nscale: fast, liveperson: fast },
    ...options,
  });
}

export async function runOne(fake: FakeProviders, mode: Mode, target: Target, options: OffboardOptions = {}): Promise<TargetResult> {
  const offboarder = offboarderFor(fake, options);
  try {
    return (await offboarder.run(mode, [target]))[0]!;
  } finally {
    offboarder.close();
  }
}

export const stepsOf = (result: TargetResult) => result.steps.map((step) => `${step.method} ${step.path} ${step.status ?? '-'}`);
