// @offboard/cloudflare-access: valid inputs for every operation, and how the client takes credentials.
import { type Client, type components, createClient, type OperationId } from '@offboard/cloudflare-access';
import { expectTypeOf } from 'vitest';
import { defineProvider, stringField } from '../harness.js';

type Schemas = components['schemas'];
const account_id = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const user_id = '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b';
const legacy = { authorization: null, 'x-auth-email': 'admin@example.com', 'x-auth-key': 'cf-global-key-3' };

export default defineProvider<Client, OperationId>({
  name: 'cloudflare-access',
  credentials: [
    {
      via: 'apiToken option',
      connect: (base) => createClient({ ...base, apiToken: 'cf-option-token-1' }),
      sends: { authorization: 'Bearer cf-option-token-1', 'x-auth-email': null, 'x-auth-key': null },
    },
    {
      via: 'apiEmail + apiKey options',
      connect: (base) => createClient({ ...base, apiEmail: 'admin@example.com', apiKey: 'cf-global-key-3' }),
      sends: legacy,
    },
    {
      via: 'CLOUDFLARE_API_TOKEN',
      connect: (base) => createClient({ ...base, env: { CLOUDFLARE_API_TOKEN: 'cf-env-token-2' } }),
      sends: { authorization: 'Bearer cf-env-token-2', 'x-auth-email': null, 'x-auth-key': null },
    },
    {
      via: 'CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY',
      connect: (base) =>
        createClient({
          ...base,
          env: { CLOUDFLARE_EMAIL: 'admin@example.com', CLOUDFLARE_API_KEY: 'cf-global-key-3' },
        }),
      sends: legacy,
    },
  ],
  withoutCredentials: {
    connect: (base) => createClient(base),
    parameter: 'apiToken',
    names: ['apiToken', 'CLOUDFLARE_API_TOKEN', 'apiEmail', 'CLOUDFLARE_EMAIL', 'apiKey', 'CLOUDFLARE_API_KEY'],
  },
  // The envelope: { success: false, errors: [{ code, message }], messages, result: null }.
  errorMessage: (body) => {
    const errors = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
    return Array.isArray(errors) ? stringField(errors[0], 'message') : undefined;
  },
  operations: {
    async listAccessUsers(client, init) {
      const result = await client.GET('/accounts/{account_id}/access/users', {
        params: { path: { account_id }, query: { email: 'jordan.lee@example.com', page: 1, per_page: 1000 } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['UserListEnvelope']>();
      return result;
    },
    async getAccessUser(client, init) {
      const result = await client.GET('/accounts/{account_id}/access/users/{user_id}', {
        params: { path: { account_id, user_id } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['UserEnvelope']>();
      return result;
    },
    async deleteAccessUser(client, init) {
      const result = await client.DELETE('/accounts/{account_id}/access/users/{user_id}', {
        params: { path: { account_id, user_id } },
        ...init,
      });
      // openapi-fetch reads the schema's `result?: Record<string, never> | null` as `{} | null`:
      // the same values, but not an identical type, so both directions are checked.
      expectTypeOf(result.data).toExtend<Schemas['DeleteUserEnvelope']>();
      expectTypeOf<Schemas['DeleteUserEnvelope']>().toExtend<typeof result.data>();
      return result;
    },
    async revokeAccessUserTokens(client, init) {
      const result = await client.POST('/accounts/{account_id}/access/organizations/revoke_user', {
        params: { path: { account_id }, query: { devices: true } },
        body: {
          email: 'jordan.lee@example.com',
          user_uid: '8c41e7b2d95a4f06b3e1c7a29d5f0e84',
          warp_session_reauth: false,
        },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['RevokeUserEnvelope']>();
      return result;
    },
  },
});
