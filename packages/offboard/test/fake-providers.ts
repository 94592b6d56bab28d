// A stateful fake of the four providers, for the sequences a stateless Prism mock cannot play:
// tokens that block a removal until deleted, users in several accounts, a revision that changes
// under us, 404 on a repeated delete, 429 with Retry-After, 503 then OK. It follows each
// provider's documented rules (e.g. Gcore's 403s) and records every request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GcoreToken {
  id: number;
  account: number;
  issuer: number;
  deleted?: boolean;
}

export interface FakeState {
  gcore: { users: Map<number, Set<number>>; tokens: GcoreToken[]; ignoreIssuedByFilter?: boolean };
  cloudflare: Set<string>; // `${account}/${user}`
  nscale: Set<string>; // `${organization}/${user}`
  liveperson: { users: Set<string>; revision: number; changeRevisionOnRead?: number; conflictStatus?: 409 | 412; revisionHeader?: boolean };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

/** A canned answer that replaces the next matching request(s). */
export interface Fault {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  times: number;
}

export interface FakeProviders {
  readonly url: string;
  readonly state: FakeState;
  readonly requests: RecordedRequest[];
  readonly faults: Fault[];
  /** Delay (ms) before answering each DELETE, to keep requests in flight. */
  deleteDelayMs: number;
  count(method: string, path?: string | RegExp): number;
  close(): Promise<void>;
}

export function emptyState(): FakeState {
  return {
    gcore: { users: new Map(), tokens: [] },
    cloudflare: new Set(),
    nscale: new Set(),
    liveperson: { users: new Set(), revision: 1 },
  };
}

function send(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const cloudflareEnvelope = (success: boolean, code?: number, message?: string) => ({
  success,
  errors: success ? [] : [{ code, message }],
  messages: [],
  result: success ? { id: 'x' } : null,
});

function gcore(state: FakeState['gcore'], method: string, url: URL, response: ServerResponse): boolean {
  let match: RegExpExecArray | null;
  const { users, tokens } = state;
  const liveTokens = (user: number, account?: number) =>
    tokens.filter((token) => token.issuer === user && !token.deleted && (account === undefined || token.account === account));

  if (method === 'GET' && url.pathname === '/iam/users') {
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const all = [...users].sort(([a], [b]) => a - b);
    const page = all.slice(offset, offset + limit).map(([id, accounts]) => ({
      id,
      email: `user${id}@example.com`,
      client_and_roles: [...accounts].map((client_id) => ({ client_id, client_company_name: `Account ${client_id}`, user_id: id, user_roles: ['2'] })),
    }));
    send(response, 200, { count: all.length, next: offset + limit < all.length ? `/users?offset=${offset + limit}&limit=${limit}` : null, previous: null, results: page });
    return true;
  }
  if ((match = /^\/iam\/clients\/(\d+)\/client-users\/(\d+)$/.exec(url.pathname))) {
    const [account, user] = [Number(match[1]), Number(match[2])];
    const accounts = users.get(user);
    if (!accounts?.has(account)) {
      send(response, 404);
      return true;
    }
    if (method === 'GET') {
      send(response, 200, { user_id: user, client_id: account, user_role: { id: 2, name: 'Users' } });
      return true;
    }
    if (method === 'DELETE') {
      if (liveTokens(user, account).length > 0) return send(response, 403, { message: "You can't remove the user as they have active tokens" }), true;
      accounts.delete(account);
      if (accounts.size === 0) users.delete(user);
      send(response, 200);
      return true;
    }
  }
  if ((match = /^\/iam\/users\/(\d+)$/.exec(url.pathname)) && method === 'DELETE') {
    const user = Number(match[1]);
    const accounts = users.get(user);
    if (!accounts) return send(response, 404), true;
    if (accounts.size > 1) return send(response, 403, { message: 'Cannot delete user with multiple accounts.' }), true;
    if (liveTokens(user).length > 0) return send(response, 403, { message: "You can't remove the user as they have active tokens" }), true;
    users.delete(user);
    send(response, 200);
    return true;
  }
  if ((match = /^\/iam\/v2\/clients\/(\d+)\/tokens$/.exec(url.pathname)) && method === 'GET') {
    const account = Number(match[1]);
    const issuedBy = url.searchParams.get('issued_by');
    const listed = tokens.filter(
      (token) => token.account === account && !token.deleted && (state.ignoreIssuedByFilter || issuedBy === null || token.issuer === Number(issuedBy)),
    );
    send(
      response,
      200,
      listed.map((token) => ({
        id: token.id,
        name: `token ${token.id}`,
        exp_date: null,
        client_user: { deleted: false, user_id: token.issuer, user_name: 'x', user_email: 'x@example.com', client_id: account, role: { id: 1, name: 'Administrators' } },
        deleted: false,
        expired: false,
        created: '2026-01-01T00:00:00Z',
        last_usage: '2026-01-02T00:00:00Z',
      })),
    );
    return true;
  }
  if ((match = /^\/iam\/v2\/clients\/(\d+)\/tokens\/(\d+)$/.exec(url.pathname)) && method === 'DELETE') {
    const token = tokens.find((candidate) => candidate.account === Number(match![1]) && candidate.id === Number(match![2]) && !candidate.deleted);
    if (!token) return send(response, 404), true;
    token.deleted = true;
    send(response, 204);
    return true;
  }
  return false;
}

function cloudflare(state: FakeState['cloudflare'], method: string, url: URL, response: ServerResponse): boolean {
  const match = /^\/accounts\/([^/]+)\/access\/users\/([^/]+)$/.exec(url.pathname);
  if (!match) return false;
  const key = `${match[1]}/${match[2]}`;
  if (!state.has(key)) return send(response, 404, cloudflareEnvelope(false, 7003, 'Could not route to /accounts/.../users, perhaps your object identifier is invalid?')), true;
  if (method === 'DELETE') state.delete(key);
  send(response, method === 'DELETE' ? 202 : 200, cloudflareEnvelope(true));
  return true;
}

function nscale(state: FakeState['nscale'], method: string, url: URL, response: ServerResponse): boolean {
  let match: RegExpExecArray | null;
  if ((match = /^\/api\/v1\/organizations\/([^/]+)\/users$/.exec(url.pathname)) && method === 'GET') {
    const organization = match[1]!;
    const users = [...state].filter((key) => key.startsWith(`${organization}/`)).map((key) => key.split('/')[1]!);
    send(
      response,
      200,
      users.map((id) => ({
        metadata: { id, name: 'undefined', organizationId: organization, creationTime: '2026-01-01T00:00:00Z', provisioningStatus: 'provisioned', healthStatus: 'healthy' },
        spec: { subject: `${id}@example.com`, state: 'active', groupIDs: [] },
        status: {},
      })),
    );
    return true;
  }
  if ((match = /^\/api\/v1\/organizations\/([^/]+)\/users\/([^/]+)$/.exec(url.pathname)) && method === 'DELETE') {
    const key = `${match[1]}/${match[2]}`;
    if (!state.has(key)) return send(response, 404, { error: 'not_found', error_description: 'the requested resource does not exist' }), true;
    state.delete(key);
    send(response, 200);
    return true;
  }
  return false;
}

function liveperson(state: FakeState['liveperson'], method: string, url: URL, headers: IncomingMessage['headers'], response: ServerResponse): boolean {
  const match = /^\/api\/account\/([^/]+)\/configuration\/le-users\/users\/([^/]+)$/.exec(url.pathname);
  if (!match) return false;
  if (url.searchParams.get('v') !== '4.0') return send(response, 400, { message: 'v=4.0 is required' }), true;
  const key = `${match[1]}/${match[2]}`;
  if (!state.users.has(key)) return send(response, 404, { message: 'Data not found' }), true;
  if (method === 'GET') {
    const revision = String(state.revision);
    if (state.changeRevisionOnRead && state.changeRevisionOnRead > 0) {
      // Someone else changes the account's users right after our read.
      state.changeRevisionOnRead--;
      state.revision++;
    }
    send(response, 200, { id: Number(match[2]), loginName: 'agent', isEnabled: true }, state.revisionHeader === false ? {} : { 'ac-revision': revision });
    return true;
  }
  if (method === 'DELETE') {
    if (headers['if-match'] !== String(state.revision)) {
      return send(response, state.conflictStatus ?? 412, { message: `revision ${String(headers['if-match'])} is stale` }), true;
    }
    state.users.delete(key);
    state.revision++;
    send(response, 200, { id: Number(match[2]) }, { 'ac-revision': String(state.revision) });
    return true;
  }
  return false;
}

export async function startFakeProviders(state: FakeState = emptyState()): Promise<FakeProviders> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const fake = { deleteDelayMs: 0 };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    requests.push({ method, path: `${url.pathname}${url.search}`, headers: request.headers });
    request.resume();
    request.on('end', () => {
      const answer = () => {
        const fault = faults.find((candidate) => candidate.times > 0 && candidate.method === method && candidate.path.test(url.pathname));
        if (fault) {
          fault.times--;
          return send(response, fault.status, fault.body ?? { message: `fault ${fault.status}` }, fault.headers);
        }
        if (!request.headers.authorization && !request.headers['x-auth-key']) return send(response, 401, { message: 'no credentials' });
        const handled =
          gcore(state.gcore, method, url, response) ||
          cloudflare(state.cloudflare, method, url, response) ||
          nscale(state.nscale, method, url, response) ||
          liveperson(state.liveperson, method, url, request.headers, response);
        if (!handled) send(response, 404, { message: `no route ${method} ${url.pathname}` });
      };
      if (method === 'DELETE' && fake.deleteDelayMs > 0) setTimeout(answer, fake.deleteDelayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    faults,
    count(method: string, path?: string | RegExp) {
      return requests.filter(
        (request) => request.method === method && (path === undefined || (typeof path === 'string' ? request.path.split('?')[0] === path : path.test(request.path))),
      ).length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Environment pointing every provider at the fake, with distinctive credentials. */
export function fakeEnv(url: string): Record<string, string> {
  return {
    GCORE_API_KEY: 'gcore-secret-key-0001',
    GCORE_BASE_URL: url,
    CLOUDFLARE_API_TOKEN: 'cloudflare-secret-token-0002',
    CLOUDFLARE_BASE_URL: url,
    NSCALE_ACCESS_TOKEN: 'nscale-secret-token-0003',
    NSCALE_BASE_URL: url,
    LIVEPERSON_ACCESS_TOKEN: 'liveperson-secret-token-0004',
    LIVEPERSON_BASE_URL: url,
  };
}

export const SECRETS = Object.values(fakeEnv('')).filter((value) => value.includes('secret'));
