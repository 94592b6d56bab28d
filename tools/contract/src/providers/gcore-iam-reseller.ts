// @offboard/gcore-iam-reseller: valid inputs for every operation (credentials as for Gcore IAM).
import { type Client, type components, createClient, type OperationId } from '@offboard/gcore-iam-reseller';
import { expectTypeOf } from 'vitest';
import { defineProvider } from '../harness.js';
import { gcoreCredentials } from './gcore-iam.js';

type Schemas = components['schemas'];

export default defineProvider<Client, OperationId>({
  name: 'gcore-iam-reseller',
  ...gcoreCredentials(createClient),
  operations: {
    async iamListClients(client, init) {
      const result = await client.GET('/iam/clients', {
        params: { query: { limit: 100, offset: 0, users_email: 'jordan.lee@example.com' } },
        ...init,
      });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['ClientsPaginatedArray']>();
      return result;
    },
    async iamGetUser(client, init) {
      const result = await client.GET('/iam/users/{userId}', { params: { path: { userId: 1001 } }, ...init });
      expectTypeOf(result.data).toEqualTypeOf<Schemas['UserPublic']>();
      return result;
    },
    async iamDeleteUser(client, init) {
      const result = await client.DELETE('/iam/users/{userId}', { params: { path: { userId: 1001 } }, ...init });
      expectTypeOf(result.data).toEqualTypeOf<undefined>();
      return result;
    },
  },
});
