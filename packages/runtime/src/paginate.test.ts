import { describe, expect, expectTypeOf, it } from 'vitest';
import { json, type RecordedRequest, serverPerTest, type TestOptions } from '../test/helpers.js';
import { createApiClient } from './client.js';
import type { ApiDefinition } from './definition.js';
import { APIUserAbortError, InternalServerError, ValidationError } from './errors.js';
import { PaginationError, withPagination } from './paginate.js';

// Two list styles, as the generator writes them from `x-offboard-pagination`: Gcore-like
// offset/limit with a `next` link, Cloudflare-like page/per_page with `result_info.total_pages`.
const pagedApi = {
  name: 'paged-api',
  title: 'Paged API',
  packageName: '@offboard/paged-api',
  servers: [{ url: 'https://api.example.invalid' }],
  securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
  security: [['token']],
  credentials: { token: { option: 'accessToken' } },
  operations: [
    {
      operationId: 'listUsers',
      method: 'get',
      path: '/users',
      deprecated: false,
      pathParams: {},
      pagination: {
        style: 'offset',
        offsetParam: 'offset',
        sizeParam: 'limit',
        pageSize: 2,
        items: 'results',
        next: 'next',
      },
    },
    {
      operationId: 'getUser',
      method: 'get',
      path: '/users/{userId}',
      deprecated: false,
      pathParams: { userId: { type: 'integer', minimum: 1 } },
    },
    {
      operationId: 'listMembers',
      method: 'get',
      path: '/accounts/{accountId}/members',
      deprecated: false,
      pathParams: { accountId: { type: 'string', maxLength: 32 } },
      pagination: {
        style: 'page',
        pageParam: 'page',
        sizeParam: 'per_page',
        items: 'result',
        totalPages: 'result_info.total_pages',
      },
    },
  ],
} as const satisfies ApiDefinition;

interface User {
  id: number;
  email: string;
}
interface Member {
  id: string;
}
type Ok<Body> = { 200: { headers: Record<string, unknown>; content: { 'application/json': Body } } };
interface PagedPaths {
  '/users': {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: {
        query?: { limit?: number; offset?: number; q?: string };
        header?: never;
        path?: never;
        cookie?: never;
      };
      requestBody?: never;
      responses: Ok<{ count: number; next?: string | null; previous?: string | null; results: User[] }>;
    };
  };
  '/users/{userId}': {
    parameters: { query?: never; header?: never; path: { userId: number }; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path: { userId: number }; cookie?: never };
      requestBody?: never;
      responses: Ok<User>;
    };
  };
  '/accounts/{accountId}/members': {
    parameters: { query?: never; header?: never; path: { accountId: string }; cookie?: never };
    get: {
      parameters: {
        query?: { page?: number; per_page?: number };
        header?: never;
        path: { accountId: string };
        cookie?: never;
      };
      requestBody?: never;
      responses: Ok<{
        success: true;
        result: Member[];
        result_info?: { page?: number; per_page?: number; count?: number; total_count?: number; total_pages?: number };
      }>;
    };
  };
}

const servers = serverPerTest();

async function serve(handler: (url: URL, request: RecordedRequest) => unknown) {
  const server = await servers.serve((request, response) => {
    const answer = handler(new URL(request.url, 'http://127.0.0.1'), request);
    if (typeof answer === 'number') json(response, answer, { message: `status ${answer}` });
    else json(response, 200, answer);
  });
  const client = withPagination(
    createApiClient<PagedPaths, TestOptions>(
      pagedApi,
      { baseUrl: server.url, accessToken: 'tok_5bd0c1f3', env: {} },
      'x/1',
    ),
    pagedApi,
  );
  const queries = () => servers.current.requests.map((request) => new URL(request.url, 'http://127.0.0.1').search);
  return { client, queries };
}

const users = (from: number, count: number): User[] =>
  Array.from({ length: count }, (_, index) => ({ id: from + index, email: `u${from + index}@example.com` }));

