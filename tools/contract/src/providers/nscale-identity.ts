// @offboard/nscale-identity: valid inputs for every operation, and how the client takes credentials.
import { type Client, type components, createClient, type OperationId } from '@offboard/nscale-identity';
import { expectTypeOf } from 'vitest';
import { defineProvider, stringField } from '../harness.js';

type Schemas = components['schemas'];
const organizationID = '79f64482-1271-44b8-a1d4-d83e418eddf2';

export default defineProvider<Client, OperationId>({
  name: 'nscale-identity',
  credentials: [
    {
      via: 'accessToken option',
      connect: (base) => createClient({ ...base, accessToken: 'nscale-option-token-1' }),
      sends: { authorization: 'Bearer nscale-option-token-1' },
    },
    {
      via: 'async token provider',
      connect: (base) =>
        createClient({
          ...base,
          accessToken: async () => ({ token: 'nscale-issued-token-2', expiresAt: Date.now() + 3_600_000 }),
        }),
      sends: { authorization: 'Bearer nscale-issued-token-2' },
    },
    {
      via: 'NSCALE_ACCESS_TOKEN',
      connect: (base) => createClient({ ...base, env: { NSCALE_ACCESS_TOKEN: 'nscale-env-token-3' } }),
      sends: { authorization: 'Bearer nscale-env-token-3' },
    },
  ],
  withoutCredentials: {
    connect: (base) => createClient(base),
    parameter: 'accessToken',
    names: ['accessToken', 'NSCALE_ACCESS_TOKEN'],
  },
  // OAuth2-style: { error, error_description }.
  errorMessage: (body) => stringField(body, 'error_description'),
  operations: {
    async listOrganizations(client, init) {
      const result = await client.GET('/api/v1/organizations', {
        params: { query: { email: 'jordan.lee@example.com' } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['organizations']>();
      return result;
    },
    async listOrganizationUsers(client, init) {
      const result = await client.GET('/api/v1/organizations/{organizationID}/users', {
        params: { path: { organizationID } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['users']>();
      return result;
    },
    async deleteOrganizationUser(client, init) {
      const result = await client.DELETE('/api/v1/organizations/{organizationID}/users/{userID}', {
        params: { path: { organizationID, userID: 'cef8afbf-976c-4b28-ab01-216c3aed0b7a' } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<undefined>();
      return result;
    },
  },
});
