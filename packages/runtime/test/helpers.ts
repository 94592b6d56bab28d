// Test fixtures: a small api definition (no provider) and loopback servers that record requests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoopbackServer, readBody, startLoopbackServer } from '@offboard/test-utils';
import { afterEach } from 'vitest';
import type { CredentialValue } from '../src/auth.js';
import type { BaseClientOptions } from '../src/client.js';
import type { ApiDefinition } from '../src/definition.js';

export const testApi = {
  name: 'test-api',
  title: 'Test API',
  packageName: '@offboard/test-api',
  servers: [{ url: 'https://api.example.invalid/v1' }],
  securitySchemes: {
    token: { type: 'http', scheme: 'bearer' },
    key: { type: 'apiKey', in: 'header', name: 'Authorization' },
  },
  security: [['token']],
  baseUrlEnv: 'TEST_BASE_URL',
  credentials: { token: { option: 'accessToken', env: 'TEST_ACCESS_TOKEN' } },
  operations: [
    {
      operationId: 'getUser',
      method: 'get',
      path: '/accounts/{accountId}/users/{userId}',
      deprecated: false,
      pathParams: {
        accountId: { type: 'string', maxLength: 32 },
        userId: { type: 'integer', minimum: 1 },
      },
    },
    {
      operationId: 'deleteUser',
      method: 'delete',
      path: '/accounts/{accountId}/users/{userId}',
      deprecated: false,
      pathParams: {
        accountId: { type: 'string', maxLength: 32 },
        userId: { type: 'string', format: 'uuid' },
      },
      constantQuery: { v: '4.0' },
    },
    {
      operationId: 'createUser',
      method: 'post',
      path: '/accounts/{accountId}/users',
      deprecated: true,
      pathParams: { accountId: { type: 'string', pattern: '^[0-9a-f]{32}$' } },
    },
    {
      operationId: 'lookup',
      method: 'get',
      path: '/lookup',
      deprecated: false,
      pathParams: {},
      security: [],
    },
  ],
} as const satisfies ApiDefinition;

/** Paths of the test api, in the shape openapi-typescript writes. */
export interface TestPaths {
  '/accounts/{accountId}/users/{userId}': {
    parameters: { query?: never; header?: never; path: { accountId: string; userId: number | string }; cookie?: never };
    get: {
      parameters: {
        query?: never;
        header?: never;
        path: { accountId: string; userId: number | string };
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { id: number } } } };
    };
    delete: {
      parameters: {
        query?: { v?: '4.0' };
        header?: never;
        path: { accountId: string; userId: string };
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { ok: boolean } } } };
    };
  };
  '/accounts/{accountId}/users': {
    parameters: { query?: never; header?: never; path: { accountId: string }; cookie?: never };
    post: {
      parameters: { query?: never; header?: never; path: { accountId: string }; cookie?: never };
      requestBody: { content: { 'application/json': { email: string } } };
      responses: { 201: { headers: Record<string, unknown>; content: { 'application/json': { id: number } } } };
    };
  };
  '/lookup': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { found: boolean } } } };
    };
  };
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface TestServer extends LoopbackServer {
  readonly requests: RecordedRequest[];
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void;

/** A loopback HTTP server on a free port that records every request and answers with `handler`. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = await startLoopbackServer(async (incoming, response) => {
    const recorded = {
      method: incoming.method ?? '',
      url: incoming.url ?? '',
      headers: incoming.headers,
      body: await readBody(incoming),
    };
    requests.push(recorded);
    handler(recorded, response);
  });
  return Object.assign(server, { requests });
}

/**
 * One loopback server per test: `serve(handler)` starts it, `current` is it (a test that has not
 * started one fails when it asks), and it is stopped after every test.
 */
export function serverPerTest(): { serve(handler: Handler): Promise<TestServer>; readonly current: TestServer } {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return {
    async serve(handler) {
      server = await startServer(handler);
      return server;
    },
    get current() {
      if (!server) throw new Error('no server started in this test');
      return server;
    },
  };
}

export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export type TestOptions = BaseClientOptions & { readonly accessToken?: CredentialValue; readonly apiKey?: string };
