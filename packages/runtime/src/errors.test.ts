import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { json, startServer, type TestOptions, type TestPaths, type TestServer, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import {
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
  OffboardError,
  PermissionDeniedError,
  RateLimitError,
  UnexpectedStatusError,
  ValidationError,
} from './errors.js';
import * as publicErrors from './public-errors.js';

const answered = { status: 400 };

// Every class, an instance of it, and the classes it must be an instance of (itself included).
const CLASSES = [
  [OffboardError, new OffboardError('x'), [OffboardError]],
  [APIError, new APIError('x', answered), [OffboardError, APIError]],
  [BadRequestError, new BadRequestError('x', answered), [OffboardError, APIError, BadRequestError]],
  [AuthenticationError, new AuthenticationError('x', answered), [OffboardError, APIError, AuthenticationError]],
  [PermissionDeniedError, new PermissionDeniedError('x', answered), [OffboardError, APIError, PermissionDeniedError]],
  [NotFoundError, new NotFoundError('x', answered), [OffboardError, APIError, NotFoundError]],
  [ConflictError, new ConflictError('x', answered), [OffboardError, APIError, ConflictError]],
  [RateLimitError, new RateLimitError('x', answered), [OffboardError, APIError, RateLimitError]],
  [InternalServerError, new InternalServerError('x', answered), [OffboardError, APIError, InternalServerError]],
  [UnexpectedStatusError, new UnexpectedStatusError('x', answered), [OffboardError, APIError, UnexpectedStatusError]],
  [APIResponseBodyError, new APIResponseBodyError('x', answered), [OffboardError, APIError, APIResponseBodyError]],
  [APIConnectionError, new APIConnectionError('x'), [OffboardError, APIConnectionError]],
  [
    APIConnectionTimeoutError,
    new APIConnectionTimeoutError('x'),
    [OffboardError, APIConnectionError, APIConnectionTimeoutError],
  ],
  [APIUserAbortError, new APIUserAbortError('x'), [OffboardError, APIUserAbortError]],
  [ValidationError, new ValidationError('x', 'p', 'r'), [OffboardError, ValidationError]],
] as const satisfies readonly (readonly [abstract new (...args: never[]) => Error, Error, readonly unknown[]])[];

describe('one root for every error', () => {
  it.each(CLASSES.map(([type, instance, ancestors]) => [type.name, instance, ancestors] as const))(
    '%s is an instance of exactly its own line of the tree',
    (name, instance, ancestors) => {
      expect(instance).toBeInstanceOf(Error);
      expect(instance.name).toBe(name);
      for (const [other] of CLASSES) {
        expect([other.name, instance instanceof other]).toEqual([
          other.name,
          (ancestors as readonly unknown[]).includes(other),
        ]);
      }
    },
  );

  it('the list client packages re-export holds every class, the root included', () => {
    expect(Object.keys(publicErrors).sort()).toEqual(CLASSES.map(([type]) => type.name).sort());
  });

  it('only an APIError carries a status of an answer; a connection error or a refusal carries none', () => {
    expect(new NotFoundError('x', { status: 404 }).status).toBe(404);
    expect('status' in new APIConnectionError('x')).toBe(false);
    expect('status' in new APIConnectionTimeoutError('x')).toBe(false);
    expect('status' in new ValidationError('x', 'p', 'r')).toBe(false);
    expect(new APIUserAbortError('x').status).toBeUndefined();
  });

  it('keeps the cause, and shows what it carries in JSON and inspect', () => {
    const cause = new Error('socket hang up');
    const error = new APIConnectionError('GET https://api.test/x failed', {
      method: 'GET',
      url: 'https://api.test/x',
      cause,
    });
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'APIConnectionError',
      message: 'GET https://api.test/x failed',
      method: 'GET',
      url: 'https://api.test/x',
    });
    expect(JSON.parse(JSON.stringify(new ValidationError('bad', 'userId', 'a UUID')))).toEqual({
      name: 'ValidationError',
      message: 'bad',
      parameter: 'userId',
      rule: 'a UUID',
    });
    expect(inspect(new ValidationError('bad', 'userId', 'a UUID'))).toMatch(/^ValidationError: bad\n.*rule: 'a UUID'/s);
    expect(new OffboardError('x').cause).toBeUndefined();
  });
});

describe('no credential in any message', () => {
  const TOKEN = 'tok_live_c0ffee5e4f3a2b1d';
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const client = (baseUrl: string, options: Record<string, unknown> = {}) =>
    createApiClient<TestPaths, TestOptions>(
      testApi,
      { baseUrl, accessToken: TOKEN, env: {}, maxRetries: 0, ...options },
      'x/1',
    );
  // The token where a careless caller may put it: in the query, in a path parameter.
  const lookup = (api: ReturnType<typeof client>, init: Record<string, unknown> = {}) =>
    api.GET('/lookup', { params: { query: { q: TOKEN } }, ...init } as never);
  const settle = (promise: Promise<unknown>) =>
    promise.then(
      () => new Error('resolved'),
      (error: unknown) => error as Error,
    );

  async function expectScrubbed(error: Error, type: abstract new (...args: never[]) => Error) {
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(OffboardError);
    const surfaces = [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error)];
    for (const text of surfaces) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(encodeURIComponent(TOKEN).slice(0, 8));
    }
  }

  it('ValidationError: a bad path parameter holding the token', async () => {
    server = await startServer((_request, response) => json(response, 200, {}));
    const error = await settle(
      client(server.url).GET('/accounts/{accountId}/users/{userId}', {
        params: { path: { accountId: 'acme', userId: TOKEN } },
      }),
    );
    await expectScrubbed(error, ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it('APIConnectionError: a refused connection', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    await expectScrubbed(await settle(lookup(client(closed.url))), APIConnectionError);
  });

  it('APIConnectionTimeoutError: no answer in time', async () => {
    server = await startServer(() => undefined);
    await expectScrubbed(await settle(lookup(client(server.url), { timeout: 50 })), APIConnectionTimeoutError);
  });

  it('APIUserAbortError: aborted in flight', async () => {
    server = await startServer(() => undefined);
    const controller = new AbortController();
    const call = settle(lookup(client(server.url), { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('stop')), 30);
    await expectScrubbed(await call, APIUserAbortError);
  });

  it('APIError subclasses and APIResponseBodyError: a provider that echoes the token', async () => {
    server = await startServer((request, response) => {
      if (request.url.includes('bad-json')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(`{"echo": "${request.url}"`);
      }
      json(response, 400, { message: `bad query ${request.url} ${String(request.headers.authorization)}` });
    });
    await expectScrubbed(await settle(lookup(client(server.url))), BadRequestError);
    const bodyError = await settle(
      client(server.url).GET('/lookup', { params: { query: { q: TOKEN, x: 'bad-json' } } } as never),
    );
    await expectScrubbed(bodyError, APIResponseBodyError);
  });
});
