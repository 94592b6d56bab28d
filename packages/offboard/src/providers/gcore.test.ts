import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type FakeProviders, startFakeProviders } from '../../test/fake-providers.js';
import { runOne, stepsOf } from '../../test/harness.js';
import type { Target } from '../types.js';

const target: Target = { provider: 'gcore', account: '100', user: '7' };
let fake: FakeProviders;

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
});
afterEach(() => fake.close());

const inAccounts = (user: number, ...accounts: number[]) => fake.state.gcore.users.set(user, new Set(accounts));

describe('gcore provider', () => {
  it('deletes the user when the target account is the only one', async () => {
    inAccounts(7, 100);
    const result = await runOne(fake, 'apply', target);
    expect(result.outcome).toBe('deleted');
    expect(stepsOf(result)).toEqual([
      'GET /iam/clients/100/client-users/7 200',
      'GET /iam/users?limit=100&offset=0 200',
      'GET /iam/v2/clients/100/tokens?issued_by=7 200',
      'DELETE /iam/users/7 200',
      'GET /iam/users/7 404',
    ]);
    expect(result.verified).toBe(true);
    expect(fake.state.gcore.users.has(7)).toBe(false);
  });

  it('only revokes the target account when the user has others', async () => {
    inAccounts(7, 100, 200);
    const result = await runOne(fake, 'apply', target);
    expect(result.outcome).toBe('removed');
    expect(result.reason).toMatch(/keeps access to accounts 200/);
    expect(fake.count('DELETE', '/iam/clients/100/client-users/7')).toBe(1);
    expect(fake.count('DELETE', '/iam/users/7')).toBe(0);
    expect([...fake.state.gcore.users.get(7)!]).toEqual([200]);
  });

  it('finds the user on a later page of the user list', async () => {
    for (let id = 1; id <= 150; id++) inAccounts(id, 999);
    inAccounts(170, 100, 200);
    const result = await runOne(fake, 'apply', { ...target, user: '170' });
    expect(result.outcome).toBe('removed');
    expect(stepsOf(result)).toContain('GET /iam/users?limit=100&offset=100 200');
  });

  it('is blocked by the tokens the user issued, and sends no delete, without --revoke-tokens', async () => {
    inAccounts(7, 100);
    fake.state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 }, { id: 42, account: 100, issuer: 7 });
    const result = await runOne(fake, 'apply', target);
    expect(result.outcome).toBe('blocked');
    expect(result.reason).toMatch(/account 100: 41, 42.*--revoke-tokens/);
    expect(fake.count('DELETE')).toBe(0);
  });

  it('deletes only the user’s own tokens first with --revoke-tokens, even if the filter is ignored', async () => {
    inAccounts(7, 100);
    fake.state.gcore.ignoreIssuedByFilter = true;
    fake.state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 }, { id: 50, account: 100, issuer: 8 });
    const result = await runOne(fake, 'apply', target, { revokeTokens: true });
    expect(result.outcome).toBe('deleted');
    expect(stepsOf(result).slice(-3)).toEqual([
      'DELETE /iam/v2/clients/100/tokens/41 204',
      'DELETE /iam/users/7 200',
      'GET /iam/users/7 404',
    ]);
    expect(fake.state.gcore.tokens.find((token) => token.id === 50)?.deleted).toBeUndefined();
  });

  it('with --all-accounts revokes every other account (and its tokens), then deletes the user', async () => {
    inAccounts(7, 100, 200, 300);
    fake.state.gcore.tokens.push({ id: 61, account: 300, issuer: 7 });
    const result = await runOne(fake, 'apply', target, { allAccounts: true, revokeTokens: true });
    expect(result.outcome).toBe('deleted');
    expect(stepsOf(result).filter((step) => step.startsWith('DELETE'))).toEqual([
      'DELETE /iam/clients/200/client-users/7 200',
      'DELETE /iam/v2/clients/300/tokens/61 204',
      'DELETE /iam/clients/300/client-users/7 200',
      'DELETE /iam/users/7 200',
    ]);
    expect(stepsOf(result).at(-1)).toBe('GET /iam/users/7 404');
    expect(result.verified).toBe(true);
    expect(fake.state.gcore.users.has(7)).toBe(false);
  });

  it('with --all-accounts but tokens in another account, is blocked until --revoke-tokens', async () => {
    inAccounts(7, 100, 200);
    fake.state.gcore.tokens.push({ id: 61, account: 200, issuer: 7 });
    const result = await runOne(fake, 'apply', target, { allAccounts: true });
    expect(result.outcome).toBe('blocked');
    expect(result.reason).toMatch(/account 200: 61/);
    expect(fake.count('DELETE')).toBe(0);
  });

  it('turns a 403 about tokens that appeared meanwhile into blocked, naming --revoke-tokens', async () => {
    inAccounts(7, 100);
    fake.faults.push({
      method: 'DELETE',
      path: /^\/iam\/users\/7$/,
      status: 403,
      body: { message: "You can't remove the user as they have active tokens" },
      times: 1,
    });
    const result = await runOne(fake, 'apply', target);
    expect(result).toMatchObject({ outcome: 'blocked', reason: expect.stringMatching(/--revoke-tokens/) });
  });

  it('turns a 403 about several accounts into blocked, naming --all-accounts', async () => {
    inAccounts(7, 100);
    fake.faults.push({
      method: 'DELETE',
      path: /^\/iam\/users\/7$/,
      status: 403,
      body: { message: 'Cannot delete user with multiple accounts.' },
      times: 1,
    });
    const result = await runOne(fake, 'apply', target);
    expect(result).toMatchObject({ outcome: 'blocked', reason: expect.stringMatching(/--all-accounts/) });
  });

  it('reports any other 403 as failed, with the provider message', async () => {
    inAccounts(7, 100);
    fake.faults.push({
      method: 'DELETE',
      path: /^\/iam\/users\/7$/,
      status: 403,
      body: { message: 'You do not have permission to perform this action.' },
      times: 1,
    });
    const result = await runOne(fake, 'apply', target);
    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/403 .*permission/) });
  });

  it('reports already-absent for a user who is not in the account, and on a rerun', async () => {
    inAccounts(7, 100);
    expect((await runOne(fake, 'apply', target)).outcome).toBe('deleted');
    const again = await runOne(fake, 'apply', target);
    expect(again.outcome).toBe('already-absent');
    expect(fake.count('DELETE')).toBe(1);
  });

  it('plans without writing: reads only, the writes listed unsent', async () => {
    inAccounts(7, 100);
    fake.state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 });
    const result = await runOne(fake, 'plan', target, { revokeTokens: true });
    expect(result.outcome).toBe('planned');
    expect(result.reason).toBe('would end deleted');
    expect(stepsOf(result).slice(-2)).toEqual(['DELETE /iam/v2/clients/100/tokens/41 -', 'DELETE /iam/users/7 -']);
    expect(fake.count('DELETE')).toBe(0);
  });

  it('rides out 503 twice and a 429 with Retry-After (retries come from the client runtime)', async () => {
    inAccounts(7, 100);
    fake.faults.push(
      { method: 'GET', path: /^\/iam\/users$/, status: 503, times: 2 },
      { method: 'DELETE', path: /^\/iam\/users\/7$/, status: 429, headers: { 'retry-after': '1' }, times: 1 },
    );
    const started = Date.now();
    const result = await runOne(fake, 'apply', target);
    expect(result.outcome).toBe('deleted');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.count('GET', '/iam/users')).toBe(3);
    expect(fake.count('DELETE', '/iam/users/7')).toBe(2);
  });
});
