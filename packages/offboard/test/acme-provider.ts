// A provider that exists only in tests: a tiny api definition and its types written by hand (in
// the shape the generator writes them), and one provider module. Registering it is all the
// engine, the CSV reader and the CLI need to offboard from it (src/registry.test.ts).
import { type ApiClient, type ApiDefinition, type BaseClientOptions, createApiClient } from '@offboard/runtime';
import { canonicalId, canonicalIds, clientOptions, defineProvider, exists, finalDelete } from '../src/provider.js';
import type { StepLog } from '../src/steps.js';

export const acmeApi = {
  name: 'acme',
  title: 'ACME Members API',
  packageName: '@example/acme',
  servers: [{ url: 'https://api.acme.invalid' }],
  securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
  security: [['token']],
  baseUrlEnv: 'ACME_BASE_URL',
  credentials: { token: { option: 'accessToken', env: 'ACME_TOKEN' } },
  operations: [
    {
      operationId: 'getMember',
      method: 'get',
      path: '/orgs/{orgId}/members/{memberId}',
      deprecated: false,
      pathParams: { orgId: { type: 'string', format: 'uuid' }, memberId: { type: 'integer', minimum: 1 } },
    },
    {
      operationId: 'deleteMember',
      method: 'delete',
      path: '/orgs/{orgId}/members/{memberId}',
      deprecated: false,
      pathParams: { orgId: { type: 'string', format: 'uuid' }, memberId: { type: 'integer', minimum: 1 } },
    },
  ],
} as const satisfies ApiDefinition;

type MemberPath = { parameters: { path: { orgId: string; memberId: number } } };
interface AcmePaths {
  '/orgs/{orgId}/members/{memberId}': {
    get: MemberPath & { responses: { 200: { content: { 'application/json': { id: number; email: string } } } } };
    delete: MemberPath & { responses: { 204: { content?: never } } };
  };
}

export type AcmeOptions = BaseClientOptions & { readonly accessToken?: string };

type AcmeClient = ApiClient<AcmePaths>;

function isMember(client: AcmeClient, log: StepLog, path: { orgId: string; memberId: number }): Promise<boolean> {
  return exists(() => log.read(client, (c) => c.GET('/orgs/{orgId}/members/{memberId}', { params: { path } })));
}

export const acme = defineProvider({
  name: 'acme',
  apis: [acmeApi],
  clients: (options: AcmeOptions | undefined, run): AcmeClient =>
    createApiClient<AcmePaths>(acmeApi, clientOptions(run, options), 'acme-fixture/1'),
  canonical: (target) => canonicalIds(acmeApi, 'deleteMember', target, { account: 'orgId', user: 'memberId' }),
  canonicalAccount: (account) => canonicalId(acmeApi, 'deleteMember', 'orgId', account, 'account'),
  exclusiveKey: (target) => `acme/${target.account}`,
  async run(target, log, client) {
    const path = { orgId: target.account, memberId: Number(target.user) };
    const absent = { outcome: 'already-absent', reason: `no member ${target.user}` } as const;
    if (log.readsFirst) {
      const present = await isMember(client, log, path);
      log.fact('present', present);
      if (!present) return absent;
    }
    return finalDelete(log, client, (c) => c.DELETE('/orgs/{orgId}/members/{memberId}', { params: { path } }), {
      done: { outcome: 'deleted' },
      absent,
    });
  },
  verify: async (target, _outcome, log, client) =>
    !(await isMember(client, log, { orgId: target.account, memberId: Number(target.user) })),
});
