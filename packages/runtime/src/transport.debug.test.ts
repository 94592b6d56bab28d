// The debug log: one line per attempt that got an answer or failed, against loopback servers.
import { describe, expect, it, vi } from 'vitest';
import { json, serverPerTest, type TestOptions, type TestPaths, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import { APIConnectionError, APIUserAbortError, NotFoundError } from './errors.js';
import { requestIdOf } from './request-id.js';

const TOKEN = 'tok_live_5e4f3a2b9a8b7c6d';
const USER = 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415';
const ms = '\\d+ms';

const servers = serverPerTest();
const { serve } = servers;

function client(lines: string[], options: Record<string, unknown> = {}) {
  return createApiClient<TestPaths, TestOptions>(
    testApi,
    {
      baseUrl: servers.current.url,
      accessToken: TOKEN,
      env: {},
      initialRetryDelayMs: 1,
      maxRetryDelayMs: 1,
      logger: { debug: (line: string) => lines.push(line) },
      ...options,
    },
    'x/1',
  );
}

const get = (api: ReturnType<typeof client>, init: Record<string, unknown> = {}) =>
  api.GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 1 } }, ...init });

const remove = (api: ReturnType<typeof client>, query: Record<string, string> = {}) =>
  api.DELETE('/accounts/{accountId}/users/{userId}', {
    params: { path: { accountId: 'acme', userId: USER }, query: query as { v?: '4.0' } },
  });

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    () => new Error('resolved'),
    (error: unknown) => error,
  );

