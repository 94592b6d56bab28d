import fc from 'fast-check';
import { defaultPathSerializer } from 'openapi-fetch';
import { afterEach, describe, expect, it } from 'vitest';
import { json, startServer, type TestOptions, type TestPaths, type TestServer, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import { compilePathSerializer } from './request.js';

describe('compilePathSerializer', () => {
  // Templates and base URLs with the awkward parts: braces in odd places, label/matrix/explode
  // names, repeated names, names that are not given.
  const piece = fc.oneof(
    fc.constantFrom(
      '/',
      '/users',
      '/a.b',
      '{id}',
      '{user_id}',
      '{id}',
      '{.label}',
      '{;matrix}',
      '{list*}',
      '{',
      '}',
      '{}',
    ),
    fc.string({ unit: fc.constantFrom('a', '-', '_', '/', '%', ' '), maxLength: 4 }),
  );
  const template = fc.array(piece, { maxLength: 6 }).map((pieces) => `/${pieces.join('')}`);
  const base = fc.constantFrom('http://127.0.0.1:1', 'https://api.test/v4', 'https://api.test/{region}', '');
  const value = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(undefined),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('k', 'l'), fc.string({ maxLength: 3 })),
  );
  const params = fc.record(
    { id: value, user_id: value, label: value, matrix: value, list: value, region: value },
    { requiredKeys: [] },
  );

  it("gives openapi-fetch's default output for any template, base URL and values", () => {
    fc.assert(
      fc.property(template, base, params, (path, prefix, values) => {
        const url = `${prefix}${path}`;
        const expected = defaultPathSerializer(url, values);
        expect(compilePathSerializer(path)(url, values)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('percent-encodes each value as one segment', () => {
    const serialize = compilePathSerializer('/accounts/{accountId}/users/{userId}');
    expect(
      serialize('https://api.test/v1/accounts/{accountId}/users/{userId}', { accountId: 'a/b?c#', userId: 7 }),
    ).toBe('https://api.test/v1/accounts/a%2Fb%3Fc%23/users/7');
  });
});

describe('middleware bookkeeping', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('ejecting a middleware that was never registered still hands the registered ones a real Request', async () => {
    server = await startServer((_request, response) => json(response, 201, { id: 1 }));
    const api = createApiClient<TestPaths, TestOptions>(
      testApi,
      { baseUrl: server.url, accessToken: 'tok-abcdef', env: {} },
      'x/1',
    );
    const seen: unknown[] = [];
    api.use({
      onRequest({ request }) {
        seen.push(request instanceof Request);
        return new Request(request, { headers: { 'x-trace': 'trace-1', 'content-type': 'application/json' } });
      },
    });
    api.eject({ onRequest: () => undefined });
    await api.POST('/accounts/{accountId}/users', {
      params: { path: { accountId: '0123456789abcdef0123456789abcdef' } },
      body: { email: 'a@example.com' },
    });
    expect(seen).toEqual([true]);
    expect(server.requests[0]).toMatchObject({ method: 'POST', body: '{"email":"a@example.com"}' });
    expect(server.requests[0]?.headers['x-trace']).toBe('trace-1');
  });
});
