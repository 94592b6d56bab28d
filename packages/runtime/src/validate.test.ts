import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startServer, type TestOptions, type TestPaths, type TestServer, testApi } from '../test/helpers.js';
import { createApiClient } from './client.js';
import type { OperationDefinition, ParamRule } from './definition.js';
import { ValidationError } from './errors.js';
import { Redactor } from './redact.js';
import { canonicalParam, canonicalPathParams, validatePathParams } from './validate.js';

// Property: whatever string a caller passes as a path parameter, the request either is refused
// before sending, or reaches the server with the value as exactly one path segment.
let server: TestServer;
beforeAll(async () => {
  server = await startServer((_request, response) => json(response, 200, { id: 1 }));
});
afterAll(() => server.close());

describe('path parameters (property-based)', () => {
  it('never puts an unencoded /, ?, # or a dot segment from a parameter into the request path', async () => {
    const client = createApiClient<TestPaths, TestOptions>(
      testApi,
      { baseUrl: server.url, accessToken: 'token-abcdef', env: {}, maxRetries: 0 },
      'x/1',
    );
    const tricky = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('.', '/', '?', '#', '%', '2', 'e', 'E', '\\', ' ', 'a'), maxLength: 12 }),
      fc.constantFrom('..', '.', '%2e%2e', '.%2E', '../x', '..%2f', 'a/../b'),
    );
    await fc.assert(
      fc.asyncProperty(tricky, async (accountId) => {
        const before = server.requests.length;
        try {
          await client.GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId, userId: 1 } } });
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect(server.requests.length).toBe(before);
          return;
        }
        const received = server.requests.at(-1)!.url;
        const segments = received.split('?')[0]!.split('/');
        // ['', 'accounts', <accountId>, 'users', '1']: the value stayed one segment.
        expect(segments).toHaveLength(5);
        expect(segments.slice(0, 2)).toEqual(['', 'accounts']);
        expect(segments.slice(3)).toEqual(['users', '1']);
        expect(received).not.toContain('#');
        expect(received.includes('?')).toBe(false);
        expect(decodeURIComponent(segments[2]!)).toBe(accountId);
        expect(['.', '..']).not.toContain(decodeURIComponent(segments[2]!));
      }),
      { numRuns: 300 },
    );
  });
});

