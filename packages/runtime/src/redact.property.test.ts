import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestOptions, type TestPaths, type TestServer, testApi } from '../test/helpers.js';
import { type ApiClient, createApiClient } from './client.js';
import type { ApiDefinition } from './definition.js';
import { APIError, ValidationError } from './errors.js';

// Property: whatever token a caller passes, it is either refused at creation (without its value
// in the error) or sent trimmed; and however a server echoes the received credential (JSON body,
// a header, the request id, a Location, followed or not), no form of it reaches the error or the logger.

const schemes: Record<string, { api: ApiDefinition; option: string; header: string; prefix: string }> = {
  bearer: { api: testApi, option: 'accessToken', header: 'authorization', prefix: 'Bearer ' },
  gcore: {
    api: {
      ...testApi,
      security: [['key']],
      credentials: { key: { option: 'apiKey', env: 'TEST_API_KEY' } },
      apiKeyPrefix: 'APIKey',
    },
    option: 'apiKey',
    header: 'authorization',
    prefix: 'APIKey ',
  },
  cloudflare: {
    api: {
      ...testApi,
      securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Auth-Key' } },
      security: [['key']],
      credentials: { key: { option: 'apiKey', env: 'TEST_API_KEY' } },
    },
    option: 'apiKey',
    header: 'x-auth-key',
    prefix: '',
  },
};

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
const unit = fc.oneof(
  { weight: 6, arbitrary: alnum },
  { weight: 3, arbitrary: fc.constantFrom(...'+/=_-.~ "\\%#?&<>`{}|^\'', '\t') },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ß', '漢', '😀', '\u2028', '\u00a0', '\u0000', '\u007f') },
);
const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\r', '\n'), maxLength: 3 });
/** 8..64 characters: optional surrounding whitespace around a core that starts and ends with a letter or digit. */
const token = fc
  .tuple(whitespace, alnum, fc.string({ unit, minLength: 6, maxLength: 52 }), alnum, whitespace)
  .map((parts) => parts.join(''));

function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
  ];
}

let server: TestServer;
beforeEach(async () => {
  server = await startServer((request, response) => {
    const echoed = String(request.headers.authorization ?? request.headers['x-auth-key']);
    const status = request.url.startsWith('/echo') ? 401 : Number(request.headers['x-answer']);
    response.writeHead(status, {
      'content-type': 'application/json',
      'x-echo': echoed,
      'x-request-id': echoed,
      location: `/echo?t=${echoed}`,
    });
    response.end(JSON.stringify({ message: `rejected ${echoed}`, echo: echoed, [echoed]: true }));
  });
});
afterEach(() => server.close());

describe('credentials never leak (property-based)', () => {
  it('refused at creation without the value, or sent trimmed and scrubbed from every error surface', async () => {
    await fc.assert(
      fc.asyncProperty(
        token,
        fc.constantFrom(...Object.keys(schemes)),
        fc.constantFrom(400, 401, 403, 404, 422, 300, 302, 304, 307),
        async (given, schemeName, status) => {
          const scheme = schemes[schemeName]!;
          const trimmed = given.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
          const secrets = [...new Set([given, trimmed, `${scheme.prefix}${trimmed}`].flatMap(forms))];
          const lines: string[] = [];
          const logger = { debug: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) };
          let client: ApiClient<TestPaths>;
          try {
            client = createApiClient<TestPaths, TestOptions>(
              scheme.api,
              {
                baseUrl: server.url,
                env: {},
                maxRetries: 0,
                logger,
                headers: { 'x-answer': String(status) },
                [scheme.option]: given,
              },
              'x/1',
            );
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            expect(/[^\x20-\x7e]/.test(trimmed)).toBe(true);
            for (const text of [(error as Error).message, JSON.stringify(error), inspect(error)]) {
              for (const secret of [given, trimmed]) expect(text).not.toContain(secret);
            }
            return;
          }
          expect(/[^\x20-\x7e]/.test(trimmed)).toBe(false);
          const before = server.requests.length;
          const error = await client
            .GET('/accounts/{accountId}/users/{userId}', { params: { path: { accountId: 'acme', userId: 1 } } })
            .then(
              () => undefined,
              (caught: unknown) => caught as APIError,
            );
          expect(error).toBeInstanceOf(APIError);
          expect(server.requests[before]?.headers[scheme.header]).toBe(`${scheme.prefix}${trimmed}`);
          const surfaces = [
            error!.message,
            String(error),
            JSON.stringify(error),
            inspect(error, { depth: 10 }),
            JSON.stringify(error!.headers),
            String(JSON.stringify(error!.body)),
            String(error!.url),
            String(error!.requestId),
            ...lines,
          ];
          for (const text of surfaces) for (const secret of secrets) expect(text).not.toContain(secret);
        },
      ),
      { numRuns: 100 },
    );
  });
});
