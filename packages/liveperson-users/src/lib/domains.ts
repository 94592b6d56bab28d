// LivePerson serves each account from its own domain. Unless a base URL is given (`baseUrl` or
// LIVEPERSON_BASE_URL, which the runtime prefers over any hook), each account's domain is looked
// up once through the Domain API (service accountConfigReadWrite) and cached; a failed lookup is
// not cached. Wired into createClient by `x-offboard.hooks` in redocly.yaml.
// https://developers.liveperson.com/api-guidelines-domain-api.html
import { ValidationError } from '@offboard/runtime';
import type { ClientHooksFactory } from '../generated/client.gen.js';

const DOMAIN_SERVICE = 'accountConfigReadWrite';
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

export const clientHooks: ClientHooksFactory = ({ client }) => {
  const domains = new Map<string, Promise<string>>();
  const lookUp = async (accountId: string): Promise<string> => {
    const { data } = await client().GET('/api/account/{accountId}/service/{service}/baseURI.json', {
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
  return {
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
};
