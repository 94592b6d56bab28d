// Where the Prism mocks fall short, and what covers the behaviour instead. Nothing is skipped:
//
// - Prism is stateless. Every call gets its documented answer whatever came before: a user
//   deleted twice is deleted twice, and Gcore's preconditions (delete the user's API tokens,
//   then revoke each account, the last revocation deleting the user) cannot be played out. The
//   flows below run against a stateful fake (stateful-fake.ts) that sends only documented
//   responses. The first test here shows the statelessness.
// - `4XX` range keys (Cloudflare): Prism refuses `Prefer: code=4XX` (422, shown below), but it
//   answers a concrete status inside the range with the range's response. responses.test.ts asks
//   for 404 and 409 (RANGE_SAMPLES in spec.ts) and expects NotFoundError / ConflictError with
//   the envelope; here the fake answers a deleted user's id with the `4XX` envelope as a 404.
// - Unknown example names: with `code=403, example=<typo>` Prism may answer 200 with no body
//   instead of failing (shown below), which is why the harness checks the status it got.
// - Empty-body 204 with `Accept`: not a gap in Prism 5.14. The Gcore token DELETE comes back
//   204 with no body even with `Accept: application/json` (shown below); responses.test.ts
//   checks the client reads it as `data: undefined`, and the Gcore flow below does too.
// - `oneOf` ambiguity: no spec uses `oneOf` or `anyOf` (the lint rule
//   offboard/no-ambiguous-oneof keeps them apart); a test below fails when one appears, so its
//   mock answers get looked at.
import { createClient as cloudflareClient } from '@offboard/cloudflare-access';
import { createClient as gcoreClient } from '@offboard/gcore-iam';
import { createClient as resellerClient } from '@offboard/gcore-iam-reseller';
import { createClient as nscaleClient } from '@offboard/nscale-identity';
import { APIError, NotFoundError, PermissionDeniedError } from '@offboard/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { mockUrl } from './harness.js';
import { providers } from './providers/index.js';
import { loadSpec } from './spec.js';
import { type Fake, type FakeRoute, startFake } from './stateful-fake.js';

const base = { env: {}, maxRetries: 0 } as const;
const cfAccount = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const cfUser = '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b';

let fake: Fake | undefined;
afterEach(async () => {
  const problems = fake?.problems ?? [];
  await fake?.close();
  fake = undefined;
  expect(problems, 'the fake was asked for something the spec does not document').toEqual([]);
});

/** The error a call failed with; fails the test when it succeeded. */
async function failure(call: Promise<unknown>): Promise<APIError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

/** The documented example body of a response. */
function documentedBody(spec: string, operationId: string, status: number, example?: string): unknown {
  const found = loadSpec(spec).responses.find(
    (response) =>
      response.operation.operationId === operationId && response.status === status && response.example === example,
  );
  if (!found) throw new Error(`${spec} documents no ${operationId} ${status} ${example ?? ''}`);
  return found.body;
}

describe('Prism, as it is', () => {
  it('is stateless: the same user is deleted twice', async () => {
    const client = cloudflareClient({ ...base, baseUrl: mockUrl('cloudflare-access'), apiToken: 'cf-token-1' });
    const remove = () =>
      client.DELETE('/accounts/{account_id}/access/users/{user_id}', {
        params: { path: { account_id: cfAccount, user_id: cfUser } },
      });
    expect((await remove()).response.status).toBe(202);
    expect((await remove()).response.status).toBe(202);
  });

  it('cannot be asked for a range key: Prefer code=4XX is refused with 422', async () => {
    const response = await fetch(`${mockUrl('cloudflare-access')}/accounts/${cfAccount}/access/users/${cfUser}`, {
      headers: { authorization: 'Bearer t', prefer: 'code=4XX' },
    });
    expect(response.status).toBe(422);
  });

  it('may answer an unknown example name with a 200 instead of the status asked for', async () => {
    const response = await fetch(`${mockUrl('gcore-iam')}/iam/clients/200002/client-users/1001`, {
      method: 'DELETE',
      headers: { authorization: 'APIKey k', prefer: 'code=403, example=no-such-example' },
    });
    expect(response.status).not.toBe(403);
  });

  it('answers an empty-body 204 with Accept: application/json', async () => {
    const response = await fetch(`${mockUrl('gcore-iam')}/iam/v2/clients/200001/tokens/42`, {
      method: 'DELETE',
      headers: { authorization: 'APIKey k', accept: 'application/json' },
    });
    expect({ status: response.status, body: await response.text() }).toEqual({ status: 204, body: '' });
  });

  it('needs no oneOf/anyOf disambiguation: no spec uses them', () => {
    const uses = (node: unknown, at: string): string[] =>
      typeof node !== 'object' || node === null
        ? []
        : Object.entries(node).flatMap(([key, value]) => [
            ...(key === 'oneOf' || key === 'anyOf' ? [`${at}/${key}`] : []),
            ...uses(value, `${at}/${key}`),
          ]);
    expect(providers.flatMap((provider) => uses(loadSpec(provider.name).document, provider.name))).toEqual([]);
  });
});

