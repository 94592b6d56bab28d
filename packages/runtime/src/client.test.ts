import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, startServer, type TestOptions, type TestPaths, type TestServer, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import type { ApiDefinition } from './definition.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
} from './errors.js';

const TOKEN = 'tok_live_5bd0c1f3e8a94a7b';

let server: TestServer;
let other: TestServer | undefined;

function client(options: Record<string, unknown> = {}, api: ApiDefinition = testApi) {
  return createApiClient<TestPaths, TestOptions>(
    api,
    { baseUrl: server.url, accessToken: TOKEN, env: {}, ...options },
    '@offboard/test-api/1.2.3',
  );
}

beforeEach(async () => {
  server = await startServer((request, response) => {
    if (request.url.startsWith('/accounts/acme/users/404'))
      return json(response, 404, { message: 'User not found' }, { 'x-request-id': 'req-42' });
    if (request.url.startsWith('/accounts/acme/users/403'))
      return json(response, 403, { errors: [{ code: 10000, message: 'no' }] });
    json(response, 200, { id: 7 });
  });
});

afterEach(async () => {
  await server.close();
  await other?.close();
  other = undefined;
});

describe('auth', () => {
  it('sends the bearer token from the option', async () => {
    await client().GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 7 } } });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('falls back to the environment variables, for the credential and the base URL', async () => {
    const api = createApiClient<TestPaths, TestOptions>(
      testApi,
      { env: { TEST_ACCESS_TOKEN: 'from-env-token', TEST_BASE_URL: server.url } },
      'x/1',
    );
    await api.GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 7 } } });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer from-env-token');
  });

  it('writes the apiKey prefix before a key sent in Authorization', async () => {
    const api: ApiDefinition = {
      ...testApi,
      security: [['key']],
      credentials: { key: { option: 'apiKey', env: 'K' } },
      apiKeyPrefix: 'APIKey',
    };
    await client({ apiKey: 'k-123456' }, api).GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 7 } },
    });
    expect(server.requests[0]?.headers.authorization).toBe('APIKey k-123456');
  });

  it('refuses to build a client without credentials, naming the option and the variable', () => {
    expect(() => createApiClient<TestPaths, TestOptions>(testApi, { env: {} }, 'x/1')).toThrow(ValidationError);
    expect(() => createApiClient<TestPaths, TestOptions>(testApi, { env: {} }, 'x/1')).toThrow(
      /accessToken \(or TEST_ACCESS_TOKEN\)/,
    );
  });

  it('sends no credential to an operation whose security is empty', async () => {
    await client().GET('/lookup');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('names the package and version in the User-Agent', async () => {
    await client().GET('/lookup');
    expect(server.requests[0]?.headers['user-agent']).toMatch(/^@offboard\/test-api\/1\.2\.3 node\/v\d+/);
  });
});

describe('path parameters', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['userId', { accountId: 'acme', userId: 0 }],
    ['userId', { accountId: 'acme', userId: -1 }],
    ['userId', { accountId: 'acme', userId: '1/2' }],
    ['userId', { accountId: 'acme', userId: '../x' }],
    ['userId', { accountId: 'acme', userId: 1.5 }],
    ['accountId', { accountId: '..', userId: 1 }],
    ['accountId', { accountId: '../x', userId: 1 }],
    ['accountId', { accountId: 'a'.repeat(33), userId: 1 }],
    ['accountId', { accountId: '', userId: 1 }],
    ['accountId', { userId: 1 }],
  ];
  it.each(bad)('refuses a bad %s before sending (%o)', async (parameter, path) => {
    const call = client().GET('/accounts/{accountId}/users/{userId}', { params: { path: path as never } });
    await expect(call).rejects.toBeInstanceOf(ValidationError);
    await expect(call).rejects.toMatchObject({ parameter });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a user id that is not a UUID where the spec says uuid', async () => {
    const call = client().DELETE('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: '42' } },
    });
    await expect(call).rejects.toThrow(/path parameter "userId" must be a UUID/);
    expect(server.requests).toHaveLength(0);
  });

  it('percent-encodes what it lets through', async () => {
    await client().GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'a?b#c %', userId: '7' } },
    });
    expect(server.requests[0]?.url).toBe('/accounts/a%3Fb%23c%20%25/users/7');
  });

  it('always sends a constant query parameter (v=4.0)', async () => {
    await client().DELETE('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415' } },
    });
    expect(server.requests[0]?.url).toBe('/accounts/acme/users/f174e90a-fafe-4643-bbbc-4a0ed4fc8415?v=4.0');
  });

  it('warns through the logger when an operation is deprecated', async () => {
    const warnings: string[] = [];
    await client({ logger: { warn: (line: string) => warnings.push(line) } }).POST('/accounts/{accountId}/users', {
      params: { path: { accountId: '0123456789abcdef0123456789abcdef' } },
      body: { email: 'a@example.com' },
    });
    expect(warnings).toEqual(['Test API: createUser is deprecated']);
  });
});