describe('integer ids, exactly', () => {
  const int64: ParamRule = { type: 'integer', format: 'int64', minimum: 1 };
  const int32: ParamRule = { type: 'integer', format: 'int32' };
  const operation = (rule: ParamRule): OperationDefinition => ({
    operationId: 'op',
    method: 'get',
    path: '/u/{id}',
    deprecated: false,
    pathParams: { id: rule },
  });
  const ok = (rule: ParamRule, id: unknown) => {
    try {
      validatePathParams(operation(rule), { id }, new Redactor());
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return false;
    }
  };

  it('takes int64 ids above 2^53 as digit strings, up to 2^63 - 1', () => {
    expect(ok(int64, '9007199254740993')).toBe(true);
    expect(ok(int64, '9223372036854775807')).toBe(true);
    expect(ok(int64, '9223372036854775808')).toBe(false);
    // biome-ignore lint/correctness/noPrecisionLoss: the lost digit is what this checks.
    expect(ok(int64, 9007199254740993)).toBe(false); // a JS number that already lost a digit
    expect(ok(int64, '0')).toBe(false);
    expect(ok(int64, '-1')).toBe(false);
  });

  it('bounds int32 to 2^31 - 1 and compares minimum and maximum exactly', () => {
    expect(ok(int32, '2147483647')).toBe(true);
    expect(ok(int32, '2147483648')).toBe(false);
    expect(ok(int32, '-2147483648')).toBe(true);
    expect(ok({ type: 'integer', maximum: 10 }, '10')).toBe(true);
    expect(ok({ type: 'integer', maximum: 10 }, '11')).toBe(false);
    expect(ok({ type: 'integer', exclusiveMinimum: 0 }, '0')).toBe(false);
    expect(ok({ type: 'integer', minimum: 1.5 }, '1')).toBe(false);
    expect(ok({ type: 'integer', minimum: 1.5 }, '2')).toBe(true);
  });

  it('refuses what a caller must trim or fix', () => {
    for (const id of [' 7', '7 ', '+7', '7.0', '1e3', '', '0x10']) expect(ok(int64, id)).toBe(false);
  });

  it('gives the canonical form', () => {
    expect(canonicalParam(int64, '007')).toBe('7');
    expect(canonicalParam({ type: 'integer' }, '-0')).toBe('0');
    expect(canonicalParam({ type: 'integer' }, -0)).toBe('0');
    expect(canonicalParam(int64, '9223372036854775807')).toBe('9223372036854775807');
    expect(canonicalParam(int64, 42)).toBe('42');
    expect(canonicalParam({ type: 'string', format: 'uuid' }, 'F174E90A-FAFE-4643-BBBC-4A0ED4FC8415')).toBe(
      'f174e90a-fafe-4643-bbbc-4a0ed4fc8415',
    );
    expect(canonicalParam({ type: 'string' }, 'AbC')).toBe('AbC');
  });

  it('the client sends path parameters in canonical form', async () => {
    const api = createApiClient<TestPaths, TestOptions>(
      testApi,
      { baseUrl: server.url, accessToken: 'token-abcdef', env: {} },
      'x/1',
    );
    await api.GET('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: '0009007199254740993' } },
    });
    await api.DELETE('/accounts/{accountId}/users/{userId}', {
      params: { path: { accountId: 'acme', userId: 'F174E90A-FAFE-4643-BBBC-4A0ED4FC8415' } },
    });
    expect(server.requests.slice(-2).map((request) => request.url)).toEqual([
      '/accounts/acme/users/9007199254740993',
      '/accounts/acme/users/f174e90a-fafe-4643-bbbc-4a0ed4fc8415?v=4.0',
    ]);
  });
});

describe('string lengths', () => {
  const operation = (rule: ParamRule): OperationDefinition => ({
    operationId: 'op',
    method: 'get',
    path: '/u/{name}',
    deprecated: false,
    pathParams: { name: rule },
  });
  const ok = (rule: ParamRule, name: string) => {
    try {
      canonicalPathParams(operation(rule), { name }, new Redactor());
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return false;
    }
  };

  it('count code points, as JSON Schema does, not UTF-16 units', () => {
    expect(ok({ type: 'string', maxLength: 3 }, '😀😀😀')).toBe(true); // 6 units, 3 code points
    expect(ok({ type: 'string', maxLength: 3 }, '😀😀😀😀')).toBe(false);
    expect(ok({ type: 'string', maxLength: 3 }, 'abcd')).toBe(false);
    expect(ok({ type: 'string', minLength: 2 }, '😀')).toBe(false); // 2 units, 1 code point
    expect(ok({ type: 'string', minLength: 2 }, '😀a')).toBe(true);
    expect(ok({ type: 'string', minLength: 2 }, 'a')).toBe(false);
  });
});

describe('canonicalPathParams', () => {
  const operation: OperationDefinition = {
    operationId: 'op',
    method: 'get',
    path: '/a/{id}/u/{user}',
    deprecated: false,
    pathParams: { id: { type: 'integer', minimum: 1 }, user: { type: 'string', format: 'uuid' } },
  };

  it('checks like validatePathParams and gives what canonicalParam gives, other keys as given', () => {
    const given = { id: '007', user: 'F174E90A-FAFE-4643-BBBC-4A0ED4FC8415', extra: 'kept' };
    expect(canonicalPathParams(operation, given, new Redactor())).toEqual({
      id: '7',
      user: 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415',
      extra: 'kept',
    });
    expect(given.id).toBe('007'); // the caller's object is not changed
    for (const bad of [{ id: '0', user: given.user }, { id: '7', user: 'nope' }, { id: '7' }, undefined]) {
      expect(() => canonicalPathParams(operation, bad, new Redactor())).toThrow(ValidationError);
      expect(() => validatePathParams(operation, bad, new Redactor())).toThrow(ValidationError);
    }
  });
});
