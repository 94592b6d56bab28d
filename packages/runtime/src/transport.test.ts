import { describe, expect, it } from 'vitest';
import { json, serverPerTest, type TestOptions, type TestPaths, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import {
  APIConnectionTimeoutError,
  APIError,
  APIResponseBodyError,
  APIUserAbortError,
  NotFoundError,
  PermissionDeniedError,
  UnexpectedStatusError,
} from './errors.js';

const TOKEN = 'tok_live_9a8b7c6d5e4f3a2b';
const USER = 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415';

const servers = serverPerTest();
const { serve } = servers;

function client(options: Record<string, unknown> = {}) {
  return createApiClient<TestPaths, TestOptions>(
    testApi,
    { baseUrl: servers.current.url, accessToken: TOKEN, env: {}, ...options },
    'x/1',
  );
}

const remove = (api: ReturnType<typeof client>, init: Record<string, unknown> = {}) =>
  api.DELETE('/accounts/{accountId}/users/{userId}', {
    params: { path: { accountId: 'acme', userId: USER } },
    ...init,
  });

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    () => new Error('resolved'),
    (error: unknown) => error,
  );

describe('only a 2xx confirms', () => {
  it.each([
    [304, {}, /^304 from DELETE \/accounts\/acme\/users\/[0-9a-f-]+: not followed, not a success$/],
    [302, {}, /^302 from DELETE \/accounts\/acme\/users\/[0-9a-f-]+ without a Location: not followed, not a success$/],
    [301, { location: 'ftp://elsewhere.example/x' }, /301 from DELETE .* with a Location that cannot be followed/],
    [300, { location: '/choice' }, /^300 from DELETE .*: not followed, not a success$/],
  ] as const)('a %i (%o) is an UnexpectedStatusError, never retried', async (status, headers, message) => {
    await serve((_request, response) => {
      response.writeHead(status, headers);
      response.end();
    });
    const error = await settle(remove(client()));
    expect(error).toBeInstanceOf(UnexpectedStatusError);
    expect(error).toMatchObject({ status, method: 'DELETE' });
    expect((error as Error).message).toMatch(message);
    expect(servers.current.requests).toHaveLength(1);
  });

  it('still follows a redirect with a Location, and resolves on its 2xx', async () => {
    await serve((request, response) => {
      if (request.url.startsWith('/moved')) return json(response, 200, { ok: true });
      response.writeHead(308, { location: '/moved' });
      response.end();
    });
    await expect(remove(client())).resolves.toMatchObject({ data: { ok: true } });
  });

  it('turns a non-2xx Response supplied by a middleware into the typed error for its status', async () => {
    await serve((_request, response) => json(response, 200, { ok: true }));
    const api = client();
    api.use({ onResponse: () => Response.json({ message: 'not yours' }, { status: 403 }) });
    const error = await settle(remove(api));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, body: { message: 'not yours' } });

    const other = client();
    other.use({ onRequest: () => new Response(null, { status: 304 }) });
    expect(await settle(remove(other))).toBeInstanceOf(UnexpectedStatusError);
    expect(servers.current.requests).toHaveLength(1);
  });
});

describe('a status that arrived is kept when its body cannot be read', () => {
  it('invalid JSON in a 200', async () => {
    await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-7' });
      response.end(`{"echo": "${TOKEN}"`);
    });
    const error = await settle(remove(client()));
    expect(error).toBeInstanceOf(APIResponseBodyError);
    expect(error).toMatchObject({ status: 200, method: 'DELETE', requestId: 'req-7' });
    expect((error as Error).message).toMatch(
      /^200 from DELETE \/accounts\/acme\/users\/[0-9a-f-]+, but its body could not be read: it is not valid JSON$/,
    );
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });

  it('a connection reset mid-body', async () => {
    await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"ok":');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const error = await settle(remove(client({ maxRetries: 2 })));
    expect(error).toBeInstanceOf(APIResponseBodyError);
    expect(error).toMatchObject({ status: 200 });
    expect(servers.current.requests).toHaveLength(1);
  });

  it('a body that stalls after the headers times out under the same per-attempt timeout', async () => {
    await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"ok":');
    });
    const started = Date.now();
    const error = await settle(remove(client(), { timeout: 100 }));
    expect(error).toBeInstanceOf(APIResponseBodyError);
    expect((error as Error).message).toMatch(
      /200 from DELETE .*, but its body could not be read: timed out after 100 ms/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an error body that stalls still ends in its typed error', async () => {
    await serve((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.write('{"message":');
    });
    expect(await settle(remove(client(), { timeout: 100 }))).toBeInstanceOf(NotFoundError);
  });

  it('headers that never come are still a timeout with no status', async () => {
    await serve(() => undefined);
    const error = await settle(remove(client({ maxRetries: 0 }), { timeout: 50 }));
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(error).not.toBeInstanceOf(APIError);
    expect('status' in (error as object)).toBe(false);
  });
});