describe('stateful fake', () => {
  it('Gcore: tokens, then each account, then the user; the three 403s tell why by message', async () => {
    // The caller administers 200001 and 200002; 1001 is in both and issued tokens 42 and 43 in
    // 200001 (as in the spec's examples); 1002 is only in 200001; 1003 is in 300003, not the caller's.
    const administered = new Set([200001, 200002]);
    const users = new Map([
      [1001, new Set([200001, 200002])],
      [1002, new Set([200001])],
      [1003, new Set([300003])],
    ]);
    const tokens = new Map([
      [42, { account: 200001, issuedBy: 1001 }],
      [43, { account: 200001, issuedBy: 1001 }],
    ]);
    const hasTokens = (user: number, account?: number) =>
      [...tokens.values()].some(
        (token) => token.issuedBy === user && (account === undefined || token.account === account),
      );
    const routes: FakeRoute[] = [
      {
        operationId: 'iamDeleteUser',
        answer({ userId }) {
          const accounts = users.get(Number(userId));
          if (!accounts) return { status: 404 };
          if ([...accounts].some((account) => !administered.has(account)))
            return { status: 403, example: 'no-permission' };
          if (accounts.size > 1) return { status: 403, example: 'multiple-accounts' };
          if (hasTokens(Number(userId))) return { status: 403, example: 'active-tokens' };
          users.delete(Number(userId));
          return { status: 200 };
        },
      },
      {
        operationId: 'iamRevokeClientUserAccess',
        answer({ clientId, userId }) {
          const [account, user] = [Number(clientId), Number(userId)];
          if (!administered.has(account)) return { status: 403, example: 'no-permission' };
          const accounts = users.get(user);
          if (!accounts?.has(account)) return { status: 404 };
          if (hasTokens(user, account)) return { status: 403, example: 'active-tokens' };
          accounts.delete(account);
          if (accounts.size === 0) users.delete(user);
          return { status: 200 };
        },
      },
      { operationId: 'iamGetUser', answer: ({ userId }) => ({ status: users.has(Number(userId)) ? 200 : 404 }) },
      {
        operationId: 'iamGetClientUserRole',
        answer: ({ clientId, userId }) => ({ status: users.get(Number(userId))?.has(Number(clientId)) ? 200 : 404 }),
      },
      {
        operationId: 'iamDeleteApiTokenV2',
        answer({ clientId, tokenId }) {
          if (!administered.has(Number(clientId))) return { status: 403 };
          if (tokens.get(Number(tokenId))?.account !== Number(clientId)) return { status: 404 };
          tokens.delete(Number(tokenId));
          return { status: 204 };
        },
      },
    ];
    // One origin for both APIs, as in production (api.gcore.com).
    fake = await startFake(['gcore-iam', 'gcore-iam-reseller'], routes);
    const iam = gcoreClient({ ...base, baseUrl: fake.url, apiKey: 'gcore-key-1' });
    const reseller = resellerClient({ ...base, baseUrl: fake.url, apiKey: 'gcore-key-1' });
    const deleteUser = (userId: number) => reseller.DELETE('/iam/users/{userId}', { params: { path: { userId } } });
    const getUser = (userId: number) => reseller.GET('/iam/users/{userId}', { params: { path: { userId } } });
    const revoke = (clientId: number, userId: number) =>
      iam.DELETE('/iam/clients/{clientId}/client-users/{userId}', { params: { path: { clientId, userId } } });
    const deleteToken = (tokenId: number) =>
      iam.DELETE('/iam/v2/clients/{clientId}/tokens/{tokenId}', { params: { path: { clientId: 200001, tokenId } } });

    const multipleAccounts = await failure(deleteUser(1001));
    const activeTokens = await failure(revoke(200001, 1001));
    const noPermission = await failure(revoke(300003, 1003));
    const refusals = [
      [multipleAccounts, documentedBody('gcore-iam-reseller', 'iamDeleteUser', 403, 'multiple-accounts')],
      [activeTokens, documentedBody('gcore-iam', 'iamRevokeClientUserAccess', 403, 'active-tokens')],
      [noPermission, documentedBody('gcore-iam', 'iamRevokeClientUserAccess', 403, 'no-permission')],
    ] as const;
    for (const [error, body] of refusals) {
      expect(error).toBeInstanceOf(PermissionDeniedError);
      expect(error.body).toEqual(body);
      expect(error.message).toContain((body as { message: string }).message);
    }
    expect(new Set(refusals.map(([error]) => (error.body as { message: string }).message)).size).toBe(3);

    // The tokens go first: 204 with no body, and a second delete finds nothing.
    for (const tokenId of [42, 43]) {
      const { data, response } = await deleteToken(tokenId);
      expect({ status: response.status, data, body: await response.text() }).toEqual({
        status: 204,
        data: undefined,
        body: '',
      });
    }
    expect(await failure(deleteToken(42))).toMatchObject({ constructor: NotFoundError, status: 404, body: undefined });

    // Then one account at a time; a user removed from an account is not found there any more.
    expect((await revoke(200001, 1001)).response.status).toBe(200);
    expect(
      await failure(
        iam.GET('/iam/clients/{clientId}/client-users/{userId}', {
          params: { path: { clientId: 200001, userId: 1001 } },
        }),
      ),
    ).toBeInstanceOf(NotFoundError);
    // With one account left and no tokens, the user can be deleted, once; reading the user back
    // then finds nothing (a 404 is how offboarding confirms the user is gone).
    expect((await getUser(1001)).data).toEqual(documentedBody('gcore-iam-reseller', 'iamGetUser', 200));
    expect((await deleteUser(1001)).response.status).toBe(200);
    expect(await failure(getUser(1001))).toMatchObject({ constructor: NotFoundError, status: 404, body: undefined });
    expect(await failure(deleteUser(1001))).toMatchObject({ constructor: NotFoundError, status: 404 });
    // Revoking a user's last account deletes the user.
    expect((await revoke(200001, 1002)).response.status).toBe(200);
    expect(await failure(getUser(1002))).toBeInstanceOf(NotFoundError);
    expect(await failure(deleteUser(1002))).toBeInstanceOf(NotFoundError);
  });

  it('Cloudflare: a deleted user is gone; the 4XX envelope arrives as a NotFoundError', async () => {
    const present = new Set([cfUser]);
    const notFound = { status: 404, example: 'noRoute' };
    fake = await startFake(
      ['cloudflare-access'],
      [
        { operationId: 'getAccessUser', answer: ({ user_id }) => (present.has(user_id!) ? { status: 200 } : notFound) },
        {
          operationId: 'deleteAccessUser',
          answer: ({ user_id }) => (present.delete(user_id!) ? { status: 202 } : notFound),
        },
      ],
    );
    const client = cloudflareClient({ ...base, baseUrl: fake.url, apiToken: 'cf-token-1' });
    const params = { path: { account_id: cfAccount, user_id: cfUser } };
    const envelope = documentedBody('cloudflare-access', 'getAccessUser', 404, 'noRoute');

    expect((await client.GET('/accounts/{account_id}/access/users/{user_id}', { params })).data.result?.id).toBe(
      cfUser,
    );
    expect((await client.DELETE('/accounts/{account_id}/access/users/{user_id}', { params })).data.success).toBe(true);
    for (const call of [
      client.GET('/accounts/{account_id}/access/users/{user_id}', { params }),
      client.DELETE('/accounts/{account_id}/access/users/{user_id}', { params }),
    ]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.body).toEqual(envelope);
      expect(error.message).toContain('No route for the URI');
    }
  });

  it('nscale: a deleted user cannot be deleted again', async () => {
    const present = new Set(['cef8afbf-976c-4b28-ab01-216c3aed0b7a']);
    fake = await startFake(
      ['nscale-identity'],
      [
        {
          operationId: 'deleteOrganizationUser',
          answer: ({ userID }) => ({ status: present.delete(userID!) ? 200 : 404 }),
        },
      ],
    );
    const client = nscaleClient({ ...base, baseUrl: fake.url, accessToken: 'nscale-token-1' });
    const remove = () =>
      client.DELETE('/api/v1/organizations/{organizationID}/users/{userID}', {
        params: {
          path: {
            organizationID: '79f64482-1271-44b8-a1d4-d83e418eddf2',
            userID: 'cef8afbf-976c-4b28-ab01-216c3aed0b7a',
          },
        },
      });
    expect((await remove()).response.status).toBe(200);
    const error = await failure(remove());
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.body).toEqual(documentedBody('nscale-identity', 'deleteOrganizationUser', 404));
    expect(error.message).toContain('the requested resource does not exist');
  });
});
