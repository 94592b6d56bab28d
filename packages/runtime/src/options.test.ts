import { describe, expect, it } from 'vitest';
import { type TestOptions, type TestPaths, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import { ValidationError } from './errors.js';

const fakeFetch = (async () => Response.json({ id: 1 })) as typeof fetch;
const create = (options: Record<string, unknown>) =>
  createApiClient<TestPaths, TestOptions>(
    testApi,
    { baseUrl: 'https://api.test', accessToken: 'tok-abcdef', env: {}, fetch: fakeFetch, ...options },
    'x/1',
  );
const caught = (thunk: () => unknown): Error => {
  try {
    thunk();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
};

describe('numeric options', () => {
  it.each([
    ['maxRetries', [-1, 1.5, 101, Number.NaN, Number.POSITIVE_INFINITY, '2']],
    ['timeout', [0, -1, 2_147_483_648, Number.NaN, Number.POSITIVE_INFINITY]],
    ['initialRetryDelayMs', [-1, 2_147_483_648, Number.NaN]],
    ['maxRetryDelayMs', [-0.5, Number.POSITIVE_INFINITY]],
    ['maxRetryAfterMs', [-1, 2_147_483_648]],
    ['maxRequestsPerSecond', [0, -2, Number.NaN, Number.POSITIVE_INFINITY]],
  ] as const)('refuses a bad %s at creation, naming it', (name, values) => {
    for (const value of values) {
      const error = caught(() => create({ [name]: value }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ parameter: name });
      expect(error.message).toMatch(new RegExp(`^${name} must be`));
    }
  });

  it('accepts the edges', () => {
    expect(() =>
      create({
        maxRetries: 0,
        timeout: 2_147_483_647,
        initialRetryDelayMs: 0,
        maxRetryDelayMs: 0,
        maxRetryAfterMs: 0,
        maxRequestsPerSecond: 0.1,
      }),
    ).not.toThrow();
    expect(() => create({ maxRetries: 100, timeout: 0.5 })).not.toThrow();
  });

  it('refuses a bad option per call, before anything is sent', async () => {
    const call = create({}).GET('/lookup', { timeout: Number.POSITIVE_INFINITY });
    await expect(call).rejects.toBeInstanceOf(ValidationError);
    await expect(call).rejects.toMatchObject({ parameter: 'timeout' });
    await expect(create({}).GET('/lookup', { maxRetries: 2.5 })).rejects.toMatchObject({ parameter: 'maxRetries' });
  });
});

describe('base URLs', () => {
  const build = (options: Record<string, unknown>) =>
    caught(() =>
      createApiClient<TestPaths, TestOptions>(testApi, { accessToken: 'tok-abcdef', env: {}, ...options }, 'x/1'),
    );

  it.each(['api.example.com', '/v1', 'ftp://api.example.com', 'not a url'])(
    'refuses %j at creation, naming where it came from',
    (value) => {
      const fromEnv = build({ env: { TEST_BASE_URL: value } });
      expect(fromEnv).toBeInstanceOf(ValidationError);
      expect(fromEnv.message).toMatch(/^TEST_BASE_URL (is not an absolute URL|must be an http or https URL)/);
      expect(build({ baseUrl: value }).message).toMatch(/^baseUrl /);
    },
  );

  it('refuses credentials in the URL without repeating them', () => {
    for (const value of ['https://ada:pa55word@api.example.com', 'https://ada@api.example.com']) {
      const error = build({ env: { TEST_BASE_URL: value } });
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe('TEST_BASE_URL must not contain credentials (user:password@): pass them as options');
      for (const text of [error.message, JSON.stringify(error), JSON.stringify(Object.entries(error))]) {
        expect(text).not.toMatch(/ada|pa55word/);
      }
    }
  });

  it('checks a base URL a hook resolves, per operation', async () => {
    const api = createApiClient<TestPaths, TestOptions>(
      testApi,
      { accessToken: 'tok-abcdef', env: {}, fetch: fakeFetch },
      'x/1',
      {
        resolveBaseUrl: async () => 'https://u:p@evil.example',
      },
    );
    const call = api.GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 1 } },
    });
    await expect(call).rejects.toBeInstanceOf(ValidationError);
    await expect(call).rejects.toThrow(/the base URL resolved for getUser must not contain credentials/);
  });
});
