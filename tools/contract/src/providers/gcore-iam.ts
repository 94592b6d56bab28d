// @offboard/gcore-iam: valid inputs for every operation, and how the client takes credentials.

import { type Client, type components, createClient, type OperationId } from '@offboard/gcore-iam';
import type { BaseClientOptions } from '@offboard/runtime';
import { expectTypeOf } from 'vitest';
import { type CredentialCase, defineProvider, stringField } from '../harness.js';

type Schemas = components['schemas'];

/** Both Gcore packages: `Authorization: APIKey <key>`, from `apiKey` or GCORE_API_KEY. */
export function gcoreCredentials<Client>(
  create: (options: BaseClientOptions & { readonly apiKey?: string }) => Client,
) {
  return {
    credentials: [
      {
        via: 'apiKey option',
        connect: (base) => create({ ...base, apiKey: 'gcore-option-key-1' }),
        sends: { authorization: 'APIKey gcore-option-key-1' },
      },
      {
        via: 'GCORE_API_KEY',
        connect: (base) => create({ ...base, env: { GCORE_API_KEY: 'gcore-env-key-2' } }),
        sends: { authorization: 'APIKey gcore-env-key-2' },
      },
    ] as [CredentialCase<Client>, CredentialCase<Client>],
    withoutCredentials: {
      connect: (base: BaseClientOptions) => create(base),
      parameter: 'apiKey',
      names: ['apiKey', 'GCORE_API_KEY'],
    },
    errorMessage: (body: unknown) => stringField(body, 'message'),
  };
}

export default defineProvider<Client, OperationId>({
  name: 'gcore-iam',
  ...gcoreCredentials(createClient),
  operations: {
    async iamGetUsers(client, init) {
      const result = await client.GET('/iam/users', { params: { query: { limit: 2, offset: 0 } }, ...init });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['PaginatedUsersArray']>();
      return result;
    },
    async iamGetClientUserRole(client, init) {
      const result = await client.GET('/iam/clients/{clientId}/client-users/{userId}', {
        params: { path: { clientId: 200001, userId: 1001 } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['UserRole']>();
      return result;
    },
    async iamRevokeClientUserAccess(client, init) {
      const result = await client.DELETE('/iam/clients/{clientId}/client-users/{userId}', {
        params: { path: { clientId: 200002, userId: 1001 } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<undefined>();
      return result;
    },
    async iamGetApiTokensV2(client, init) {
      const result = await client.GET('/iam/v2/clients/{clientId}/tokens', {
        params: { path: { clientId: 200001 }, query: { issued_by: 1001, deleted: false } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['TokenResponseArray']>();
      return result;
    },
    async iamDeleteApiTokenV2(client, init) {
      const result = await client.DELETE('/iam/v2/clients/{clientId}/tokens/{tokenId}', {
        params: { path: { clientId: 200001, tokenId: 42 } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<undefined>();
      return result;
    },
  },
});