describe('the debug log', () => {
  it('has one line per attempt, retries included: method, path, status, time, request id', async () => {
    let count = 0;
    await serve((_request, response) => {
      count++;
      if (count === 1) return json(response, 503, { message: 'busy' }, { 'x-request-id': 'req-1' });
      if (count === 2)
        return json(response, 429, { message: 'slow down' }, { 'request-id': 'req-2', 'retry-after': '0' });
      json(response, 200, { id: 1 }, { 'cf-ray': '8f1c2d3e4a5b6c7d-AMS' });
    });
    const lines: string[] = [];
    await get(client(lines, { maxRetries: 2 }));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^GET /accounts/acme/users/1 503 ${ms} request-id=req-1, retry 1/2 in 1ms$`));
    expect(lines[1]).toMatch(
      new RegExp(`^GET /accounts/acme/users/1 429 ${ms} request-id=req-2, retry 2/2 in 0ms \\(Retry-After\\)$`),
    );
    expect(lines[2]).toMatch(new RegExp(`^GET /accounts/acme/users/1 200 ${ms} request-id=8f1c2d3e4a5b6c7d-AMS$`));
  });

  it('shows the query, and takes the first request-id header in the fixed order', async () => {
    await serve((_request, response) =>
      json(response, 404, { message: 'no such user' }, { 'cf-ray': 'ray-2', 'x-request-id': 'req-1' }),
    );
    const lines: string[] = [];
    const error = await settle(remove(client(lines)));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^DELETE /accounts/acme/users/${USER}\\?v=4\\.0 404 ${ms} request-id=req-1$`)),
    ]);
  });

  it("takes an error body's trace_id (nscale) when the headers carry no id", async () => {
    await serve((_request, response) => json(response, 403, { error: 'forbidden', trace_id: '57bc14d9bd461f0b' }));
    const lines: string[] = [];
    await settle(get(client(lines)));
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^GET /accounts/acme/users/1 403 ${ms} request-id=57bc14d9bd461f0b$`)),
    ]);
  });

  it('has no request id part when the answer has none', async () => {
    await serve((_request, response) => json(response, 200, { id: 1 }));
    const lines: string[] = [];
    await get(client(lines));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^GET /accounts/acme/users/1 200 ${ms}$`))]);
  });

  it('names why an attempt got no answer: reset, then timeout', async () => {
    let count = 0;
    await serve((_request, response) => {
      count++;
      if (count === 1) response.socket?.destroy();
      // The second request is never answered: the per-attempt timeout ends it.
    });
    const lines: string[] = [];
    const error = await settle(get(client(lines, { maxRetries: 1, timeout: 200 })));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^GET /accounts/acme/users/1 reset ${ms}, retry 1/1 in 1ms$`));
    expect(lines[1]).toMatch(/^GET \/accounts\/acme\/users\/1 timeout (\d+)ms$/);
    expect(Number(/ (\d+)ms$/.exec(lines[1]!)?.[1])).toBeGreaterThanOrEqual(150);
  });

  it('says refused when nothing listens, and aborted when the caller aborts in flight', async () => {
    await serve(() => undefined);
    const closed = servers.current.url;
    await servers.current.close();
    const refusedLines: string[] = [];
    await settle(get(client(refusedLines, { baseUrl: closed, maxRetries: 0 })));
    expect(refusedLines).toEqual([expect.stringMatching(new RegExp(`^GET /accounts/acme/users/1 refused ${ms}$`))]);

    await serve(() => undefined);
    const lines: string[] = [];
    const controller = new AbortController();
    const call = settle(get(client(lines), { signal: controller.signal }));
    await vi.waitFor(() => expect(servers.current.requests).toHaveLength(1));
    controller.abort(new Error('user pressed ^C'));
    expect(await call).toBeInstanceOf(APIUserAbortError);
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toMatch(new RegExp(`^GET /accounts/acme/users/1 aborted ${ms}$`));
  });

  it('logs a refresh after a 401 as its own attempt', async () => {
    await serve((request, response) =>
      request.headers.authorization === 'Bearer issued-2-abcdef'
        ? json(response, 200, { id: 1 }, { 'x-request-id': 'ok-2' })
        : json(response, 401, { error: 'expired' }, { 'x-request-id': 'no-1' }),
    );
    const lines: string[] = [];
    let calls = 0;
    await get(client(lines, { accessToken: async () => `issued-${++calls}-abcdef` }));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^GET /accounts/acme/users/1 401 ${ms} request-id=no-1, retry with a fresh token$`),
      ),
      expect.stringMatching(new RegExp(`^GET /accounts/acme/users/1 200 ${ms} request-id=ok-2$`)),
    ]);
  });

  it('never prints a credential, in the query or echoed in a request id', async () => {
    await serve((request, response) =>
      json(response, 200, { id: 1 }, { 'x-request-id': `echo ${String(request.headers.authorization)}` }),
    );
    const lines: string[] = [];
    await remove(client(lines), { v: '4.0', key: TOKEN, encoded: `a ${TOKEN}/` });
    expect(servers.current.requests[0]?.url).toContain(TOKEN); // it was sent: only the line hides it
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain(TOKEN.slice(4));
    expect(lines[0]).toMatch(
      new RegExp(
        `^DELETE /accounts/acme/users/${USER}\\?v=4\\.0&key=\\[REDACTED\\]&encoded=a%20\\[REDACTED\\]%2F 200 ${ms} request-id=echo \\[REDACTED\\]$`,
      ),
    );
  });

  it('gives the request id of a success with the credential redacted (requestIdOf on the answer), logger or not', async () => {
    await serve((request, response) =>
      json(response, 200, { id: 1 }, { 'x-request-id': `echo ${String(request.headers.authorization)}` }),
    );
    for (const options of [{}, { logger: undefined }]) {
      const { response } = await get(client([], options));
      expect(response.headers.get('x-request-id')).toContain(TOKEN); // the header as sent
      expect(requestIdOf(response)).toBe('echo [REDACTED]');
    }
  });

  it('redacts a request id before cutting it: a secret across the cut leaves no piece', async () => {
    // The token straddles the 128-character cut: cut first, its start would survive redaction.
    await serve((_request, response) => json(response, 404, {}, { 'x-request-id': `${'x'.repeat(120)}${TOKEN}` }));
    const lines: string[] = [];
    const error = (await settle(get(client(lines)))) as NotFoundError;
    expect(lines).toHaveLength(1);
    for (const text of [lines[0]!, error.requestId!]) {
      expect(text).not.toContain(TOKEN.slice(0, 8));
      expect(text).toContain(`${'x'.repeat(120)}[REDACTE…`);
    }
  });

  it('never prints the origin, even for a base URL with a path', async () => {
    await serve((_request, response) => json(response, 200, { id: 1 }));
    const lines: string[] = [];
    await get(client(lines, { baseUrl: `${servers.current.url}/api/v2` }));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^GET /api/v2/accounts/acme/users/1 200 ${ms}$`))]);
    expect(lines[0]).not.toContain('127.0.0.1');
  });

  it('escapes control characters in a request id and cuts a long one', async () => {
    let count = 0;
    await serve((_request, response) => {
      count++;
      // What a header can carry on the wire: a tab, and latin-1 bytes such as the 8-bit CSI (0x9B).
      const id = count === 1 ? 'a\tb\x9b31mred' : 'x'.repeat(5000);
      json(response, count === 1 ? 500 : 200, { id: 1 }, { 'x-request-id': id });
    });
    const lines: string[] = [];
    const api = client(lines, { maxRetries: 1 });
    await get(api);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^GET /accounts/acme/users/1 500 ${ms} request-id=a\\\\u0009b\\\\u009b31mred, retry`),
    );
    expect(lines[0]).not.toMatch(/[\t\u009b]/);
    expect(lines[1]).toMatch(new RegExp(`^GET /accounts/acme/users/1 200 ${ms} request-id=x{128}…$`));
  });

  it('a logger that throws does not change how the call ends', async () => {
    await serve((_request, response) => json(response, 200, { id: 1 }));
    const api = client([], {
      logger: {
        debug: () => {
          throw new Error('stderr is gone');
        },
      },
    });
    await expect(get(api)).resolves.toMatchObject({ data: { id: 1 } });
  });
});

describe('without a logger.debug', () => {
  it('logs nothing, even through a logger that only warns', async () => {
    await serve((_request, response) => json(response, 503, { message: 'busy' }, { 'x-request-id': 'req-1' }));
    const warnings: string[] = [];
    await settle(get(client([], { logger: { warn: (line: string) => warnings.push(line) }, maxRetries: 1 })));
    expect(servers.current.requests).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('reads no clock for it (the hot path stays as cheap as without logging)', async () => {
    // A fetch of our own: only the runtime's clock reads are counted, not the HTTP stack's.
    const fetch = async () => Response.json({ id: 1 }, { headers: { 'x-request-id': 'req-1' } });
    await serve(() => undefined);
    const now = vi.spyOn(Date, 'now');
    try {
      await get(client([], { fetch, logger: undefined }));
      await get(client([], { fetch, logger: {} }));
      expect(now).not.toHaveBeenCalled();
      const lines: string[] = [];
      await get(client(lines, { fetch }));
      expect(now).toHaveBeenCalled(); // the spy sees the clock when there is a logger.debug
      expect(lines).toHaveLength(1);
    } finally {
      now.mockRestore();
    }
  });
});