describe('errors', () => {
  it('throws NotFoundError with status, request id and the parsed body', async () => {
    const error = await client()
      .GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 404 } } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, requestId: 'req-42', body: { message: 'User not found' } });
    expect((error as Error).message).toBe('404 Not Found from GET /accounts/acme/users/404: User not found');
  });

  it('parses an errors[] envelope into the message', async () => {
    const call = client().GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 403 } },
    });
    await expect(call).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(call).rejects.toThrow(/10000 no/);
  });

  it('never retries a conflict', async () => {
    await server.close();
    server = await startServer((_request, response) => json(response, 409, { message: 'revision changed' }));
    const call = client().GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 1 } },
    });
    await expect(call).rejects.toBeInstanceOf(ConflictError);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 503 on GET, then surfaces InternalServerError', async () => {
    await server.close();
    server = await startServer((_request, response) => json(response, 503, { message: 'busy' }));
    const call = client({ initialRetryDelayMs: 1 }).GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 1 } },
    });
    await expect(call).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(3);
  });

  it('never retries a POST', async () => {
    await server.close();
    server = await startServer((_request, response) => json(response, 503, { message: 'busy' }));
    const call = client({ initialRetryDelayMs: 1 }).POST('/accounts/{accountId}/users', {
      params: { path: { accountId: '0123456789abcdef0123456789abcdef' } },
      body: { email: 'a@example.com' },
    });
    await expect(call).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refused connection as APIConnectionError after the retries', async () => {
    const closed = server.url;
    await server.close();
    const api = createApiClient<TestPaths, TestOptions>(
      testApi,
      { baseUrl: closed, accessToken: TOKEN, env: {}, initialRetryDelayMs: 1 },
      'x/1',
    );
    await expect(api.GET('/lookup')).rejects.toBeInstanceOf(APIConnectionError);
    server = await startServer((_request, response) => json(response, 200, {}));
  });

  it('times out an attempt that takes too long (per call), as APIConnectionTimeoutError', async () => {
    await server.close();
    server = await startServer((_request, response) => setTimeout(() => json(response, 200, {}), 2000));
    const call = client().GET('/lookup', { timeout: 50, maxRetries: 0 });
    await expect(call).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    await expect(call).rejects.toThrow(/timed out after 50 ms/);
  });
});

describe('credentials stay private', () => {
  it('follows a same-origin redirect with credentials', async () => {
    await server.close();
    server = await startServer((request, response) => {
      if (request.url === '/lookup') {
        response.writeHead(307, { location: '/moved' });
        return response.end();
      }
      json(response, 200, { found: true });
    });
    const { data } = await client().GET('/lookup');
    expect(data).toEqual({ found: true });
    expect(server.requests.map((request) => request.url)).toEqual(['/lookup', '/moved']);
  });

  it('drops every credential header on a redirect to another origin', async () => {
    other = await startServer((_request, response) => json(response, 200, { id: 1 }));
    await server.close();
    server = await startServer((_request, response) => {
      response.writeHead(302, { location: `${other!.url}/elsewhere` });
      response.end();
    });
    await client({ headers: { 'X-Auth-Key': 'legacy-key-123' } }).GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 1 } },
    });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(other.requests[0]?.url).toBe('/elsewhere');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers['x-auth-key']).toBeUndefined();
  });

  it('keeps the token out of error messages, JSON, inspect and logs, even when the provider echoes it', async () => {
    await server.close();
    server = await startServer((request, response) =>
      json(
        response,
        401,
        { message: `invalid token ${String(request.headers.authorization)}` },
        { 'set-cookie': 'session=abc' },
      ),
    );
    const lines: string[] = [];
    const error = await client({ logger: { debug: (line: string) => lines.push(line) } })
      .GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 1 } } })
      .then(
        () => new Error('resolved'),
        (caught: unknown) => caught as Error,
      );
    const surfaces = [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error), ...lines];
    for (const text of surfaces) expect(text).not.toContain(TOKEN);
    expect(error.message).toContain('[REDACTED]');
    expect((error as unknown as { headers: Record<string, string> }).headers['set-cookie']).toBe('[REDACTED]');
  });
});

describe('token provider', () => {
  it('shares one in-flight refresh between concurrent requests', async () => {
    let calls = 0;
    const tokenProvider = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { token: `issued-${calls}-abcdef`, expiresAt: Date.now() + 3_600_000 };
    };
    const api = client({ accessToken: tokenProvider });
    await Promise.all(
      Array.from({ length: 8 }, () =>
        api.GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 1 } } }),
      ),
    );
    expect(calls).toBe(1);
    expect(new Set(server.requests.map((request) => request.headers.authorization))).toEqual(
      new Set(['Bearer issued-1-abcdef']),
    );
  });

  it('refreshes once after a 401 and retries with the new token', async () => {
    await server.close();
    server = await startServer((request, response) =>
      request.headers.authorization === 'Bearer issued-2-abcdef'
        ? json(response, 200, { found: true })
        : json(response, 401, { error: 'access_denied' }),
    );
    let calls = 0;
    const api = client({ accessToken: async () => `issued-${++calls}-abcdef` });
    const { data } = await api.GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 1 } },
    });
    expect(data).toEqual({ found: true });
    expect(calls).toBe(2);
    expect(server.requests).toHaveLength(2);
  });
});