describe('caller abort: always an APIUserAbortError, its reason the cause', () => {
  const abortAfter = (ms: number) => {
    const controller = new AbortController();
    const reason = new Error('operator pressed ^C');
    setTimeout(() => controller.abort(reason), ms);
    return { signal: controller.signal, reason };
  };
  const expectAbort = (error: unknown, reason: unknown) => {
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(error).not.toBeInstanceOf(APIError);
    expect((error as Error).cause).toBe(reason);
  };

  it('while the request is in flight', async () => {
    await serve(() => undefined);
    const { signal, reason } = abortAfter(30);
    const error = await settle(remove(client(), { signal }));
    expectAbort(error, reason);
    expect(error).toMatchObject({ status: undefined });
    expect((error as Error).message).toMatch(/^DELETE \/accounts\/acme\/users\/.* was aborted by the caller$/);
  });

  it('during a backoff sleep between retries', async () => {
    await serve((_request, response) => json(response, 503, { message: 'busy' }));
    const { signal, reason } = abortAfter(100);
    expectAbort(await settle(remove(client({ initialRetryDelayMs: 10_000 }), { signal })), reason);
    expect(servers.current.requests).toHaveLength(1);
  });

  it('while waiting for a paced turn', async () => {
    await serve((_request, response) => json(response, 200, { ok: true }));
    const api = client({ maxRequestsPerSecond: 0.5 });
    await remove(api);
    const { signal, reason } = abortAfter(30);
    expectAbort(await settle(remove(api, { signal })), reason);
    expect(servers.current.requests).toHaveLength(1);
  });

  it('during the body read of a 2xx: the status that arrived is on the error', async () => {
    await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-9' });
      response.write('{"ok":');
    });
    const { signal, reason } = abortAfter(100);
    const error = await settle(remove(client(), { signal }));
    expectAbort(error, reason);
    expect(error).toMatchObject({ status: 200, requestId: 'req-9' });
    expect((error as Error).message).toMatch(/aborted by the caller after a 200 arrived/);
  });

  it('during the body read of an error answer', async () => {
    await serve((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.write('{"message":');
    });
    const { signal, reason } = abortAfter(100);
    expectAbort(await settle(remove(client(), { signal })), reason);
  });

  it('already aborted before the call: nothing is sent', async () => {
    await serve((_request, response) => json(response, 200, { ok: true }));
    const reason = new Error('too late');
    expectAbort(await settle(remove(client(), { signal: AbortSignal.abort(reason) })), reason);
    expect(servers.current.requests).toHaveLength(0);
  });

  it('while a token provider is still fetching the token: nothing is sent', async () => {
    await serve((_request, response) => json(response, 200, { ok: true }));
    const api = client({ accessToken: () => new Promise<string>(() => undefined) });
    const { signal, reason } = abortAfter(30);
    expectAbort(await settle(remove(api, { signal })), reason);
    expect(servers.current.requests).toHaveLength(0);
  });

  it('in a middleware that waits, or that throws its own error when the signal aborts', async () => {
    await serve((_request, response) => json(response, 200, { ok: true }));
    const waiting = client();
    waiting.use({ onRequest: () => new Promise<undefined>(() => undefined) });
    const first = abortAfter(30);
    expectAbort(await settle(remove(waiting, { signal: first.signal })), first.reason);

    const throwing = client();
    throwing.use({
      onRequest: ({ request }) =>
        new Promise<undefined>((_resolve, reject) =>
          request.signal.addEventListener('abort', () => reject(new Error('middleware gave up'))),
        ),
    });
    const second = abortAfter(30);
    expectAbort(await settle(remove(throwing, { signal: second.signal })), second.reason);
    expect(servers.current.requests).toHaveLength(0);
  });

  it('while a hook resolves the base URL: nothing is sent', async () => {
    await serve((_request, response) => json(response, 200, { ok: true }));
    const api = createApiClient<TestPaths, TestOptions>(testApi, { accessToken: TOKEN, env: {} }, 'x/1', {
      resolveBaseUrl: () => new Promise<string>(() => undefined),
    });
    const { signal, reason } = abortAfter(30);
    expectAbort(await settle(remove(api, { signal })), reason);
    expect(servers.current.requests).toHaveLength(0);
  });

  it('an abort without a reason still has one: the AbortError the signal made', async () => {
    await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await settle(remove(client(), { signal: controller.signal }));
    expectAbort(error, controller.signal.reason);
    expect((error as Error).cause).toMatchObject({ name: 'AbortError' });
  });
});

