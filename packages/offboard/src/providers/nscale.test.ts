import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type FakeProviders, startFakeProviders } from '../../test/fake-providers.js';
import { offboarderFor, runOne, stepsOf } from '../../test/harness.js';
import type { Target } from '../types.js';

const organization = '79f64482-1271-44b8-a1d4-d83e418eddf2';
const user = (n: number) => `cef8afbf-976c-4b28-ab01-${String(n).padStart(12, '0')}`;
let fake: FakeProviders;

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  for (let n = 0; n < 10; n++) fake.state.nscale.add(`${organization}/${user(n)}`);
});
afterEach(() => fake.close());

describe('nscale provider', () => {
  const target: Target = { provider: 'nscale', account: organization, user: user(0) };

  it('deletes the organization user, then reports already-absent on a rerun', async () => {
    const result = await runOne(fake, 'apply', target);
    expect(result.outcome).toBe('deleted');
    expect(stepsOf(result)).toEqual([
      `DELETE /api/v1/organizations/${organization}/users/${user(0)} 200`,
      `GET /api/v1/organizations/${organization}/users 200`,
    ]);
    expect(result.verified).toBe(true);
    expect((await runOne(fake, 'apply', target)).outcome).toBe('already-absent');
  });

  it('plans by listing the organization users', async () => {
    const result = await runOne(fake, 'plan', target);
    expect(result).toMatchObject({ outcome: 'planned', reason: 'would end deleted' });
    const absent = await runOne(fake, 'plan', { ...target, user: user(99) });
    expect(absent.reason).toMatch(/would end already-absent/);
    expect(fake.count('DELETE')).toBe(0);
  });

  it('shares one token refresh between concurrent targets', async () => {
    let refreshes = 0;
    const offboarder = offboarderFor(fake, {
      concurrency: 10,
      clients: {
        nscale: {
          accessToken: async () => {
            refreshes++;
            await new Promise((resolve) => setTimeout(resolve, 50));
            return { token: `issued-token-${refreshes}`, expiresAt: Date.now() + 3_600_000 };
          },
        },
      },
    });
    const targets = Array.from(
      { length: 10 },
      (_, n): Target => ({ provider: 'nscale', account: organization, user: user(n) }),
    );
    const results = await offboarder.run('apply', targets);
    offboarder.close();
    expect(results.map((result) => result.outcome)).toEqual(Array(10).fill('deleted'));
    expect(refreshes).toBe(1);
    expect(new Set(fake.requests.map((request) => request.headers.authorization))).toEqual(
      new Set(['Bearer issued-token-1']),
    );
  });
});
