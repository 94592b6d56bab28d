import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type TestOptions, type TestPaths, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import { InternalServerError, RateLimitError } from './errors.js';
import { backoffDelay, parseRetryAfter, RETRY_DEFAULTS } from './retry.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  it('reads delta-seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Fri, 27 Nov 2026 10:00:05 GMT' }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Fri, 27 Nov 2026 09:59:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles from 500 ms up to 8 s and shaves at most a quarter off', () => {
    expect([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(retry, RETRY_DEFAULTS, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000,
    ]);
    expect(backoffDelay(1, RETRY_DEFAULTS, () => 1)).toBe(750);
  });
});

describe('retries (fake timers)', () => {
  let calls: { method: string; at: number }[];
  let answers: (() => Response)[];

  const fakeFetch = (async (_input: string | URL | Request, init?: RequestInit) => {
    calls.push({ method: String(init?.method), at: Date.now() });
    const next = answers.shift();
    if (!next) throw new TypeError('fetch failed');
    return next();
  }) as typeof fetch;

  const client = (options: Record<string, unknown> = {}) =>
    createApiClient<TestPaths, TestOptions>(
      testApi,
      { baseUrl: 'https://api.test', accessToken: 'token-abcdef', env: {}, fetch: fakeFetch, ...options },
      'x/1',
    );
  const get = (options: Record<string, unknown> = {}, callOptions: Record<string, unknown> = {}) =>
    client(options).GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 1 } },
      ...callOptions,
    });

  const status =
    (code: number, headers: Record<string, string> = {}) =>
    () =>
      new Response(JSON.stringify({ message: `status ${code}` }), {
        status: code,
        headers: { 'content-type': 'application/json', ...headers },
      });

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2026-11-27T10:00:00Z') });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    calls = [];
    answers = [];
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('backs off 500 ms then 1000 ms between attempts, then succeeds', async () => {
    answers = [status(503), status(503), status(200)];
    const call = get();
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(3);
    await expect(call).resolves.toMatchObject({ data: { message: 'status 200' } });
  });

  it('waits what Retry-After asks (seconds) instead of the backoff', async () => {
    answers = [status(429, { 'retry-after': '7' }), status(200)];
    const call = get();
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toBeDefined();
    expect(calls[1]!.at - calls[0]!.at).toBe(7000);
  });

  it('waits until a Retry-After HTTP date', async () => {
    answers = [status(503, { 'retry-after': 'Fri, 27 Nov 2026 10:00:12 GMT' }), status(200)];
    const call = get();
    await vi.advanceTimersByTimeAsync(12_000);
    await expect(call).resolves.toBeDefined();
    expect(calls[1]!.at - calls[0]!.at).toBe(12_000);
  });

  it('fails at once with the wait when Retry-After is beyond the cap', async () => {
    answers = [status(429, { 'retry-after': '3600' })];
    const error = await get().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
    expect((error as Error).message).toMatch(/retry after 3600 s/);
    expect(calls).toHaveLength(1);
  });

  it('honours a configured cap, per client and per call', async () => {
    answers = [status(429, { 'retry-after': '5' })];
    await expect(get({ maxRetryAfterMs: 1000 })).rejects.toMatchObject({ retryAfterMs: 5000 });
    answers = [status(429, { 'retry-after': '5' }), status(200)];
    const call = get({ maxRetryAfterMs: 1000 }, { maxRetryAfterMs: 10_000 });
    await vi.advanceTimersByTimeAsync(5000);
    await expect(call).resolves.toBeDefined();
  });

  it('gives up after maxRetries and surfaces the last answer', async () => {
    answers = [status(500), status(500), status(500), status(200)];
    const call = get().catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await call).toBeInstanceOf(InternalServerError);
    expect(calls).toHaveLength(3);
  });

  it('retries a connection error, and maxRetries 0 (per call) turns retries off', async () => {
    answers = [];
    const call = get({}, { maxRetries: 0 }).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await call).toMatchObject({ name: 'APIConnectionError' });
    expect(calls).toHaveLength(1);
  });

  it('never retries POST, whatever the status', async () => {
    answers = [status(503), status(200)];
    const call = client()
      .POST('/accounts/{accountId}/users', {
        params: { path: { accountId: '0123456789abcdef0123456789abcdef' } },
        body: { email: 'a@b.c' },
      })
      .catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await call).toBeInstanceOf(InternalServerError);
    expect(calls).toHaveLength(1);
  });

  it('paces requests to maxRequestsPerSecond', async () => {
    answers = [status(200), status(200), status(200)];
    const api = client({ maxRequestsPerSecond: 10 });
    const calls3 = Promise.all(
      [0, 1, 2].map(() =>
        api.GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 1 } } }),
      ),
    );
    await vi.advanceTimersByTimeAsync(250);
    await calls3;
    expect(calls.map((call) => call.at - calls[0]!.at)).toEqual([0, 100, 200]);
  });

  it('holds every request of the client after a 429 with Retry-After, not just the one retried', async () => {
    answers = [status(429, { 'retry-after': '2' }), status(200), status(200)];
    const api = client();
    const first = api.GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 1 } },
    });
    await vi.advanceTimersByTimeAsync(10);
    const second = api.GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 2 } },
    });
    await vi.advanceTimersByTimeAsync(1989);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([first, second]);
    expect(calls.slice(1).map((call) => call.at - calls[0]!.at)).toEqual([2000, 2000]);
  });

  it('retries 408 and retries DELETE (idempotent)', async () => {
    answers = [status(408), status(200)];
    const call = client().DELETE('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415' } },
    });
    await vi.advanceTimersByTimeAsync(500);
    await expect(call).resolves.toBeDefined();
    expect(calls.map((c) => c.method)).toEqual(['DELETE', 'DELETE']);
  });
});

describe('Retry-After: only delta-seconds or an HTTP-date (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  const read = (value: string) => parseRetryAfter(new Headers({ 'retry-after': value }), now);

  it('refuses what is neither, so the caller backs off exponentially', () => {
    for (const value of [
      '-5',
      '1.5',
      '+3',
      '3s',
      'soon',
      '2026-11-27T10:00:05Z',
      'Fri, 27 Nov 2026 10:00:05',
      'Fri, 31 Feb 2026 10:00:05 GMT',
    ]) {
      expect(read(value), value).toBeUndefined();
    }
  });

  it('reads the three HTTP-date formats as UTC', () => {
    expect(read('Fri, 27 Nov 2026 10:00:05 GMT')).toBe(5000);
    expect(read('Friday, 27-Nov-26 10:00:06 GMT')).toBe(6000);
    expect(read('Fri Nov 27 10:00:07 2026')).toBe(7000);
    expect(read('Fri Nov  7 10:00:07 2026')).toBe(0);
    expect(read(' 4 ')).toBe(4000);
  });
});

describe('a Retry-After of -5 backs off instead of retrying at once (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  it('waits the exponential backoff', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-27T10:00:00Z') });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const at: number[] = [];
    const answers = [503, 200];
    const fetch = (async () => {
      at.push(Date.now());
      const status = answers.shift()!;
      return Response.json({ status }, { status, headers: { 'retry-after': '-5' } });
    }) as typeof globalThis.fetch;
    const api = createApiClient<TestPaths, TestOptions>(
      testApi,
      { baseUrl: 'https://api.test', accessToken: 'token-abcdef', env: {}, fetch },
      'x/1',
    );
    const call = api.GET('/lookup');
    await vi.advanceTimersByTimeAsync(499);
    expect(at).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toBeDefined();
    expect(at[1]! - at[0]!).toBe(500);
  });
});
