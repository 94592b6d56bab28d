import {
  type ApiClient,
  type BaseClientOptions,
  type ClientHooks,
  createApiClient,
  packageAgent,
  ValidationError,
} from '@offboard/runtime';
import { api, type Credentials } from './generated/api.gen.js';
import type { paths } from './generated/schema.gen.js';

export type ClientOptions = BaseClientOptions & Credentials;
export type Client = ApiClient<paths>;

const DOMAIN_SERVICE = 'accountConfigReadWrite';
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/**
 * A typed client for the LivePerson Users API v4. Without `baseUrl` (or LIVEPERSON_BASE_URL),
 * each account's domain is looked up once through the Domain API (service
 * accountConfigReadWrite) and cached; a failed lookup is not cached.
 */
export function createClient(options: ClientOptions = {}): Client {
  const agent = packageAgent(import.meta.url);
  const env = options.env ?? process.env;
  if (options.baseUrl ?? (api.baseUrlEnv ? env[api.baseUrlEnv] : undefined))
    return createApiClient<paths>(api, options, agent);

  const domains = new Map<string, Promise<string>>();
  const lookUp = async (accountId: string): Promise<string> => {
    const { data } = await client.GET('/api/account/{accountId}/service/{service}/baseURI.json', {
      params: { path: { accountId, service: DOMAIN_SERVICE } },
    });
    // The answer decides where the credential goes next: accept a bare host name only.
    if (!HOST.test(data.baseURI)) {
      throw new ValidationError(
        `LivePerson Domain API returned an unusable baseURI for account ${accountId}`,
        'baseURI',
        'a host name',
      );
    }
    return `https://${data.baseURI}`;
  };
  const hooks: ClientHooks = {
    resolveBaseUrl({ pathParams }) {
      const accountId = String(pathParams.accountId);
      let domain = domains.get(accountId);
      if (!domain) {
        domain = lookUp(accountId);
        domains.set(accountId, domain);
        domain.catch(() => domains.delete(accountId));
      }
      return domain;
    },
  };
  const client = createApiClient<paths>(api, options, agent, hooks);
  return client;
}

export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIResponseBodyError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnexpectedStatusError,
  ValidationError,
} from '@offboard/runtime';
export type { Credentials, OperationId } from './generated/api.gen.js';
export { api } from './generated/api.gen.js';
export type { components, operations, paths } from './generated/schema.gen.js';
