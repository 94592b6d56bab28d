// The negative contract: requests that break the spec, sent with raw fetch (past the clients' own
// checks), must be refused by the mock with 422 (or the 400 a spec documents, which Prism then
// prefers), naming what is wrong. Each case also sends its valid twin, which must succeed, so a
// refusal is known to come from the one broken part. This is what proves the mocks validate.
import { describe, expect, it } from 'vitest';
import { mockUrl } from './harness.js';
import { violationsOf } from './recording-fetch.js';

interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

interface InvalidCase {
  readonly mock: string;
  readonly breaks: string;
  readonly valid: RawRequest;
  /** What differs from the valid request. */
  readonly invalid: Partial<RawRequest>;
  readonly status: 400 | 422;
  /** Found (lower case) in a violation's location or message. */
  readonly names: string;
}

const lpUsers = '/api/account/12345678/configuration/le-users/users';
const lpAuth = { authorization: 'Bearer lp-token' };
const lpDomain = '/api/account/12345678/service/accountConfigReadWrite/baseURI.json';
const cfAccount = '/accounts/0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const cfUser = `${cfAccount}/access/users/3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b`;
const cfAuth = { authorization: 'Bearer cf-token' };
const gcoreAuth = { authorization: 'APIKey gcore-key' };
const nsOrg = '/api/v1/organizations/79f64482-1271-44b8-a1d4-d83e418eddf2';
const nsAuth = { authorization: 'Bearer nscale-token' };
const json = { 'content-type': 'application/json' };

