import { describe, expect, it } from 'vitest';
import { createClient, NotFoundError, ValidationError } from '../index.js';

const DOMAIN_API = 'https://api.liveperson.net';

/** A fetch that answers like LivePerson: the Domain API on api.liveperson.net, users on the account's domain. */
function fakeLivePerson(domains: Record<string, string | (() => Response)>) {
  const calls: { url: string; authorization: string | null }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    calls.push({ url: url.href, authorization: headers.get('authorization') });
    const lookup = /^\/api\/account\/(\w+)\/service\/accountConfigReadWrite\/baseURI\.json$/.exec(url.pathname);
    if (url.origin === DOMAIN_API && lookup) {
      const answer = domains[lookup[1]!];
      if (typeof answer === 'function') return answer();
      if (!answer) return Response.json({ message: 'unknown account' }, { status: 404 });
      return Response.json({ service: 'accountConfigReadWrite', account: lookup[1], baseURI: answer });
    }
    return Response.json({ id: 5, loginName: 'ada' }, { headers: { 'ac-revision': '12' } });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

const getUser = (client: ReturnType<typeof createClient>, accountId: string) =>
  client.GET('/api/account/{accountId}/configuration/le-users/users/{userId}', {
    params: { path: { accountId, userId: 5 } },
  });

describe('LivePerson domain resolution', () => {
  it('looks the domain up once per account, without credentials, then calls that domain with v=4.0', async () => {
    const { calls, fetch } = fakeLivePerson({ '1234': 'va.ac.liveperson.net', '5678': 'lo.ac.liveperson.net' });
    const client = createClient({ accessToken: 'lp-token-123', env: {}, fetch });
    await getUser(client, '1234');
    await getUser(client, '1234');
    const { response } = await getUser(client, '5678');
    expect(response.headers.get('ac-revision')).toBe('12');
    expect(calls).toEqual([
      {
        url: `${DOMAIN_API}/api/account/1234/service/accountConfigReadWrite/baseURI.json?version=1.0`,
        authorization: null,
      },
      {
        url: 'https://va.ac.liveperson.net/api/account/1234/configuration/le-users/users/5?v=4.0',
        authorization: 'Bearer lp-token-123',
      },
      {
        url: 'https://va.ac.liveperson.net/api/account/1234/configuration/le-users/users/5?v=4.0',
        authorization: 'Bearer lp-token-123',
      },
      {
        url: `${DOMAIN_API}/api/account/5678/service/accountConfigReadWrite/baseURI.json?version=1.0`,
        authorization: null,
      },
      {
        url: 'https://lo.ac.liveperson.net/api/account/5678/configuration/le-users/users/5?v=4.0',
        authorization: 'Bearer lp-token-123',
      },
    ]);
  });

  it('does not cache a failed lookup', async () => {
    let failures = 1;
    const { calls, fetch } = fakeLivePerson({
      '1234': () =>
        failures-- > 0
          ? Response.json({ message: 'no' }, { status: 404 })
          : Response.json({ service: 'x', account: '1234', baseURI: 'va.ac.liveperson.net' }),
    });
    const client = createClient({ accessToken: 'lp-token-123', env: {}, fetch });
    await expect(getUser(client, '1234')).rejects.toBeInstanceOf(NotFoundError);
    await getUser(client, '1234');
    expect(calls.filter((call) => call.url.startsWith(DOMAIN_API))).toHaveLength(2);
  });

  it('refuses a baseURI that is not a bare host, so the token cannot be sent elsewhere', async () => {
    const { calls, fetch } = fakeLivePerson({ '1234': 'evil.example/steal?x=' });
    const client = createClient({ accessToken: 'lp-token-123', env: {}, fetch });
    await expect(getUser(client, '1234')).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toHaveLength(1);
  });

  it('skips the lookup when a base URL is given', async () => {
    const { calls, fetch } = fakeLivePerson({});
    const client = createClient({
      accessToken: 'lp-token-123',
      env: { LIVEPERSON_BASE_URL: 'http://127.0.0.1:9' },
      fetch,
    });
    await getUser(client, '1234');
    expect(calls.map((call) => call.url)).toEqual([
      'http://127.0.0.1:9/api/account/1234/configuration/le-users/users/5?v=4.0',
    ]);
  });
});
