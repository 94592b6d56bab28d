// The spec check can fail: it flags what breaks a spec (in the checker alone, and through the
// fake, which answers 599, records the problem and makes close() reject), accepts what the specs
// themselves give as examples, and exempts the fault actions it says it exempts, no others.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHECKED_BY_ACTION,
  emptyState,
  type FakeProviders,
  type FaultAction,
  RESOURCES,
  startFakeProviders,
} from './fake-providers.js';
import { bundledSpec, providerSpecs, SPEC_GAPS, SPEC_PACKAGES, SpecCheck, type SpecName } from './spec-check.js';

const specs = providerSpecs();
const json = { 'content-type': 'application/json' };
type Json = Record<string, unknown>;
const CLOUDFLARE_ACCOUNT = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const CLOUDFLARE_USER = '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b';
const lpUser = (user: string) => `/api/account/12345678/configuration/le-users/users/${user}`;

describe('the specs', () => {
  it('load, and every response body and header schema compiles in its dialect', () => {
    expect(specs.compileAll()).toBeGreaterThan(50);
    expect(new Set(specs.operations().map((operation) => operation.spec))).toEqual(new Set(Object.keys(SPEC_PACKAGES)));
  });

  it('accept their own response examples (the checker agrees with the spec authors)', () => {
    let examples = 0;
    const problems: string[] = [];
    for (const name of Object.keys(SPEC_PACKAGES) as SpecName[]) {
      const document = bundledSpec(name);
      const resolve = (node: unknown): Json => {
        let current = node as Json;
        while (typeof current?.$ref === 'string')
          current = current.$ref
            .slice(2)
            .split('/')
            .reduce<Json>((at, token) => at[token.replaceAll('~1', '/').replaceAll('~0', '~')] as Json, document);
        return current;
      };
      for (const [template, item] of Object.entries(document.paths as Json)) {
        for (const [method, operation] of Object.entries(item as Json)) {
          const responses = (operation as Json).responses as Json | undefined;
          if (!responses) continue;
          const pathname = template.replaceAll(/\{[^}]+\}/g, '1');
          for (const [key, written] of Object.entries(responses)) {
            const response = resolve(written);
            const status = key === 'default' ? 500 : Number(key.replace(/XX$/i, '00'));
            const headers = Object.keys((response.headers as Json | undefined) ?? {});
            for (const [mediaType, media] of Object.entries((response.content as Json | undefined) ?? {})) {
              const { example, examples: named } = media as { example?: unknown; examples?: Json };
              const values = [
                ...(example === undefined ? [] : [example]),
                ...Object.values(named ?? {}).map((entry) => resolve(entry).value),
              ];
              for (const body of values) {
                examples++;
                problems.push(
                  ...specs.check(
                    method.toUpperCase(),
                    pathname,
                    { status, headers: { 'content-type': mediaType }, body },
                    { withheld: headers },
                  ),
                );
              }
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(examples).toBeGreaterThan(20);
  });

  it.each(SPEC_GAPS.map((gap) => [`${gap.spec} ${gap.method} ${gap.path} ${gap.status}`, gap] as const))(
    'still lack what SPEC_GAPS accepts: %s (else remove the entry)',
    (_, gap) => {
      const document = bundledSpec(gap.spec);
      const paths = document.paths as Record<string, Record<string, { responses: Json }>>;
      const written = paths[gap.path]?.[gap.method.toLowerCase()]?.responses[String(gap.status)] as Json | undefined;
      const response =
        typeof written?.$ref === 'string'
          ? ((document.components as Json).responses as Json)[written.$ref.split('/').at(-1)!]
          : written;
      expect((response as Json | undefined)?.content).toBeUndefined();
    },
  );
});

describe('the checker', () => {
  const tiny = (openapi: string, schema: Record<string, unknown>) => ({
    openapi,
    info: { title: 'tiny', version: '1' },
    paths: {
      '/things/{id}': {
        get: { responses: { '200': { description: 'a thing', content: { 'application/json': { schema } } } } },
      },
    },
  });
  const thing = (check: SpecCheck, body: unknown) =>
    check.check('GET', '/things/1', { status: 200, headers: json, body });

  it('reads OpenAPI 3.0 schemas as 3.0 means them: nullable, boolean exclusiveMinimum', () => {
    const check = new SpecCheck({
      tiny: tiny('3.0.3', {
        type: 'object',
        required: ['note', 'count'],
        properties: {
          note: { type: 'string', nullable: true },
          count: { type: 'integer', minimum: 0, exclusiveMinimum: true },
        },
      }),
    });
    expect(thing(check, { note: null, count: 1 })).toEqual([]);
    expect(thing(check, { note: 'x', count: 0 }).join()).toMatch(/body\/count must be > 0/);
    expect(thing(check, { note: 1, count: 1 }).join()).toMatch(/body\/note must be string/);
  });

  it('reads OpenAPI 3.1 schemas as JSON Schema 2020-12, and refuses a version it does not know', () => {
    const check = new SpecCheck({
      tiny: tiny('3.1.0', {
        type: 'object',
        properties: { note: { type: ['string', 'null'] }, tags: { prefixItems: [{ const: 'a' }] } },
      }),
    });
    expect(thing(check, { note: null, tags: ['a'] })).toEqual([]);
    expect(thing(check, { tags: ['b'] }).join()).toMatch(/body\/tags\/0 must be equal to constant/);
    expect(() => new SpecCheck({ old: { swagger: '2.0', paths: {} } })).toThrow(/OpenAPI 2.0 is not supported/);
  });

  it('passes a body that matches, and flags one that does not, naming the field and the schema', () => {
    const path = '/api/v1/organizations/79f64482-1271-44b8-a1d4-d83e418eddf2/users/x';
    expect(
      specs.check('DELETE', path, { status: 404, headers: json, body: { error: 'not_found', error_description: 'x' } }),
    ).toEqual([]);
    const [problem, ...rest] = specs.check('DELETE', path, {
      status: 404,
      headers: json,
      body: { error: 'gone', message: 'x' },
    });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^DELETE \/api\/v1\/organizations\/.* → 404: /);
    expect(problem).toMatch(/body\/error must be equal to one of the allowed values/);
    expect(problem).toMatch(/required property 'error_description'/);
    expect(problem).toMatch(/nscale-identity #\/components\/responses\/notFoundResponse/);
  });

  it('checks formats (uuid, date-time, email)', () => {
    const user = (id: string, created_at: string) => ({
      success: true,
      errors: [],
      messages: [],
      result: { id, created_at },
    });
    const path = `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`;
    expect(
      specs.check('GET', path, { status: 200, headers: json, body: user(CLOUDFLARE_USER, '2026-01-01T00:00:00Z') }),
    ).toEqual([]);
    expect(specs.check('GET', path, { status: 200, headers: json, body: user('x', 'yesterday') }).join()).toMatch(
      /result\/id must match format "uuid".*result\/created_at must match format "date-time"/,
    );
  });

  it('rejects undocumented fields unless asked to take the body as written', () => {
    const path = '/iam/clients/100/client-users/7';
    const body = { user_role: { id: 2, name: 'Users' }, user_id: 7 };
    expect(specs.check('GET', path, { status: 200, headers: json, body }).join()).toMatch(
      /must NOT have additional properties \("user_id", not in the spec\)/,
    );
    expect(specs.check('GET', path, { status: 200, headers: json, body }, { documentedOnly: false })).toEqual([]);
  });

  it('flags a status the operation does not declare, and a request no spec has', () => {
    expect(specs.check('DELETE', '/iam/users/7', { status: 503, headers: {} })).toEqual([
      'DELETE /iam/users/7 → 503: gcore-iam-reseller DELETE /iam/users/{userId} declares no 503 (only 200, 401, 403, 404)',
    ]);
    expect(specs.check('PUT', '/iam/users/7', { status: 200, headers: {} })).toEqual([
      'PUT /iam/users/7 → 200: no spec has this operation',
    ]);
  });

  it('takes a status range (4XX) when the exact status is not declared', () => {
    const path = `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`;
    expect(specs.declared('DELETE', path, 404)).toMatchObject({ key: '4XX', hasContent: true });
    expect(specs.check('DELETE', path, { status: 409, headers: json, body: { message: 'conflict' } })[0]).toMatch(
      /must have required property 'success'/,
    );
  });

  it('flags a body where the spec declares none, and no body where it declares one', () => {
    expect(specs.check('GET', '/iam/users', { status: 401, headers: json, body: { message: 'x' } })).toEqual([
      'GET /iam/users → 401: a body, but gcore-iam GET /iam/users 401 declares none',
    ]);
    expect(specs.check('GET', '/iam/users', { status: 200, headers: {} })[0]).toMatch(
      /no body, but gcore-iam GET \/iam\/users 200 declares application\/json/,
    );
    expect(
      specs.check('GET', '/iam/users', { status: 200, headers: { 'content-type': 'text/plain' }, body: 'x' })[0],
    ).toMatch(/content-type text\/plain, but .* declares application\/json/);
  });

  it('checks declared headers: required ones present (unless withheld on purpose), values by their schema', () => {
    const body = {
      loginName: 'a',
      fullName: '',
      nickname: 'a',
      isEnabled: true,
      maxChats: 1,
      email: 'a@example.com',
      profileIds: [],
    };
    expect(specs.check('GET', lpUser('42'), { status: 200, headers: json, body })).toEqual([
      `GET ${lpUser('42')} → 200: liveperson-users GET /api/account/{accountId}/configuration/le-users/users/{userId} 200 requires the header ac-revision, which is missing`,
    ]);
    expect(
      specs.check('GET', lpUser('42'), { status: 200, headers: json, body }, { withheld: ['AC-Revision'] }),
    ).toEqual([]);
    expect(
      specs.check('GET', lpUser('42'), { status: 200, headers: { ...json, 'AC-Revision': '-1' }, body })[0],
    ).toMatch(/header ac-revision: "-1" must match pattern/);
    const limited = (retryAfter: string) =>
      specs.check(
        'GET',
        `/accounts/${CLOUDFLARE_ACCOUNT}/access/users`,
        {
          status: 429,
          headers: { ...json, 'retry-after': retryAfter },
          body: { success: false, errors: [{ code: 10429, message: 'slow down' }], messages: [], result: null },
        },
        {},
      );
    expect(limited('1')).toEqual([]);
    expect(limited('soon')[0]).toMatch(/header Retry-After: "soon" must be integer/);
  });

  it('accepts what SPEC_GAPS accepts, checked against the schema the gap names', () => {
    expect(specs.check('DELETE', lpUser('42'), { status: 412, headers: json, body: { message: 'stale' } })).toEqual([]);
    expect(specs.check('DELETE', lpUser('42'), { status: 412, headers: json, body: { error: 'stale' } })[0]).toMatch(
      /required property 'message'/,
    );
    expect(specs.check('DELETE', lpUser('42'), { status: 410, headers: json, body: { message: 'gone' } })[0]).toMatch(
      /declares no 410/,
    );
  });
});

describe('the fake, checked against the specs', () => {
  let fake: FakeProviders;
  beforeEach(async () => {
    fake = await startFakeProviders(emptyState());
  });
  // A test that provokes problems takes them; any other left makes close() fail the test.
  afterEach(() => fake.close());
  const send = (method: string, path: string, headers: Record<string, string> = { authorization: 'Bearer t' }) =>
    fetch(`${fake.url}${path}`, { method, headers }).then(async (response) => ({
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    }));

  it('serves only operations its specs have, under their own path templates', () => {
    const operations = specs.operations().map((operation) => `${operation.method} ${operation.path}`);
    const served = RESOURCES.flatMap((resource) =>
      Object.keys(resource.methods).map((method) => `${method} ${resource.path}`),
    );
    expect(operations).toEqual(expect.arrayContaining(served));
  });

  it('answers 599 instead of a canned body that breaks the spec, records why, and fails close()', async () => {
    fake.faults.push({
      method: 'DELETE',
      path: /access\/users/,
      status: 400,
      body: { success: false, errors: [{ code: 1, message: 'bad' }], messages: [], result: null },
      times: 1,
    });
    const answered = await send('DELETE', `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`);
    expect(answered.status).toBe(599);
    expect(answered.text).toMatch(/body\/errors\/0\/code must be >= 1000/);
    expect(fake.problems).toEqual([
      expect.stringMatching(/^DELETE \/accounts\/.* → 400: body\/errors\/0\/code must be >= 1000/),
    ]);
    expect(fake.requests.map((request) => request.status)).toEqual([599]);
    // reset() starts a new scenario, but the fake's bugs stay until close() reports them.
    fake.reset();
    await expect(fake.close()).rejects.toThrow(
      /1 answer\(s\) broke the provider's spec \(each was answered 599\):\n- DELETE \/accounts\/.*code must be >= 1000/,
    );
    fake = await startFakeProviders(emptyState()); // for afterEach
  });

  it('flags its own answers too: a body the spec does not allow, a status it does not declare', async () => {
    fake.state.cloudflare.add(`${CLOUDFLARE_ACCOUNT}/not-a-uuid`); // the fake echoes the id as the user's
    expect((await send('GET', `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/not-a-uuid`)).status).toBe(599);
    fake.state.liveperson.users.add('12345678/42');
    expect((await send('GET', lpUser('42'))).status).toBe(599); // no v=4.0: LivePerson's 400 is undocumented
    expect((await send('GET', '/iam/unknown')).status).toBe(599);
    expect(fake.takeProblems()).toEqual([
      expect.stringMatching(/→ 200: body\/result\/id must match format "uuid"/),
      expect.stringMatching(/→ 400: liveperson-users GET .* declares no 400/),
      'GET /iam/unknown → 404: no spec has this operation',
    ]);
    expect(fake.problems).toEqual([]);
  });

  it('serves bodies that meet the specs on a healthy run of every resource', async () => {
    const { state } = fake;
    state.gcore.users.set(7, new Set([100, 200]));
    state.gcore.users.set(8, new Set([100]));
    state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 }, { id: 50, account: 100, issuer: 8 });
    state.cloudflare.add(`${CLOUDFLARE_ACCOUNT}/${CLOUDFLARE_USER}`);
    state.nscale.add('79f64482-1271-44b8-a1d4-d83e418eddf2/cef8afbf-976c-4b28-ab01-216c3aed0b7a');
    state.liveperson.users.add('12345678/42');
    const statuses = [];
    for (const [method, path, headers] of [
      ['GET', '/iam/users?limit=1&offset=0'],
      ['GET', '/iam/clients/100/client-users/7'],
      ['GET', '/iam/v2/clients/100/tokens?issued_by=7'],
      ['DELETE', '/iam/users/7'], // 403: several accounts
      ['DELETE', '/iam/clients/100/client-users/7'], // 403: active tokens
      ['DELETE', '/iam/v2/clients/100/tokens/41'],
      ['DELETE', '/iam/v2/clients/100/tokens/41'], // 404
      ['DELETE', '/iam/clients/200/client-users/7'],
      ['DELETE', '/iam/users/7'],
      ['GET', `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`],
      ['DELETE', `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`],
      ['DELETE', `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`], // 404
      ['GET', '/api/v1/organizations/79f64482-1271-44b8-a1d4-d83e418eddf2/users'],
      [
        'DELETE',
        '/api/v1/organizations/79f64482-1271-44b8-a1d4-d83e418eddf2/users/cef8afbf-976c-4b28-ab01-216c3aed0b7a',
      ],
      [
        'DELETE',
        '/api/v1/organizations/79f64482-1271-44b8-a1d4-d83e418eddf2/users/cef8afbf-976c-4b28-ab01-216c3aed0b7a',
      ],
      ['GET', `${lpUser('42')}?v=4.0`],
      ['DELETE', `${lpUser('42')}?v=4.0`, { authorization: 'Bearer t', 'if-match': '0' }], // 412: stale
      ['DELETE', `${lpUser('42')}?v=4.0`, { authorization: 'Bearer t', 'if-match': '1' }],
      ['GET', `${lpUser('42')}?v=4.0`], // 404
      ['GET', '/iam/users', {}], // 401, for each provider's shape
      ['GET', `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`, {}],
      ['GET', '/api/v1/organizations/79f64482-1271-44b8-a1d4-d83e418eddf2/users', {}],
      ['GET', `${lpUser('42')}?v=4.0`, {}],
    ] as const) {
      statuses.push((await send(method, path, headers)).status);
    }
    expect(fake.problems).toEqual([]);
    expect(statuses).toEqual([
      200, 200, 200, 403, 403, 204, 404, 200, 200, 200, 202, 404, 200, 200, 404, 200, 412, 200, 404, 401, 401, 401, 401,
    ]);
  });

  it('gives a canned fault the provider’s error shape by default, or no body where the spec declares none', async () => {
    for (const status of [401, 403, 404, 409, 429, 500, 503])
      fake.faults.push({ method: 'DELETE', path: /./, status, times: 1 });
    const answers = [];
    for (const _ of [401, 403, 404, 409, 429, 500, 503])
      answers.push(await send('DELETE', '/iam/v2/clients/1/tokens/2'));
    expect(answers.map(({ status, text }) => [status, text])).toEqual([
      [401, ''],
      [403, '{"message":"fault 403"}'], // SPEC_GAPS: Gcore's 403 has a message
      [404, ''],
      [409, '{"message":"fault 409"}'], // undeclared statuses are the fault's point, unchecked
      [429, '{"message":"fault 429"}'],
      [500, '{"message":"fault 500"}'],
      [503, '{"message":"fault 503"}'],
    ]);
    fake.faults.push({ method: 'GET', path: /./, status: 409, times: 1 });
    expect(
      JSON.parse((await send('GET', `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`)).text),
    ).toEqual({
      success: false,
      errors: [{ code: 10000, message: 'fault 409' }],
      messages: [],
      result: null,
    });
    expect(fake.problems).toEqual([]);
  });

  it('withholds a required header only when the state asks, and says so to the check', async () => {
    fake.state.liveperson.users.add('12345678/42');
    fake.state.liveperson.revisionHeader = false;
    const answered = await send('GET', `${lpUser('42')}?v=4.0`);
    expect([answered.status, answered.headers.get('ac-revision')]).toEqual([200, null]);
    expect(fake.problems).toEqual([]);
  });

  it('exempts each fault action as CHECKED_BY_ACTION says, and no more', async () => {
    expect(CHECKED_BY_ACTION).toEqual({
      reply: 'canned',
      vanish: 'canned',
      perform: 'real',
      'perform-unreadable': 'real',
      'perform-reset': 'real',
      reset: 'none',
      hang: 'none',
      processing: 'none',
      raw: 'none',
    } satisfies Record<FaultAction, string>);
    const broken = `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/not-a-uuid`;
    fake.state.cloudflare.add(`${CLOUDFLARE_ACCOUNT}/not-a-uuid`);
    // `none`: nothing the fake knows goes out, so nothing is checked.
    fake.faults.push({
      method: 'GET',
      path: /not-a-uuid/,
      status: 0,
      action: 'raw',
      raw: 'HTTP/1.1 200 OK\r\n\r\n{',
      times: 1,
    });
    await send('GET', broken).catch(() => undefined);
    fake.faults.push({ method: 'GET', path: /not-a-uuid/, status: 0, action: 'reset', times: 1 });
    await expect(send('GET', broken)).rejects.toThrow();
    expect(fake.problems).toEqual([]);
    // `real`: the fake's real answer is checked, whatever the fault then does with it.
    for (const action of ['perform', 'perform-unreadable', 'perform-reset'] as const) {
      fake.faults.push({ method: 'GET', path: /not-a-uuid/, status: 200, action, times: 1 });
      expect((await send('GET', broken)).status).toBe(599);
      expect(fake.takeProblems()).toEqual([expect.stringMatching(/result\/id must match format "uuid"/)]);
    }
    // ... and the status a `perform` puts on a good answer is the fault's point (Cloudflare documents 202).
    fake.state.cloudflare.add(`${CLOUDFLARE_ACCOUNT}/${CLOUDFLARE_USER}`);
    fake.faults.push({ method: 'DELETE', path: /access\/users/, status: 200, action: 'perform', times: 1 });
    expect((await send('DELETE', `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`)).status).toBe(200);
    // `canned`: a declared status is checked, an undeclared one is not; `vanish` alike.
    fake.faults.push(
      { method: 'DELETE', path: /users\/7$/, status: 503, body: { anything: true }, times: 1 },
      { method: 'DELETE', path: /users\/7$/, status: 403, body: { anything: true }, times: 1 },
      { method: 'DELETE', path: /users\/7$/, status: 404, body: { anything: true }, action: 'vanish', times: 1 },
    );
    const statuses = [];
    for (const _ of [1, 2, 3]) statuses.push((await send('DELETE', '/iam/users/7')).status);
    expect(statuses).toEqual([503, 599, 599]);
    expect(fake.takeProblems()).toEqual([
      expect.stringMatching(/→ 403: body must have required property 'message'/),
      'DELETE /iam/users/7 → 404: a body, but gcore-iam-reseller DELETE /iam/users/{userId} 404 declares none',
    ]);
  });
});