describe('middleware returning a real Request', () => {
  it('new Request(request, { headers }) keeps the method, the body and the credentials', async () => {
    await serve((_request, response) => json(response, 201, { id: 1 }));
    const api = client();
    api.use({
      onRequest({ request }) {
        const headers = new Headers(request.headers);
        headers.set('x-trace', 'trace-1');
        return new Request(request, { headers });
      },
    });
    const { data } = await api.POST('/accounts/{accountId}/users', {
      params: { path: { accountId: '0123456789abcdef0123456789abcdef' } },
      body: { email: 'a@example.com' },
    });
    expect(data).toEqual({ id: 1 });
    expect(servers.current.requests[0]).toMatchObject({ method: 'POST', body: '{"email":"a@example.com"}' });
    expect(servers.current.requests[0]?.headers).toMatchObject({
      'x-trace': 'trace-1',
      authorization: `Bearer ${TOKEN}`,
    });
  });

  it('a middleware may change the URL', async () => {
    await serve((_request, response) => json(response, 200, { id: 2 }));
    const api = client();
    api.use({
      onRequest: ({ request }) =>
        new Request(request.url.replace('/users/7', '/users/8'), { method: request.method, headers: request.headers }),
    });
    await api.GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 7 } } });
    expect(servers.current.requests.map((request) => request.url)).toEqual(['/accounts/acme/users/8']);
  });
});

describe('a client-level signal', () => {
  it('aborts every call of the client, beside the call’s own signal', async () => {
    await serve(() => undefined);
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const api = client({ signal: controller.signal });
    const calls = [settle(remove(api)), settle(remove(api, { signal: new AbortController().signal }))];
    setTimeout(() => controller.abort(reason), 30);
    for (const error of await Promise.all(calls)) {
      expect(error).toBeInstanceOf(APIUserAbortError);
      expect((error as Error).cause).toBe(reason);
    }
  });
});

describe('error bodies', () => {
  it('are read up to 64 KiB, and a secret echoed across the cut leaves no piece behind', async () => {
    const filler = 'x'.repeat(64 * 1024 - 8);
    await serve((_request, response) => {
      response.writeHead(400, { 'content-type': 'text/plain' });
      // 8 MB in all: a server that would fill memory; the token straddles the cut.
      response.write(`${filler}${TOKEN}`);
      response.end('y'.repeat(8 * 1024 * 1024));
    });
    const error = (await settle(remove(client()))) as APIError;
    expect(error.status).toBe(400);
    expect(typeof error.body).toBe('string');
    expect((error.body as string).length).toBeLessThan(64 * 1024 + 100);
    expect(error.body).toMatch(/… \(cut at 65536 bytes\)$/);
    for (const text of [error.body as string, error.message, JSON.stringify(error)])
      expect(text).not.toContain(TOKEN.slice(0, 4));
  });
});
