// A stateful fake of the four providers, for the sequences a stateless Prism mock cannot play:
// tokens that block a removal until deleted, users in several accounts, a revision that changes
// under us, 404 on a repeated delete, 429 with Retry-After, 503 then OK. It follows each
// provider's documented rules (e.g. Gcore's 403s) and records every request.
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
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
  liveperson: {
    users: Set<string>;
    revision: number;
    changeRevisionOnRead?: number;
    conflictStatus?: 409 | 412;
    revisionHeader?: boolean;
  };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /**
   * The final status line the client was sent: null while unanswered, and for a request that
   * never got one (a reset before the status line, no answer, only a 1xx).
   */
  status: number | null;
  /** True when the fake's own handler ran for it, so its state change (a delete) happened. */
  performed: boolean;
  /** The fault that answered it, if any. */
  fault?: FaultAction;
}

/**
 * How a fault answers a matching request:
 * - `reply` (default): the canned `status`, `headers` and `body`; nothing is performed.
 * - `perform`: the fake does the real work (its state changes as usual), then answers with
 *   `status` instead of its own, keeping its headers and body (none for 204 and 304).
 * - `perform-unreadable`: the real work, then a 2xx (`status`, else the real one; 200 for a
 *   bodiless 204) with `content-type: application/json` and a body that is not JSON.
 * - `perform-reset`: the real work, then the status line and headers announcing a body, flushed,
 *   then the socket is destroyed (the client has the status, never the body).
 * - `vanish`: the resource the path names disappears first (as if someone else deleted it),
 *   then the canned answer (use with 404).
 * - `reset`: the socket is destroyed before any status line; nothing is performed.
 * - `hang`: never answered (the client times out); nothing is performed.
 * - `processing`: `102 Processing`, then nothing more; nothing is performed.
 * - `raw`: the bytes of `raw` are written on the socket, which is then closed; nothing is performed.
 */
export type FaultAction =
  | 'reply'
  | 'perform'
  | 'perform-unreadable'
  | 'perform-reset'
  | 'vanish'
  | 'reset'
  | 'hang'
  | 'processing'
  | 'raw';

