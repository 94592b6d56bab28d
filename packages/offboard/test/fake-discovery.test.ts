// The fake's list and search routes, the ones discovery by email reads, through plain fetch: each
// provider's filter and paging rules, the knobs that refuse a lookup, and the per-account
// credential rule. Every answer is checked against its spec on the way out, so a drifting one
// is a 599 here and makes close() reject.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type FakeProviders, startFakeProviders } from './fake-providers.js';

const CLOUDFLARE_ACCOUNT = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const OTHER_CLOUDFLARE_ACCOUNT = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d';
const ORGANIZATION = '79f64482-1271-44b8-a1d4-d83e418eddf2';
const OTHER_ORGANIZATION = 'a142f641-7fd6-4ab9-a875-344c7ebadc53';
/** The n-th of a run of distinct UUIDs. */
const uuid = (n: number) => `3f7a2c1e-9b4d-4e6f-8a2b-${String(n).padStart(12, '0')}`;
const lpUsers = (account: string) => `/api/account/${account}/configuration/le-users/users`;

type Json = Record<string, unknown>;

let fake: FakeProviders;
beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
});
// close() rejects if any answer broke its spec.
afterEach(() => fake.close());

async function send(path: string, headers: Record<string, string> = { authorization: 'Bearer t' }) {
  const response = await fetch(`${fake.url}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Json };
}

describe('Cloudflare GET /accounts/{account_id}/access/users', () => {
  const list = (query = '') => send(`/accounts/${CLOUDFLARE_ACCOUNT}/access/users${query}`);
  const ids = (body: Json) => (body.result as { id: string }[]).map((user) => user.id);

  beforeEach(() => {
    const { cloudflare } = fake.state;
    for (const n of [5, 3, 1, 4, 2]) cloudflare.add(`${CLOUDFLARE_ACCOUNT}/${uuid(n)}`);
    cloudflare.add(`${OTHER_CLOUDFLARE_ACCOUNT}/${uuid(9)}`);
    cloudflare.emails = new Map([
      [uuid(1), 'Jane.Doe@Example.com'],
      [uuid(2), 'jane.doe@example.com.evil.test'],
      [uuid(3), 'sam.lee@example.com'],
      [uuid(9), 'jane.doe@example.com'],
    ]);
  });

  it("lists the account's users sorted by id, with the emails the state gives (or the derived default)", async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(ids(body)).toEqual([1, 2, 3, 4, 5].map(uuid));
    const emails = (body.result as { email: string }[]).map((user) => user.email);
    expect(emails).toEqual([
      'Jane.Doe@Example.com',
      'jane.doe@example.com.evil.test',
      'sam.lee@example.com',
      '3f7a2c1e@example.com',
      '3f7a2c1e@example.com',
    ]);
    expect(body.result_info).toEqual({ page: 1, per_page: 1000, count: 5, total_count: 5, total_pages: 1 });
    expect(fake.problems).toEqual([]);
  });

  it('filters by email as a case-insensitive substring (loose on purpose), and by name and search', async () => {
    const byEmail = await list('?email=JANE.DOE@example.com');
    expect(ids(byEmail.body)).toEqual([uuid(1), uuid(2)]); // not the other account's uuid(9)
    // total_count ignores the filter: it says nothing about how many matched.
    expect(byEmail.body.result_info).toMatchObject({ count: 2, total_count: 5, total_pages: 1 });
    expect(ids((await list('?email=nobody@example.com')).body)).toEqual([]);
    expect(ids((await list('?search=sam.lee')).body)).toEqual([uuid(3)]);
    expect(ids((await list('?name=access%20USER')).body)).toHaveLength(5);
    expect(ids((await list('?name=someone')).body)).toEqual([]);
    expect(fake.problems).toEqual([]);
  });

  it('pages from 1 by per_page: total_pages says where the walk ends, and a page past it is empty', async () => {
    const pages = [];
    for (const page of [1, 2, 3, 4]) pages.push((await list(`?per_page=2&page=${page}`)).body);
    expect(pages.map(ids)).toEqual([[uuid(1), uuid(2)], [uuid(3), uuid(4)], [uuid(5)], []]);
    expect(pages.map((page) => page.result_info)).toEqual([
      { page: 1, per_page: 2, count: 2, total_count: 5, total_pages: 3 },
      { page: 2, per_page: 2, count: 2, total_count: 5, total_pages: 3 },
      { page: 3, per_page: 2, count: 1, total_count: 5, total_pages: 3 },
      { page: 4, per_page: 2, count: 0, total_count: 5, total_pages: 3 },
    ]);
    // Filtered: the pages count the matches, total_count still the account's users.
    expect((await list('?email=jane&per_page=1&page=2')).body.result_info).toEqual({
      page: 2,
      per_page: 1,
      count: 1,
      total_count: 5,
      total_pages: 2,
    });
    expect(fake.problems).toEqual([]);
  });

  it('caps the page size at the spec maximum, and at pageSizeCap whatever per_page says', async () => {
    expect((await list('?per_page=5000')).body.result_info).toMatchObject({ per_page: 1000, total_pages: 1 });
    fake.state.cloudflare.pageSizeCap = 2;
    const first = await list('?per_page=1000');
    expect(ids(first.body)).toEqual([uuid(1), uuid(2)]);
    expect(first.body.result_info).toEqual({ page: 1, per_page: 2, count: 2, total_count: 5, total_pages: 3 });
    expect(ids((await list('?page=3')).body)).toEqual([uuid(5)]);
    expect(ids((await list('?page=4')).body)).toEqual([]);
    expect(fake.problems).toEqual([]);
  });

  it('answers a page or page size that is not a positive integer with 400 in the envelope', async () => {
    for (const query of ['?page=0', '?per_page=-1', '?page=x']) {
      const { status, body } = await list(query);
      expect([status, body.success, (body.errors as Json[])[0]?.code]).toEqual([400, false, 6003]);
    }
    expect(fake.problems).toEqual([]);
  });

  it('also serves the single user with the email the state gives', async () => {
    const { body } = await send(`/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${uuid(3)}`);
    expect((body.result as Json).email).toBe('sam.lee@example.com');
    expect(fake.problems).toEqual([]);
  });
});

describe('Gcore GET /iam/users', () => {
  beforeEach(() => {
    for (const id of [1003, 1001, 1002]) fake.state.gcore.users.set(id, new Set([200001]));
    fake.state.gcore.emails = new Map([[1002, 'sam.roe@example.com']]);
  });

  it('pages by limit/offset, bounded by pageSizeCap; emails from the state, else the derived default', async () => {
    const whole = await send('/iam/users?limit=10&offset=0');
    expect(whole.body).toMatchObject({ count: 3, next: null, previous: null });
    expect((whole.body.results as Json[]).map((user) => user.email)).toEqual([
      'user1001@example.com',
      'sam.roe@example.com',
      'user1003@example.com',
    ]);
    fake.state.gcore.pageSizeCap = 2;
    const first = await send('/iam/users?limit=10&offset=0');
    expect(first.body).toMatchObject({ count: 3, next: '/users?offset=2&limit=2', previous: null });
    expect((first.body.results as Json[]).map((user) => user.id)).toEqual([1001, 1002]);
    const second = await send('/iam/users?limit=10&offset=2');
    expect(second.body).toMatchObject({ count: 3, next: null, previous: '/users?offset=0&limit=2' });
    expect((second.body.results as Json[]).map((user) => user.id)).toEqual([1003]);
    expect((await send('/iam/users?limit=10&offset=3')).body.results).toEqual([]);
    expect(fake.problems).toEqual([]);
  });

  it("gives a token's issuer the same email", async () => {
    fake.state.gcore.tokens.push({ id: 41, account: 200001, issuer: 1002 });
    const { body } = await send('/iam/v2/clients/200001/tokens');
    expect((body as unknown as { client_user: Json }[])[0]?.client_user.user_email).toBe('sam.roe@example.com');
    expect(fake.problems).toEqual([]);
  });
});

describe('Gcore Reseller GET /iam/clients', () => {
  beforeEach(() => {
    const { gcore } = fake.state;
    gcore.users.set(1001, new Set([200002, 200001]));
    gcore.users.set(1002, new Set([200001]));
    gcore.users.set(1003, new Set([200003]));
    gcore.users.set(1004, new Set([200004]));
    gcore.emails = new Map([
      [1001, 'Jordan.Lee@Example.com'],
      [1003, 'jordan.leeds@example.com'],
      [1004, 'x.jordan.lee@example.com'],
    ]);
  });
  const accounts = (body: Json) => (body.results as { id: number }[]).map((account) => account.id);

  it('lists every account some user is in, sorted, each with all its users', async () => {
    const { status, body } = await send('/iam/clients?limit=100&offset=0');
    expect(status).toBe(200);
    expect(accounts(body)).toEqual([200001, 200002, 200003, 200004]);
    const first = (body.results as { users: Json[] }[])[0]!;
    expect(first.users.map((user) => [user.id, user.email])).toEqual([
      [1001, 'Jordan.Lee@Example.com'],
      [1002, 'user1002@example.com'],
    ]);
    expect(fake.problems).toEqual([]);
  });

  it('keeps, with users_email, the accounts with a user of that whole address (case aside)', async () => {
    const { body } = await send('/iam/clients?limit=100&offset=0&users_email=jordan.lee%40example.com');
    expect(body).toMatchObject({ count: 2, next: null, previous: null });
    expect(accounts(body)).toEqual([200001, 200002]); // not jordan.leeds@ nor x.jordan.lee@
    expect(accounts((await send('/iam/clients?limit=100&users_email=nobody%40example.com')).body)).toEqual([]);
    expect(fake.problems).toEqual([]);
  });

  it('pages by limit/offset, bounded by pageSizeCap', async () => {
    const first = await send('/iam/clients?limit=1&offset=0&users_email=JORDAN.LEE@example.com');
    expect(first.body).toMatchObject({ count: 2, next: '/clients?offset=1&limit=1', previous: null });
    expect(accounts(first.body)).toEqual([200001]);
    const second = await send('/iam/clients?limit=1&offset=1&users_email=JORDAN.LEE@example.com');
    expect(second.body).toMatchObject({ count: 2, next: null, previous: '/clients?offset=0&limit=1' });
    expect(accounts(second.body)).toEqual([200002]);
    fake.state.gcore.pageSizeCap = 3;
    const capped = await send('/iam/clients?limit=100&offset=0');
    expect(accounts(capped.body)).toEqual([200001, 200002, 200003]);
    expect(capped.body.next).toBe('/clients?offset=3&limit=3');
    expect(fake.problems).toEqual([]);
  });

  it('refuses a key that is not a reseller’s with 403 (resellerForbidden)', async () => {
    fake.state.gcore.resellerForbidden = true;
    const { status, body } = await send('/iam/clients?limit=100&users_email=jordan.lee%40example.com');
    expect(status).toBe(403);
    expect(body).toEqual({ message: 'You do not have permission to perform this action.' }); // SPEC_GAPS
    expect(fake.problems).toEqual([]);
  });
});

describe('nscale GET /api/v1/organizations', () => {
  beforeEach(() => {
    const { nscale } = fake.state;
    nscale.add(`${OTHER_ORGANIZATION}/${uuid(1)}`);
    nscale.add(`${ORGANIZATION}/${uuid(2)}`);
    nscale.add(`${ORGANIZATION}/${uuid(3)}`);
    nscale.add(`${OTHER_ORGANIZATION}/${uuid(4)}`);
    nscale.emails = new Map([
      [uuid(1), 'jordan.lee@example.com'],
      [uuid(2), 'jordan.lee@example.com'],
      [uuid(3), 'ajordan.lee@example.com'],
      [uuid(4), 'Jordan.Lee@example.com'],
    ]);
  });
  const organizations = (body: unknown) => (body as { metadata: { id: string } }[]).map((org) => org.metadata.id);

  it('gives, with email, the organizations of the users with exactly that subject (no case folding)', async () => {
    const { status, body } = await send('/api/v1/organizations?email=jordan.lee%40example.com');
    expect(status).toBe(200);
    expect(organizations(body)).toEqual([ORGANIZATION, OTHER_ORGANIZATION].sort());
    expect((body as unknown as Json[])[0]).toEqual({
      metadata: {
        id: ORGANIZATION,
        name: 'organization-79f64482',
        creationTime: '2026-01-01T00:00:00Z',
        provisioningStatus: 'provisioned',
        healthStatus: 'healthy',
      },
      spec: { organizationType: 'adhoc' },
    });
    expect(organizations((await send('/api/v1/organizations?email=Jordan.Lee%40example.com')).body)).toEqual([
      OTHER_ORGANIZATION,
    ]);
    expect(organizations((await send('/api/v1/organizations')).body)).toEqual(
      [ORGANIZATION, OTHER_ORGANIZATION].sort(),
    );
    expect(fake.problems).toEqual([]);
  });

  it('answers 404 when no user has the address', async () => {
    const { status, body } = await send('/api/v1/organizations?email=nobody%40example.com');
    expect([status, body]).toEqual([404, { error: 'not_found', error_description: 'resource not found' }]);
    expect(fake.problems).toEqual([]);
  });

  it('answers 403 to a lookup by email when the token may not read users globally (globalUserRead: false)', async () => {
    fake.state.nscale.globalUserRead = false;
    const { status, body } = await send('/api/v1/organizations?email=jordan.lee%40example.com');
    expect([status, body]).toEqual([
      403,
      { error: 'forbidden', error_description: 'user not permitted to read users globally' },
    ]);
    expect(fake.problems).toEqual([]);
  });
});

describe('nscale GET /api/v1/organizations/{organizationID}/users', () => {
  it('gives each user the subject the state names, else the derived default', async () => {
    fake.state.nscale.add(`${ORGANIZATION}/${uuid(1)}`);
    fake.state.nscale.add(`${ORGANIZATION}/${uuid(2)}`);
    fake.state.nscale.emails = new Map([[uuid(1), 'jane.doe@example.com']]);
    const { body } = await send(`/api/v1/organizations/${ORGANIZATION}/users`);
    expect((body as unknown as { spec: Json }[]).map((user) => user.spec.subject)).toEqual([
      'jane.doe@example.com',
      `${uuid(2)}@example.com`,
    ]);
    expect(fake.problems).toEqual([]);
  });
});

describe('LivePerson GET /api/account/{accountId}/configuration/le-users/users', () => {
  beforeEach(() => {
    const { liveperson } = fake.state;
    for (const key of ['12345678/30', '12345678/4085930212', '12345678/7', '87654321/8']) liveperson.users.add(key);
    liveperson.emails = new Map([['30', 'jane.doe@example.com']]);
    liveperson.loginNames = new Map([['30', 'jane']]);
  });

  it("lists the account's users in id order, login names and emails from the state, with the revision", async () => {
    const { status, headers, body } = await send(`${lpUsers('12345678')}?v=4.0`);
    expect(status).toBe(200);
    expect(headers.get('ac-revision')).toBe('1');
    const users = body as unknown as Json[];
    expect(users.map((user) => [user.id, user.loginName, user.email, user.deleted])).toEqual([
      [7, 'agent7', 'agent7@example.com', false],
      [30, 'jane', 'jane.doe@example.com', false],
      [4085930212, 'agent4085930212', 'agent4085930212@example.com', false],
    ]);
    expect((await send(`${lpUsers('11111111')}?v=4.0`)).body).toEqual([]);
    expect(fake.problems).toEqual([]);
  });

  it('honours select as far as the User schema allows (its required fields stay)', async () => {
    const { body } = await send(`${lpUsers('12345678')}?v=4.0&select=id,loginName,email,memberOf(agentGroupId)`);
    const [first] = body as unknown as Json[];
    expect(Object.keys(first!).sort()).toEqual(
      ['email', 'fullName', 'id', 'isEnabled', 'loginName', 'maxChats', 'nickname', 'profileIds'].sort(),
    );
    expect(first).not.toHaveProperty('deleted');
    expect(fake.problems).toEqual([]);
  });

  it('withholds ac-revision only when the state asks', async () => {
    fake.state.liveperson.revisionHeader = false;
    const { status, headers } = await send(`${lpUsers('12345678')}?v=4.0`);
    expect([status, headers.get('ac-revision')]).toEqual([200, null]);
    expect(fake.problems).toEqual([]);
  });
});

describe('the per-account credential rule (expectedCredentials)', () => {
  beforeEach(() => {
    const { state } = fake;
    state.gcore.users.set(1001, new Set([200001, 200002]));
    state.cloudflare.add(`${CLOUDFLARE_ACCOUNT}/${uuid(1)}`);
    state.cloudflare.add(`${OTHER_CLOUDFLARE_ACCOUNT}/${uuid(2)}`);
    state.nscale.add(`${ORGANIZATION}/${uuid(1)}`);
    state.nscale.add(`${OTHER_ORGANIZATION}/${uuid(2)}`);
    state.liveperson.users.add('12345678/30');
    state.liveperson.users.add('87654321/31');
    state.expectedCredentials = new Map([
      ['gcore/200001', 'APIKey key-of-200001'],
      [`cloudflare/${CLOUDFLARE_ACCOUNT}`, 'Bearer token-of-cloudflare-1'],
      [`cloudflare/${OTHER_CLOUDFLARE_ACCOUNT}`, 'global-key-of-cloudflare-2'],
      [`nscale/${ORGANIZATION}`, 'Bearer token-of-organization-1'],
      ['liveperson/12345678', 'Bearer token-of-12345678'],
    ]);
  });
  const as = (authorization: string) => ({ authorization });

  it('serves a request that carries its account’s credential, and refuses another with the provider’s 403', async () => {
    const cases: [path: string, right: Record<string, string>, body: unknown][] = [
      ['/iam/clients/200001/client-users/1001', as('APIKey key-of-200001'), undefined], // Gcore: no body
      [
        `/accounts/${CLOUDFLARE_ACCOUNT}/access/users`,
        as('Bearer token-of-cloudflare-1'),
        { success: false, errors: [{ code: 10000, message: 'Forbidden' }], messages: [], result: null },
      ],
      [
        `/accounts/${OTHER_CLOUDFLARE_ACCOUNT}/access/users/${uuid(2)}`,
        { 'x-auth-email': 'admin@example.com', 'x-auth-key': 'global-key-of-cloudflare-2' },
        { success: false, errors: [{ code: 10000, message: 'Forbidden' }], messages: [], result: null },
      ],
      [
        `/api/v1/organizations/${ORGANIZATION}/users`,
        as('Bearer token-of-organization-1'),
        { error: 'forbidden', error_description: 'user credentials do not have the required privileges' },
      ],
      [
        `${lpUsers('12345678')}?v=4.0`,
        as('Bearer token-of-12345678'),
        { message: 'Not authorized to access account 12345678' },
      ],
    ];
    for (const [path, right, body] of cases) {
      expect([path, (await send(path, right)).status]).toEqual([path, 200]);
      const wrong = await send(path, as('Bearer token-of-another-account'));
      expect([path, wrong.status, wrong.body]).toEqual([path, 403, body]);
    }
    expect(fake.problems).toEqual([]);
  });

  it('also guards the writes: a delete with the wrong credential changes nothing', async () => {
    const path = '/iam/clients/200001/client-users/1001';
    const wrong = await fetch(`${fake.url}${path}`, { method: 'DELETE', headers: as('APIKey key-of-200002') });
    expect([wrong.status, await wrong.json()]).toEqual([
      403,
      { message: 'You do not have permission to perform this action.' },
    ]);
    expect(fake.state.gcore.users.get(1001)).toEqual(new Set([200001, 200002]));
    const right = await fetch(`${fake.url}${path}`, { method: 'DELETE', headers: as('APIKey key-of-200001') });
    expect(right.status).toBe(200);
    expect(fake.state.gcore.users.get(1001)).toEqual(new Set([200002]));
    expect(fake.problems).toEqual([]);
  });

  it('leaves accounts without an entry, and requests naming no account, to any credential', async () => {
    for (const path of [
      '/iam/clients/200002/client-users/1001',
      '/iam/users?limit=10',
      `/api/v1/organizations/${OTHER_ORGANIZATION}/users`,
      `${lpUsers('87654321')}?v=4.0`,
    ])
      expect([path, (await send(path, as('Bearer anything'))).status]).toEqual([path, 200]);
    // Credentials are still required: none at all is a 401.
    expect((await send(`${lpUsers('12345678')}?v=4.0`, {})).status).toBe(401);
    expect(fake.problems).toEqual([]);
  });

  it('is gone after reset()', async () => {
    fake.reset();
    fake.state.liveperson.users.add('12345678/30');
    expect(fake.state.expectedCredentials).toBeUndefined();
    expect((await send(`${lpUsers('12345678')}?v=4.0`, as('Bearer anything'))).status).toBe(200);
    expect(fake.problems).toEqual([]);
  });
});
