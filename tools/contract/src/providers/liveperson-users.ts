// @offboard/liveperson-users: valid inputs for every operation, and how the client takes
// credentials. `v=4.0` is left out on purpose: the client must add it to every Users API call.
import { type Client, type components, createClient, type OperationId } from '@offboard/liveperson-users';
import { expectTypeOf } from 'vitest';
import { defineProvider, stringField } from '../harness.js';

type Schemas = components['schemas'];
const accountId = '12345678';

export default defineProvider<Client, OperationId>({
  name: 'liveperson-users',
  credentials: [
    {
      via: 'accessToken option',
      connect: (base) => createClient({ ...base, accessToken: 'lp-option-token-1' }),
      sends: { authorization: 'Bearer lp-option-token-1' },
    },
    {
      via: 'async token provider',
      connect: (base) => createClient({ ...base, accessToken: async () => 'lp-issued-token-2' }),
      sends: { authorization: 'Bearer lp-issued-token-2' },
    },
    {
      via: 'LIVEPERSON_ACCESS_TOKEN',
      connect: (base) => createClient({ ...base, env: { LIVEPERSON_ACCESS_TOKEN: 'lp-env-token-3' } }),
      sends: { authorization: 'Bearer lp-env-token-3' },
    },
  ],
  withoutCredentials: {
    connect: (base) => createClient(base),
    parameter: 'accessToken',
    names: ['accessToken', 'LIVEPERSON_ACCESS_TOKEN'],
  },
  errorMessage: (body) => stringField(body, 'message'),
  operations: {
    async getAllUsers(client, init) {
      const result = await client.GET('/api/account/{accountId}/configuration/le-users/users', {
        params: { path: { accountId }, query: { include_deleted: false } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['User'][]>();
      return result;
    },
    async deleteUsers(client, init) {
      const result = await client.DELETE('/api/account/{accountId}/configuration/le-users/users', {
        params: { path: { accountId }, header: { 'If-Match': '3' } },
        body: ['4085930212', '4085931012'],
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['User'][]>();
      return result;
    },
    async getUserById(client, init) {
      const result = await client.GET('/api/account/{accountId}/configuration/le-users/users/{userId}', {
        params: { path: { accountId, userId: 4085930212 } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['User']>();
      return result;
    },
    async deleteUser(client, init) {
      const result = await client.DELETE('/api/account/{accountId}/configuration/le-users/users/{userId}', {
        params: { path: { accountId, userId: 4085930212 }, header: { 'If-Match': '3' } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['User']>();
      return result;
    },
    async getServiceBaseUri(client, init) {
      const result = await client.GET('/api/account/{accountId}/service/{service}/baseURI.json', {
        params: { path: { accountId, service: 'accountConfigReadWrite' } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['ServiceBaseUri']>();
      return result;
    },
  },
});