/** An offset/limit server over `total` users whose `next` is null on the last page. */
function offsetUsers(total: number) {
  return (url: URL) => {
    const offset = Number(url.searchParams.get('offset'));
    const limit = Number(url.searchParams.get('limit'));
    const page = users(offset + 1, Math.max(0, Math.min(limit, total - offset)));
    return { count: total, next: offset + limit < total ? `/users?offset=${offset + limit}` : null, results: page };
  };
}

/** Everything the walk yields, or the error it threw with what it had yielded until then. */
async function collect<Item>(items: AsyncIterable<Item>): Promise<{ items: Item[]; error?: unknown }> {
  const seen: Item[] = [];
  try {
    for await (const item of items) seen.push(item);
  } catch (error) {
    return { items: seen, error };
  }
  return { items: seen };
}

describe('offset pagination', () => {
  it('pages with the default page size until `next` is null, yielding typed items', async () => {
    const { client, queries } = await serve(offsetUsers(5));
    const emails: string[] = [];
    for await (const user of client.paginate('/users')) {
      // Typed from the spec (a type error in `pnpm typecheck` otherwise, not `any`).
      expectTypeOf(user).toEqualTypeOf<User>();
      emails.push(user.email);
    }
    expect(emails).toEqual(['u1@example.com', 'u2@example.com', 'u3@example.com', 'u4@example.com', 'u5@example.com']);
    expect(queries()).toEqual(['?limit=2&offset=0', '?limit=2&offset=2', '?limit=2&offset=4']);
  });

  it("keeps the caller's query, page size, start and per-call options on every page", async () => {
    const { client, queries } = await serve(offsetUsers(7));
    const { items } = await collect(
      client.paginate('/users', {
        params: { query: { q: 'ada', limit: 3, offset: 1 } },
        headers: { 'x-trace': 't-1' },
      }),
    );
    expect(items.map((user) => user.id)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(queries()).toEqual(['?q=ada&limit=3&offset=1', '?q=ada&limit=3&offset=4']);
    expect(servers.current.requests.map((request) => request.headers['x-trace'])).toEqual(['t-1', 't-1']);
  });

  it('advances by the items received, so a server that caps the page size skips nothing', async () => {
    const { client, queries } = await serve((url) => {
      const offset = Number(url.searchParams.get('offset'));
      const page = users(offset + 1, Math.min(1, 3 - offset)); // at most 1 per page, whatever limit says
      return { count: 3, next: offset + 1 < 3 ? 'more' : null, results: page };
    });
    expect((await collect(client.paginate('/users'))).items.map((user) => user.id)).toEqual([1, 2, 3]);
    expect(queries()).toEqual(['?limit=2&offset=0', '?limit=2&offset=1', '?limit=2&offset=2']);
  });

  it('ends on an empty page even when `next` never becomes null', async () => {
    const { client } = await serve((url) => {
      const offset = Number(url.searchParams.get('offset'));
      return { count: 99, next: 'always', results: offset < 4 ? users(offset + 1, 2) : [] };
    });
    expect((await collect(client.paginate('/users'))).items).toHaveLength(4);
    expect(servers.current.requests).toHaveLength(3);
  });

  it('throws a PaginationError when a page repeats the previous one, after yielding the first', async () => {
    const { client } = await serve(() => ({ count: 10, next: 'more', results: users(1, 2) }));
    const { items, error } = await collect(client.paginate('/users'));
    expect(items.map((user) => user.id)).toEqual([1, 2]);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as PaginationError).page).toBe(2);
    expect((error as Error).message).toMatch(/page 2 \(offset=2\) repeats the previous page.*ignore `offset`/);
    expect(servers.current.requests).toHaveLength(2);
  });

  it('stops a server that never ends at maxPages', async () => {
    const { client } = await serve((url) => ({
      count: 1e9,
      next: 'more',
      results: users(Number(url.searchParams.get('offset')) + 1, 2),
    }));
    const { items, error } = await collect(client.paginate('/users', { maxPages: 4 }));
    expect(items).toHaveLength(8);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toContain('more than 4 pages (maxPages)');
    expect(servers.current.requests).toHaveLength(4);
  });

  it('refuses a bad maxPages and a path that does not page, sending nothing', async () => {
    const { client } = await serve(offsetUsers(1));
    await expect(
      collect(client.paginate('/users', { maxPages: 0 })).then((r) => Promise.reject(r.error)),
    ).rejects.toThrow(ValidationError);
    // @ts-expect-error GET /users/{userId} does not page: not a path paginate takes.
    const wrong = client.paginate('/users/{userId}', { params: { path: { userId: 1 } } });
    const { error } = await collect(wrong as AsyncIterable<unknown>);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('GET /users/{userId} does not page');
    expect(servers.current.requests).toHaveLength(0);
  });

  it('throws a PaginationError when the answer has no list where the spec puts it', async () => {
    const { client } = await serve(() => ({ count: 1, next: null, users: [] }));
    const { error } = await collect(client.paginate('/users'));
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toContain('page 1 has no list at `results`');
  });
});