/** A canned (or altered) answer for the next matching request(s); `times: Infinity` for all of them. */
export interface Fault {
  readonly method: string;
  /** Tested against the request's pathname (no query). */
  readonly path: RegExp;
  /** The status answered (ignored by `reset`, `hang`, `processing` and `raw`). */
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly action?: FaultAction;
  /** What `raw` writes on the socket, e.g. a final-looking 1xx status line. */
  readonly raw?: string;
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
  /** Back to a fresh fake: the given state (default empty), no faults, no recorded requests, no delay. */
  reset(state?: FakeState): void;
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

/** What a handler answers: written to the socket afterwards, possibly changed by a fault. */
interface Answer {
  status: number;
  body?: unknown;
  headers: Record<string, string>;
}

/** Where a handler puts its answer (handlers never touch the socket themselves). */
interface Outbox {
  answer?: Answer;
}

function send(out: Outbox, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  out.answer = { status, ...(body === undefined ? {} : { body }), headers };
}

/** Writes an answer as the fake always has: JSON with a content-type, or no body at all. */
function write(response: ServerResponse, { status, body, headers }: Answer): void {
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

function gcore(state: FakeState['gcore'], method: string, url: URL, response: Outbox): boolean {
  let match: RegExpExecArray | null;
  const { users, tokens } = state;
  const liveTokens = (user: number, account?: number) =>
    tokens.filter(
      (token) => token.issuer === user && !token.deleted && (account === undefined || token.account === account),
    );

  if (method === 'GET' && url.pathname === '/iam/users') {
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const all = [...users].sort(([a], [b]) => a - b);
    const page = all.slice(offset, offset + limit).map(([id, accounts]) => ({
      id,
      email: `user${id}@example.com`,
      client_and_roles: [...accounts].map((client_id) => ({
        client_id,
        client_company_name: `Account ${client_id}`,
        user_id: id,
        user_roles: ['2'],
      })),
    }));
    send(response, 200, {
      count: all.length,
      next: offset + limit < all.length ? `/users?offset=${offset + limit}&limit=${limit}` : null,
      previous: null,
      results: page,
    });
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
      if (liveTokens(user, account).length > 0)
        return (send(response, 403, { message: "You can't remove the user as they have active tokens" }), true);
      accounts.delete(account);
      if (accounts.size === 0) users.delete(user);
      send(response, 200);
      return true;
    }
  }
  if ((match = /^\/iam\/users\/(\d+)$/.exec(url.pathname)) && method === 'DELETE') {
    const user = Number(match[1]);
    const accounts = users.get(user);
    if (!accounts) return (send(response, 404), true);
    if (accounts.size > 1)
      return (send(response, 403, { message: 'Cannot delete user with multiple accounts.' }), true);
    if (liveTokens(user).length > 0)
      return (send(response, 403, { message: "You can't remove the user as they have active tokens" }), true);
    users.delete(user);
    send(response, 200);
    return true;
  }
  if ((match = /^\/iam\/v2\/clients\/(\d+)\/tokens$/.exec(url.pathname)) && method === 'GET') {
    const account = Number(match[1]);
    const issuedBy = url.searchParams.get('issued_by');
    const listed = tokens.filter(
      (token) =>
        token.account === account &&
        !token.deleted &&
        (state.ignoreIssuedByFilter || issuedBy === null || token.issuer === Number(issuedBy)),
    );
    send(
      response,
      200,
      listed.map((token) => ({
        id: token.id,
        name: `token ${token.id}`,
        exp_date: null,
        client_user: {
          deleted: false,
          user_id: token.issuer,
          user_name: 'x',
          user_email: 'x@example.com',
          client_id: account,
          role: { id: 1, name: 'Administrators' },
        },
        deleted: false,
        expired: false,
        created: '2026-01-01T00:00:00Z',
        last_usage: '2026-01-02T00:00:00Z',
      })),
    );
    return true;
  }
  if ((match = /^\/iam\/v2\/clients\/(\d+)\/tokens\/(\d+)$/.exec(url.pathname)) && method === 'DELETE') {
    const token = tokens.find(
      (candidate) =>
        candidate.account === Number(match![1]) && candidate.id === Number(match![2]) && !candidate.deleted,
    );
    if (!token) return (send(response, 404), true);
    token.deleted = true;
    send(response, 204);
    return true;
  }
  return false;
}

function cloudflare(state: FakeState['cloudflare'], method: string, url: URL, response: Outbox): boolean {
  const match = /^\/accounts\/([^/]+)\/access\/users\/([^/]+)$/.exec(url.pathname);
  if (!match) return false;
  const key = `${match[1]}/${match[2]}`;
  if (!state.has(key))
    return (
      send(
        response,
        404,
        cloudflareEnvelope(
          false,
          7003,
          'Could not route to /accounts/.../users, perhaps your object identifier is invalid?',
        ),
      ),
      true
    );
  if (method === 'DELETE') state.delete(key);
  send(response, method === 'DELETE' ? 202 : 200, cloudflareEnvelope(true));
  return true;
}

function nscale(state: FakeState['nscale'], method: string, url: URL, response: Outbox): boolean {
  let match: RegExpExecArray | null;
  if ((match = /^\/api\/v1\/organizations\/([^/]+)\/users$/.exec(url.pathname)) && method === 'GET') {
    const organization = match[1]!;
    const users = [...state].filter((key) => key.startsWith(`${organization}/`)).map((key) => key.split('/')[1]!);
    send(
      response,
      200,
      users.map((id) => ({
        metadata: {
          id,
          name: 'undefined',
          organizationId: organization,
          creationTime: '2026-01-01T00:00:00Z',
          provisioningStatus: 'provisioned',
          healthStatus: 'healthy',
        },
        spec: { subject: `${id}@example.com`, state: 'active', groupIDs: [] },
        status: {},
      })),
    );
    return true;
  }
  if ((match = /^\/api\/v1\/organizations\/([^/]+)\/users\/([^/]+)$/.exec(url.pathname)) && method === 'DELETE') {
    const key = `${match[1]}/${match[2]}`;
    if (!state.has(key))
      return (
        send(response, 404, { error: 'not_found', error_description: 'the requested resource does not exist' }), true
      );
    state.delete(key);
    send(response, 200);
    return true;
  }
  return false;
}

function liveperson(
  state: FakeState['liveperson'],
  method: string,
  url: URL,
  headers: IncomingMessage['headers'],
  response: Outbox,
): boolean {
  const match = /^\/api\/account\/([^/]+)\/configuration\/le-users\/users\/([^/]+)$/.exec(url.pathname);
  if (!match) return false;
  if (url.searchParams.get('v') !== '4.0') return (send(response, 400, { message: 'v=4.0 is required' }), true);
  const key = `${match[1]}/${match[2]}`;
  if (!state.users.has(key)) return (send(response, 404, { message: 'Data not found' }), true);
  if (method === 'GET') {
    const revision = String(state.revision);
    if (state.changeRevisionOnRead && state.changeRevisionOnRead > 0) {
      // Someone else changes the account's users right after our read.
      state.changeRevisionOnRead--;
      state.revision++;
    }
    send(
      response,
      200,
      { id: Number(match[2]), loginName: 'agent', isEnabled: true },
      state.revisionHeader === false ? {} : { 'ac-revision': revision },
    );
    return true;
  }
  if (method === 'DELETE') {
    if (headers['if-match'] !== String(state.revision)) {
      return (
        send(response, state.conflictStatus ?? 412, { message: `revision ${String(headers['if-match'])} is stale` }),
        true
      );
    }
    state.users.delete(key);
    state.revision++;
    send(response, 200, { id: Number(match[2]) }, { 'ac-revision': String(state.revision) });
    return true;
  }
  return false;
}

/** Makes the resource a path names absent, as if someone else had deleted it (for a truthful 404). */
function vanish(state: FakeState, url: URL): void {
  let match: RegExpExecArray | null;
  const path = url.pathname;
  if ((match = /^\/iam\/clients\/(\d+)\/client-users\/(\d+)$/.exec(path))) {
    const user = Number(match[2]);
    const accounts = state.gcore.users.get(user);
    accounts?.delete(Number(match[1]));
    if (accounts?.size === 0) state.gcore.users.delete(user);
  } else if ((match = /^\/iam\/users\/(\d+)$/.exec(path))) {
    state.gcore.users.delete(Number(match[1]));
  } else if ((match = /^\/iam\/v2\/clients\/(\d+)\/tokens\/(\d+)$/.exec(path))) {
    for (const token of state.gcore.tokens)
      if (token.account === Number(match[1]) && token.id === Number(match[2])) token.deleted = true;
  } else if ((match = /^\/accounts\/([^/]+)\/access\/users\/([^/]+)$/.exec(path))) {
    state.cloudflare.delete(`${match[1]}/${match[2]}`);
  } else if ((match = /^\/api\/v1\/organizations\/([^/]+)\/users\/([^/]+)$/.exec(path))) {
    state.nscale.delete(`${match[1]}/${match[2]}`);
  } else if ((match = /^\/api\/account\/([^/]+)\/configuration\/le-users\/users\/([^/]+)$/.exec(path))) {
    if (state.liveperson.users.delete(`${match[1]}/${match[2]}`)) state.liveperson.revision++;
  }
}

const NO_BODY = new Set([204, 304]);

/** A raw `HTTP/1.1` head: the status line and headers, nothing after. */
function rawHead(status: number, headers: Record<string, string>): string {
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export async function startFakeProviders(state: FakeState = emptyState()): Promise<FakeProviders> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const fake = { deleteDelayMs: 0 };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    const recorded: RecordedRequest = {
      method,
      path: `${url.pathname}${url.search}`,
      headers: request.headers,
      status: null,
      performed: false,
    };
    requests.push(recorded);
    request.resume();
    request.on('end', () => {
      /** The fake's own answer: credentials checked, then the providers' rules. */
      const handle = (): Answer => {
        const out: Outbox = {};
        if (!request.headers.authorization && !request.headers['x-auth-key']) {
          send(out, 401, { message: 'no credentials' });
          return out.answer!;
        }
        const handled =
          gcore(state.gcore, method, url, out) ||
          cloudflare(state.cloudflare, method, url, out) ||
          nscale(state.nscale, method, url, out) ||
          liveperson(state.liveperson, method, url, request.headers, out);
        if (!handled) send(out, 404, { message: `no route ${method} ${url.pathname}` });
        recorded.performed = true;
        return out.answer!;
      };
      const deliver = (answer: Answer) => {
        recorded.status = answer.status;
        write(response, answer);
      };
      const answer = () => {
        const fault = faults.find(
          (candidate) => candidate.times > 0 && candidate.method === method && candidate.path.test(url.pathname),
        );
        if (!fault) return deliver(handle());
        fault.times--;
        const action = fault.action ?? 'reply';
        recorded.fault = action;
        const canned = (): Answer => ({
          status: fault.status,
          body: fault.body ?? { message: `fault ${fault.status}` },
          headers: fault.headers ?? {},
        });
        switch (action) {
          case 'reply':
            return deliver(canned());
          case 'vanish':
            vanish(state, url);
            return deliver(canned());
          case 'perform': {
            const real = handle();
            const { body, ...rest } = real;
            return deliver({
              ...rest,
              status: fault.status,
              headers: { ...real.headers, ...fault.headers },
              ...(NO_BODY.has(fault.status) || body === undefined ? {} : { body }),
            });
          }
          case 'perform-unreadable': {
            const real = handle();
            const status =
              fault.status >= 200 && fault.status < 300 && !NO_BODY.has(fault.status)
                ? fault.status
                : NO_BODY.has(real.status)
                  ? 200
                  : real.status;
            recorded.status = status;
            response.writeHead(status, { ...real.headers, ...fault.headers, 'content-type': 'application/json' });
            response.end('{"result": [1, 2,');
            return;
          }
          case 'perform-reset': {
            const real = handle();
            const status = NO_BODY.has(real.status) ? 200 : real.status;
            const body = JSON.stringify(real.body ?? { id: 'x' });
            recorded.status = status;
            // The head goes out whole and flushed; the body it announces never follows.
            const head = rawHead(status, {
              ...real.headers,
              ...fault.headers,
              'content-type': 'application/json',
              'content-length': String(body.length + 64),
            });
            request.socket.write(head, () => request.socket.resetAndDestroy());
            return;
          }
          case 'reset':
            request.socket.resetAndDestroy();
            return;
          case 'hang':
            return;
          case 'processing':
            response.writeProcessing();
            return;
          case 'raw':
            request.socket.end(fault.raw ?? rawHead(fault.status, fault.headers ?? {}));
            return;
        }
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
        (request) =>
          request.method === method &&
          (path === undefined ||
            (typeof path === 'string' ? request.path.split('?')[0] === path : path.test(request.path))),
      ).length;
    },
    reset(fresh: FakeState = emptyState()) {
      Object.assign(state, fresh);
      requests.length = 0;
      faults.length = 0;
      fake.deleteDelayMs = 0;
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
