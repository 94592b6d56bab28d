import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startServer, testApi, type TestOptions, type TestPaths, type TestServer } from '../test/helpers.js';
import { createApiClient } from './client.js';
import { ValidationError } from './errors.js';

// Property: whatever string a caller passes as a path parameter, the request either is refused
// before sending, or reaches the server with the value as exactly one path segment.
describe('path parameters (property-based)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_request, response) => json(response, 200, { id: 1 }));
  });
  afterAll(() => server.close());

  it('never puts an unencoded /, ?, # or a dot segment from a parameter into the request path', async () => {
    const client = createApiClient<TestPaths, TestOptions>(testApi, { baseUrl: server.url, accessToken: 'token-abcdef', env: {}, maxRetries: 0 }, 'x/1');
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