describe('page pagination', () => {
  const path = { accountId: 'acme' } as const;
  const members = (page: number) => [{ id: `m${page}a` }, { id: `m${page}b` }];

  it('pages until total_pages is reached, ignoring count and total_count', async () => {
    const { client, queries } = await serve((url) => {
      const page = Number(url.searchParams.get('page'));
      // count/total_count are described inconsistently upstream: here they say "1", wrongly.
      return { success: true, result: members(page), result_info: { page, count: 1, total_count: 1, total_pages: 3 } };
    });
    const ids: string[] = [];
    for await (const member of client.paginate('/accounts/{accountId}/members', { params: { path } })) {
      expectTypeOf(member).toEqualTypeOf<Member>();
      ids.push(member.id);
    }
    expect(ids).toEqual(['m1a', 'm1b', 'm2a', 'm2b', 'm3a', 'm3b']);
    expect(queries()).toEqual(['?page=1', '?page=2', '?page=3']);
  });

  it('ends on an empty page when total_pages is missing or too large', async () => {
    const { client, queries } = await serve((url) => {
      const page = Number(url.searchParams.get('page'));
      return { success: true, result: page <= 2 ? members(page) : [], result_info: { total_pages: 50 } };
    });
    const { items } = await collect(
      client.paginate('/accounts/{accountId}/members', { params: { path, query: { per_page: 2 } } }),
    );
    expect(items).toHaveLength(4);
    expect(queries()).toEqual(['?per_page=2&page=1', '?per_page=2&page=2', '?per_page=2&page=3']);
  });

  it('throws the error of page 3 after yielding the items of pages 1 and 2, and sends no page 4', async () => {
    const { client } = await serve((url) => {
      const page = Number(url.searchParams.get('page'));
      return page === 3 ? 500 : { success: true, result: members(page), result_info: { total_pages: 5 } };
    });
    const { items, error } = await collect(
      client.paginate('/accounts/{accountId}/members', { params: { path }, maxRetries: 0 }),
    );
    expect(items.map((member) => member.id)).toEqual(['m1a', 'm1b', 'm2a', 'm2b']);
    expect(error).toBeInstanceOf(InternalServerError);
    // maxRetries: 0 reached every page: one request each, none retried.
    expect(servers.current.requests).toHaveLength(3);
  });

  it('throws a PaginationError when the server ignores `page`', async () => {
    const { client } = await serve(() => ({ success: true, result: members(1), result_info: { total_pages: 9 } }));
    const { items, error } = await collect(client.paginate('/accounts/{accountId}/members', { params: { path } }));
    expect(items).toHaveLength(2);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toContain('page 2 (page=2) repeats the previous page');
  });

  it("stops at the caller's signal: the next page is not sent", async () => {
    const controller = new AbortController();
    const { client } = await serve((url) => {
      const page = Number(url.searchParams.get('page'));
      return { success: true, result: members(page), result_info: { total_pages: 5 } };
    });
    const seen: string[] = [];
    const walk = client.paginate('/accounts/{accountId}/members', { params: { path }, signal: controller.signal });
    await expect(
      (async () => {
        for await (const member of walk) {
          seen.push(member.id);
          if (seen.length === 2) controller.abort(new Error('enough'));
        }
      })(),
    ).rejects.toBeInstanceOf(APIUserAbortError);
    expect(seen).toEqual(['m1a', 'm1b']);
    expect(servers.current.requests).toHaveLength(1);
  });
});
