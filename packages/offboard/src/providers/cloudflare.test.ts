import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type FakeProviders, startFakeProviders } from '../../test/fake-providers.js';
import { runOne, stepsOf } from '../../test/harness.js';
import { canonicalTarget } from '../offboard.js';
import type { Target } from '../types.js';

const account = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const user = '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b';
const target: Target = { provider: 'cloudflare', account, user };
let fake: FakeProviders;

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  fake.state.cloudflare.add(`${account}/${user}`);
});
afterEach(() => fake.close());

describe('cloudflare provider', () => {
  it('deletes with one DELETE answered 202, then reports already-absent (404 envelope)', async () => {
    const result = await runOne(fake, 'apply', target);
    expect(result.outcome).toBe('deleted');
    expect(stepsOf(result)).toEqual([
      `DELETE /accounts/${account}/access/users/${user} 202`,
      `GET /accounts/${account}/access/users/${user} 404`,
    ]);
    expect(result.verified).toBe(true);
    const again = await runOne(fake, 'apply', target);
    expect(again).toMatchObject({
      outcome: 'already-absent',
      verified: true,
      steps: [
        { method: 'DELETE', status: 404 },
        { method: 'GET', status: 404 },
      ],
    });
  });

  it('sends the API token as a bearer', async () => {
    await runOne(fake, 'apply', target);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer cloudflare-secret-token-0002');
  });

  it('refuses an account id over 32 characters or a user id that is not a UUID', () => {
    expect(() => canonicalTarget({ ...target, account: `${account}0` })).toThrow(/cloudflare: account .* at most 32/);
    expect(() => canonicalTarget({ ...target, user: '42' })).toThrow(
      /cloudflare: user "42" is not valid: user_id must be a UUID/,
    );
  });
});