const cases: InvalidCase[] = [
  // LivePerson: the concurrency header and the version are required; the ids are strings.
  {
    mock: 'liveperson-users',
    breaks: 'no If-Match',
    valid: { method: 'DELETE', path: `${lpUsers}/4085930212?v=4.0`, headers: { ...lpAuth, 'if-match': '3' } },
    invalid: { headers: lpAuth },
    status: 422,
    names: 'if-match',
  },
  {
    mock: 'liveperson-users',
    breaks: 'If-Match not a revision',
    valid: { method: 'DELETE', path: `${lpUsers}/4085930212?v=4.0`, headers: { ...lpAuth, 'if-match': '3' } },
    invalid: { headers: { ...lpAuth, 'if-match': '"abc"' } },
    status: 422,
    names: 'if-match',
  },
  {
    mock: 'liveperson-users',
    breaks: 'no v',
    valid: { method: 'GET', path: `${lpUsers}/4085930212?v=4.0`, headers: lpAuth },
    invalid: { path: `${lpUsers}/4085930212` },
    status: 422,
    names: "'v'",
  },
  {
    mock: 'liveperson-users',
    breaks: 'v=4 (a number, not 4.0)',
    valid: { method: 'GET', path: `${lpUsers}?v=4.0`, headers: lpAuth },
    invalid: { path: `${lpUsers}?v=4` },
    status: 422,
    names: 'query.v',
  },
  {
    mock: 'liveperson-users',
    breaks: 'user id not an integer',
    valid: { method: 'GET', path: `${lpUsers}/4085930212?v=4.0`, headers: lpAuth },
    invalid: { path: `${lpUsers}/jane?v=4.0` },
    status: 422,
    names: 'userid',
  },
  {
    mock: 'liveperson-users',
    breaks: 'ids as numbers, not strings',
    valid: {
      method: 'DELETE',
      path: `${lpUsers}?v=4.0`,
      headers: { ...lpAuth, ...json, 'if-match': '3' },
      body: ['4085930212'],
    },
    invalid: { body: [4085930212] },
    status: 422,
    names: 'body',
  },
  {
    mock: 'liveperson-users',
    breaks: 'unknown service (Domain API documents 400)',
    valid: { method: 'GET', path: `${lpDomain}?version=1.0`, headers: {} },
    invalid: { path: '/api/account/12345678/service/users/baseURI.json?version=1.0' },
    status: 400,
    names: 'service',
  },
  {
    mock: 'liveperson-users',
    breaks: 'no version (Domain API documents 400)',
    valid: { method: 'GET', path: `${lpDomain}?version=1.0`, headers: {} },
    invalid: { path: lpDomain },
    status: 400,
    names: "'version'",
  },
  // Cloudflare: a UUID user id, an account id of at most 32 characters, a typed body.
  {
    mock: 'cloudflare-access',
    breaks: 'user id not a UUID',
    valid: { method: 'GET', path: cfUser, headers: cfAuth },
    invalid: { path: `${cfAccount}/access/users/jane.doe` },
    status: 422,
    names: 'user_id',
  },
  {
    mock: 'cloudflare-access',
    breaks: 'user id not a UUID (delete)',
    valid: { method: 'DELETE', path: cfUser, headers: cfAuth },
    invalid: { path: `${cfAccount}/access/users/12345` },
    status: 422,
    names: 'user_id',
  },
  {
    mock: 'cloudflare-access',
    breaks: 'account id over 32 characters',
    valid: { method: 'GET', path: `${cfAccount}/access/users`, headers: cfAuth },
    invalid: { path: `${cfAccount}ff/access/users` },
    status: 422,
    names: 'account_id',
  },
  {
    mock: 'cloudflare-access',
    breaks: 'per_page over 1000',
    valid: { method: 'GET', path: `${cfAccount}/access/users?per_page=1000`, headers: cfAuth },
    invalid: { path: `${cfAccount}/access/users?per_page=5000` },
    status: 422,
    names: 'per_page',
  },
  {
    mock: 'cloudflare-access',
    breaks: 'devices not a boolean',
    valid: {
      method: 'POST',
      path: `${cfAccount}/access/organizations/revoke_user`,
      headers: { ...cfAuth, ...json },
      body: { email: 'jane.doe@example.com', devices: true },
    },
    invalid: { body: { email: 'jane.doe@example.com', devices: 'yes' } },
    status: 422,
    names: 'devices',
  },
  {
    mock: 'cloudflare-access',
    breaks: 'no email in the body',
    valid: {
      method: 'POST',
      path: `${cfAccount}/access/organizations/revoke_user`,
      headers: { ...cfAuth, ...json },
      body: { email: 'jane.doe@example.com' },
    },
    invalid: { body: { user_uid: '8c41e7b2d95a4f06b3e1c7a29d5f0e84' } },
    status: 422,
    names: 'email',
  },
  // Gcore: integer ids of at least 1.
  {
    mock: 'gcore-iam-reseller',
    breaks: 'user id not an integer',
    valid: { method: 'DELETE', path: '/iam/users/1001', headers: gcoreAuth },
    invalid: { path: '/iam/users/jane' },
    status: 422,
    names: 'userid',
  },
  {
    mock: 'gcore-iam-reseller',
    breaks: 'user id 0',
    valid: { method: 'DELETE', path: '/iam/users/1001', headers: gcoreAuth },
    invalid: { path: '/iam/users/0' },
    status: 422,
    names: 'userid',
  },
  {
    mock: 'gcore-iam-reseller',
    breaks: 'limit 0 (client accounts)',
    valid: { method: 'GET', path: '/iam/clients?limit=10&users_email=jordan.lee%40example.com', headers: gcoreAuth },
    invalid: { path: '/iam/clients?limit=0&users_email=jordan.lee%40example.com' },
    status: 422,
    names: 'limit',
  },
  {
    mock: 'gcore-iam-reseller',
    breaks: 'offset negative (client accounts)',
    valid: { method: 'GET', path: '/iam/clients?limit=10&offset=0', headers: gcoreAuth },
    invalid: { path: '/iam/clients?limit=10&offset=-1' },
    status: 422,
    names: 'offset',
  },
  {
    mock: 'gcore-iam',
    breaks: 'account id a fraction',
    valid: { method: 'DELETE', path: '/iam/clients/200002/client-users/1001', headers: gcoreAuth },
    invalid: { path: '/iam/clients/2.5/client-users/1001' },
    status: 422,
    names: 'clientid',
  },
  {
    mock: 'gcore-iam',
    breaks: 'token id not an integer',
    valid: { method: 'DELETE', path: '/iam/v2/clients/200001/tokens/42', headers: gcoreAuth },
    invalid: { path: '/iam/v2/clients/200001/tokens/ci-deploy' },
    status: 422,
    names: 'tokenid',
  },
  {
    mock: 'gcore-iam',
    breaks: 'issued_by not an integer',
    valid: { method: 'GET', path: '/iam/v2/clients/200001/tokens?issued_by=1001', headers: gcoreAuth },
    invalid: { path: '/iam/v2/clients/200001/tokens?issued_by=jane' },
    status: 422,
    names: 'issued_by',
  },
  {
    mock: 'gcore-iam',
    breaks: 'limit 0',
    valid: { method: 'GET', path: '/iam/users?limit=10', headers: gcoreAuth },
    invalid: { path: '/iam/users?limit=0' },
    status: 422,
    names: 'limit',
  },
  // nscale: UUID ids.
  {
    mock: 'nscale-identity',
    breaks: 'organization id not a UUID',
    valid: { method: 'GET', path: `${nsOrg}/users`, headers: nsAuth },
    invalid: { path: '/api/v1/organizations/acme/users' },
    status: 422,
    names: 'organizationid',
  },
  {
    mock: 'nscale-identity',
    breaks: 'user id not a UUID',
    valid: { method: 'DELETE', path: `${nsOrg}/users/cef8afbf-976c-4b28-ab01-216c3aed0b7a`, headers: nsAuth },
    invalid: { path: `${nsOrg}/users/jane` },
    status: 422,
    names: 'userid',
  },
];

function send(mock: string, request: RawRequest): Promise<Response> {
  return fetch(`${mockUrl(mock)}${request.path}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
}

describe.each(cases.map((testCase) => [testCase.mock, testCase] as const))('%s', (_, testCase) => {
  it(`refuses a request with ${testCase.breaks} (${testCase.status}), and takes it without`, async () => {
    const valid = await send(testCase.mock, testCase.valid);
    expect({ status: valid.status, violations: await violationsOf(valid) }).toEqual({
      status: expect.any(Number),
      violations: [],
    });
    expect(valid.ok).toBe(true);

    const invalid = await send(testCase.mock, { ...testCase.valid, ...testCase.invalid });
    expect(invalid.status).toBe(testCase.status);
    const violations = await violationsOf(invalid);
    expect(
      violations.map((violation) => `${violation.location.join('.')} ${violation.message}`.toLowerCase()).join('\n'),
    ).toContain(testCase.names);
  });
});
