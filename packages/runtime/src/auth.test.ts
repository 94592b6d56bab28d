import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, startServer, type TestOptions, type TestPaths, type TestServer, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import type { ApiDefinition } from './definition.js';
import { ValidationError } from './errors.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer((request, response) =>
    json(response, 401, {
      message: `bad credential ${String(request.headers.authorization ?? request.headers['x-auth-key'])}`,
    }),
  );
});
afterEach(() => server.close());

const create = (options: Record<string, unknown>, api: ApiDefinition = testApi) =>
  createApiClient<TestPaths, TestOptions>(api, { baseUrl: server.url, env: {}, maxRetries: 0, ...options }, 'x/1');
const get = (client: ReturnType<typeof create>) =>
  client.GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 1 } } });
const caught = (thunk: () => unknown): unknown => {
  try {
    thunk();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('credentials are normalised where they are read', () => {
  it.each([
    ['a trailing newline ($(cat token.txt))', 'tok_abc123\n'],
    ['surrounding spaces and tabs', ' \ttok_abc123 '],
    ['CRLF', 'tok_abc123\r\n'],
  ])('trims %s, from the option and from the environment', async (_label, given) => {
    await get(create({ accessToken: given })).catch(() => undefined);
    await get(create({ env: { TEST_ACCESS_TOKEN: given } })).catch(() => undefined);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer tok_abc123',
      'Bearer tok_abc123',
    ]);
  });

  it.each([
    ['a line break inside', 'tok_abc\n123'],
    ['a tab inside', 'tok\tabc'],
    ['a control character', 'tok\u0000abc'],
    ['non-ASCII', 'tøk_abc123'],
  ])('refuses %s at creation, naming the variable and the option, never the value', (_label, given) => {
    const fromEnv = caught(() => create({ env: { TEST_ACCESS_TOKEN: given } }));
    expect(fromEnv).toBeInstanceOf(ValidationError);
    expect((fromEnv as Error).message).toBe(
      'TEST_ACCESS_TOKEN (option accessToken) contains a line break or other character that cannot be sent in a header',
    );
    const fromOption = caught(() => create({ accessToken: given }));
    expect((fromOption as Error).message).toMatch(/^option accessToken \(or TEST_ACCESS_TOKEN\) contains a line break/);
    for (const error of [fromEnv, fromOption]) {
      for (const text of [(error as Error).message, JSON.stringify(error), inspect(error)])
        expect(text).not.toContain(given.trim());
    }
    expect(server.requests).toHaveLength(0);
  });

  it('takes a short credential (an email is one)', async () => {
    const api: ApiDefinition = {
      ...testApi,
      securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Auth-Key' } },
      security: [['key']],
      credentials: { key: { option: 'apiKey', env: 'K' } },
    };
    const error = (await get(create({ apiKey: 'a@b.co' }, api)).catch((e: unknown) => e)) as Error;
    expect(server.requests[0]?.headers['x-auth-key']).toBe('a@b.co');
    expect(error.message).not.toContain('a@b.co');
  });

  it('normalises and checks what a token provider returns', async () => {
    await get(create({ accessToken: async () => ' issued-tok-1\n' })).catch(() => undefined);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer issued-tok-1');
    const error = await get(create({ accessToken: async () => 'issued\r\nX-Evil: 1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      'the token provider of option accessToken (or TEST_ACCESS_TOKEN) contains a line break or other character that cannot be sent in a header',
    );
    // The first client: its 401 refreshed the token once; the second sent nothing.
    expect(server.requests).toHaveLength(2);
  });

  it('scrubs the Basic credential as given (base64) and decoded, and the password alone', async () => {
    const basic = Buffer.from('ada:s3cret-pw').toString('base64');
    server.close();
    server = await startServer((_request, response) =>
      json(
        response,
        403,
        { message: `user ada:s3cret-pw, password s3cret-pw, sent ${basic}` },
        { location: `/x?p=s3cret%2Dpw` },
      ),
    );
    const api: ApiDefinition = {
      ...testApi,
      securitySchemes: { basic: { type: 'http', scheme: 'basic' } },
      security: [['basic']],
      credentials: { basic: { option: 'basic' } },
    };
    const error = (await get(create({ basic: `${basic}\n` }, api)).catch((e: unknown) => e)) as Error & {
      headers: Record<string, string>;
    };
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${basic}`);
    expect(error.message).toBe(
      '403 Forbidden from GET /accounts/acme/users/1: user [REDACTED], password [REDACTED], sent [REDACTED]',
    );
    expect(error.headers.location).toBe('/x?p=[REDACTED]');
  });
});
