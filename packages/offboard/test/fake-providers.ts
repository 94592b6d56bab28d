// A stateful fake of the four providers, for the sequences a stateless Prism mock cannot play:
// tokens that block a removal until deleted, users in several accounts, a revision that changes
// under us, 404 on a repeated delete, 429 with Retry-After, 503 then OK. It follows each
// provider's documented rules (e.g. Gcore's 403s) and records every request.
//
// Every answer it sends is checked against the provider's spec (test/spec-check.ts): the status
// must be one the operation declares, the body must match its schema with no undocumented field,
// the declared headers must be there and well-formed. An answer that breaks its spec is never
// sent: the client gets 599, the fake keeps the problem in `problems`, and close() rejects with
// them, so the test that caused it fails. Fault actions are exempt only as CHECKED_BY_ACTION says.
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { providerSpecs } from './spec-check.js';

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

/**
 * What the spec check covers under each fault action (there is no other exemption):
 * - `canned`: the fault's own answer. A status the operation declares is checked like any
 *   answer (the body as the spec writes it when a test wrote it, documented fields only when it
 *   is the fake's default); a status it does not declare is the fault's point (3xx, 409, 5xx...).
 * - `real`: the fake's real answer is checked before the fault alters or withholds it on purpose.
 * - `none`: nothing the fake knows is answered (raw bytes, a reset, silence, a lone 1xx).
 */
export const CHECKED_BY_ACTION: Readonly<Record<FaultAction, 'canned' | 'real' | 'none'>> = {
  reply: 'canned',
  vanish: 'canned',
  perform: 'real',
  'perform-unreadable': 'real',
  'perform-reset': 'real',
  reset: 'none',
  hang: 'none',
  processing: 'none',
  raw: 'none',
};

/** A canned (or altered) answer for the next matching request(s); `times: Infinity` for all of them. */
export interface Fault {
  readonly method: string;
  /** Tested against the request's pathname (no query). */
  readonly path: RegExp;
  /** The status answered (ignored by `reset`, `hang`, `processing` and `raw`). */
  readonly status: number;
  readonly headers?: Record<string, string>;
  /**
   * The canned body. Default: the provider's error shape for the status, or none where its spec
   * declares the status without a body.
   */
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
  /**
   * Answers that broke their provider's spec (each answered 599 instead), one line each. Kept
   * across reset(): they are the fake's bugs, not the scenario's; close() rejects while any remain.
   */
  readonly problems: readonly string[];
  /** The problems so far, cleared (for a test that provokes one on purpose). */
  takeProblems(): string[];
  /** Delay (ms) before answering each DELETE, to keep requests in flight. */
  deleteDelayMs: number;
  count(method: string, path?: string | RegExp): number;
  /** Back to a fresh fake: the given state (default empty), no faults, no recorded requests, no delay. */
  reset(state?: FakeState): void;
  /** Stops the server; rejects, listing them, if any answer broke its spec. */
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

type Provider = 'gcore' | 'cloudflare' | 'nscale' | 'liveperson';

/** What a handler answers: written to the socket afterwards, possibly changed by a fault. */
interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers: Readonly<Record<string, string>>;
  /** Headers the spec requires that this answer leaves out on purpose, because the test asked. */
  readonly withheld?: readonly string[];
}

function answer(status: number, body?: unknown, headers: Record<string, string> = {}): Answer {
  return { status, ...(body === undefined ? {} : { body }), headers };
}

/** One request, as a handler sees it: the path template's parameters by name. */
interface Call {
  readonly method: string;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingMessage['headers'];
  readonly state: FakeState;
}

type Handler = (call: Call) => Answer;

/** One resource of one provider: its path template as the provider's spec writes it. */
interface Resource {
  readonly provider: Provider;
  readonly path: string;
  readonly methods: Readonly<Partial<Record<'GET' | 'DELETE', Handler>>>;
  /** Makes the resource absent, as if someone else had deleted it (the `vanish` fault). */
  readonly vanish?: (call: Call) => void;
}

// ---------------------------------------------------------------------------------------------
// Error bodies in each provider's documented shape.

/** nscale's `error` codes (its spec's `error` schema), by status. */
const NSCALE_ERRORS: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'access_denied',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'request_entity_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_content',
};

/** Cloudflare's codes (at least 1000, its `Message` schema) for the errors the fake gives. */
const CLOUDFLARE_CODES: Readonly<Record<number, number>> = { 400: 6003, 404: 7003, 429: 10429 };

const ERROR_BODY: Readonly<Record<Provider, (status: number, message: string) => unknown>> = {
  gcore: (_, message) => ({ message }),
  cloudflare: (status, message) => ({
    success: false,
    errors: [{ code: CLOUDFLARE_CODES[status] ?? 10000, message }],
    messages: [],
    result: null,
  }),
  nscale: (status, message) => ({ error: NSCALE_ERRORS[status] ?? 'server_error', error_description: message }),
  liveperson: (_, message) => ({ message }),
};

/**
 * An error answer in the provider's shape; no body where the spec declares the status without
 * one (Gcore documents most of its errors bare).
 */
function failure(provider: Provider, call: Pick<Call, 'method' | 'url'>, status: number, message: string): Answer {
  const declared = providerSpecs().declared(call.method, call.url.pathname, status);
  return answer(status, declared && !declared.hasContent ? undefined : ERROR_BODY[provider](status, message));
}

// ---------------------------------------------------------------------------------------------
// The providers' resources and rules.

const liveTokens = (state: FakeState['gcore'], user: number, account?: number) =>
  state.tokens.filter(
    (token) => token.issuer === user && !token.deleted && (account === undefined || token.account === account),
  );

const gcoreUser = (id: number, accounts: ReadonlySet<number>) => ({
  id,
  email: `user${id}@example.com`,
  name: `User ${id}`,
  lang: 'en',
  phone: null,
  company: 'Example Ltd',
  reseller: 1,
  client: [...accounts][0] ?? 0,
  deleted: false,
  groups: [{ id: 2, name: 'Users' }],
  activated: true,
  sso_auth: false,
  two_fa: false,
  auth_types: ['password'],
  user_type: 'common',
  is_active: true,
  client_and_roles: [...accounts].map((client_id) => ({
    client_id,
    client_company_name: `Account ${client_id}`,
    user_id: id,
    user_roles: ['2'],
  })),
});

const gcoreToken = (token: GcoreToken) => ({
  id: token.id,
  name: `token ${token.id}`,
  exp_date: null,
  client_user: {
    deleted: false,
    user_id: token.issuer,
    user_name: `User ${token.issuer}`,
    user_email: `user${token.issuer}@example.com`,
    client_id: token.account,
    role: { id: 1, name: 'Administrators' },
  },
  deleted: false,
  expired: false,
  created: '2026-01-01T00:00:00Z',
  last_usage: '2026-01-02T00:00:00Z',
});

const ACTIVE_TOKENS = "You can't remove the user as they have active tokens";

/** Removes a Gcore user from an account; a user left in none is gone. */
function revokeGcoreAccess(state: FakeState['gcore'], user: number, account: number): void {
  const accounts = state.users.get(user);
  accounts?.delete(account);
  if (accounts?.size === 0) state.users.delete(user);
}

const cloudflareUser = (id: string) => ({
  id,
  email: `${id.slice(0, 8)}@example.com`,
  name: 'Access user',
  uid: id.replaceAll('-', ''),
  seat_uid: id.replaceAll('-', '').split('').reverse().join(''),
  access_seat: true,
  gateway_seat: false,
  active_device_count: 0,
  last_successful_login: '2026-01-02T00:00:00Z',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-02T00:00:00Z',
});

const cloudflareSuccess = (result: unknown) => ({ success: true, errors: [], messages: [], result });

const livepersonUser = (id: number, deleted: boolean) => ({
  id,
  deleted,
  loginName: `agent${id}`,
  fullName: '',
  nickname: `Agent ${id}`,
  isEnabled: true,
  maxChats: 3,
  email: `agent${id}@example.com`,
  profileIds: [3],
  userTypeId: 1,
});

/** LivePerson's Users API answers only its version 4.0, named in every call. */
function livepersonVersion(call: Call): Answer | undefined {
  return call.url.searchParams.get('v') === '4.0' ? undefined : failure('liveperson', call, 400, 'v=4.0 is required');
}

export const RESOURCES: readonly Resource[] = [
  {
    provider: 'gcore',
    path: '/iam/users',
    methods: {
      GET: ({ url, state }) => {
        const limit = Number(url.searchParams.get('limit') ?? 1000);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const all = [...state.gcore.users].sort(([a], [b]) => a - b);
        return answer(200, {
          count: all.length,
          next: offset + limit < all.length ? `/users?offset=${offset + limit}&limit=${limit}` : null,
          previous: null,
          results: all.slice(offset, offset + limit).map(([id, accounts]) => gcoreUser(id, accounts)),
        });
      },
    },
  },
  {
    provider: 'gcore',
    path: '/iam/clients/{clientId}/client-users/{userId}',
    methods: {
      GET: (call) => {
        const [account, user] = [Number(call.params.clientId), Number(call.params.userId)];
        if (!call.state.gcore.users.get(user)?.has(account))
          return failure('gcore', call, 404, 'User is not found in the specified account.');
        return answer(200, { user_role: { id: 2, name: 'Users' } });
      },
      DELETE: (call) => {
        const [account, user] = [Number(call.params.clientId), Number(call.params.userId)];
        const { gcore } = call.state;
        if (!gcore.users.get(user)?.has(account))
          return failure('gcore', call, 404, 'User is not found in the specified account.');
        if (liveTokens(gcore, user, account).length > 0) return failure('gcore', call, 403, ACTIVE_TOKENS);
        revokeGcoreAccess(gcore, user, account);
        return answer(200);
      },
    },
    vanish: ({ params, state }) => revokeGcoreAccess(state.gcore, Number(params.userId), Number(params.clientId)),
  },
  {
    provider: 'gcore',
    path: '/iam/users/{userId}',
    methods: {
      DELETE: (call) => {
        const user = Number(call.params.userId);
        const { gcore } = call.state;
        const accounts = gcore.users.get(user);
        if (!accounts) return failure('gcore', call, 404, 'User not found.');
        if (accounts.size > 1) return failure('gcore', call, 403, 'Cannot delete user with multiple accounts.');
        if (liveTokens(gcore, user).length > 0) return failure('gcore', call, 403, ACTIVE_TOKENS);
        gcore.users.delete(user);
        return answer(200);
      },
    },
    vanish: ({ params, state }) => {
      state.gcore.users.delete(Number(params.userId));
    },
  },
  {
    provider: 'gcore',
    path: '/iam/v2/clients/{clientId}/tokens',
    methods: {
      GET: ({ url, params, state }) => {
        const account = Number(params.clientId);
        const issuedBy = url.searchParams.get('issued_by');
        const listed = state.gcore.tokens.filter(
          (token) =>
            token.account === account &&
            !token.deleted &&
            (state.gcore.ignoreIssuedByFilter || issuedBy === null || token.issuer === Number(issuedBy)),
        );
        return answer(200, listed.map(gcoreToken));
      },
    },
  },
  {
    provider: 'gcore',
    path: '/iam/v2/clients/{clientId}/tokens/{tokenId}',
    methods: {
      DELETE: (call) => {
        const [account, id] = [Number(call.params.clientId), Number(call.params.tokenId)];
        const token = call.state.gcore.tokens.find(
          (candidate) => candidate.account === account && candidate.id === id && !candidate.deleted,
        );
        if (!token) return failure('gcore', call, 404, 'The API token does not exist in the account.');
        token.deleted = true;
        return answer(204);
      },
    },
    vanish: ({ params, state }) => {
      for (const token of state.gcore.tokens)
        if (token.account === Number(params.clientId) && token.id === Number(params.tokenId)) token.deleted = true;
    },
  },
  {
    provider: 'cloudflare',
    path: '/accounts/{account_id}/access/users/{user_id}',
    methods: {
      GET: (call) => {
        const { account_id, user_id } = call.params;
        if (!call.state.cloudflare.has(`${account_id}/${user_id}`))
          return failure(
            'cloudflare',
            call,
            404,
            'Could not route to /accounts/.../users, perhaps your object identifier is invalid?',
          );
        return answer(200, cloudflareSuccess(cloudflareUser(user_id!)));
      },
      DELETE: (call) => {
        const key = `${call.params.account_id}/${call.params.user_id}`;
        if (!call.state.cloudflare.delete(key))
          return failure(
            'cloudflare',
            call,
            404,
            'Could not route to /accounts/.../users, perhaps your object identifier is invalid?',
          );
        return answer(202, cloudflareSuccess({}));
      },
    },
    vanish: ({ params, state }) => {
      state.cloudflare.delete(`${params.account_id}/${params.user_id}`);
    },
  },
  {
    provider: 'nscale',
    path: '/api/v1/organizations/{organizationID}/users',
    methods: {
      GET: ({ params, state }) => {
        const organization = params.organizationID!;
        const users = [...state.nscale]
          .filter((key) => key.startsWith(`${organization}/`))
          .map((key) => key.split('/')[1]!);
        return answer(
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
      },
    },
  },
  {
    provider: 'nscale',
    path: '/api/v1/organizations/{organizationID}/users/{userID}',
    methods: {
      DELETE: (call) => {
        if (!call.state.nscale.delete(`${call.params.organizationID}/${call.params.userID}`))
          return failure('nscale', call, 404, 'the requested resource does not exist');
        return answer(200);
      },
    },
    vanish: ({ params, state }) => {
      state.nscale.delete(`${params.organizationID}/${params.userID}`);
    },
  },
  {
    provider: 'liveperson',
    path: '/api/account/{accountId}/configuration/le-users/users/{userId}',
    methods: {
      GET: (call) => {
        const refused = livepersonVersion(call);
        if (refused) return refused;
        const { liveperson } = call.state;
        if (!liveperson.users.has(`${call.params.accountId}/${call.params.userId}`))
          return failure('liveperson', call, 404, 'Data not found');
        const revision = String(liveperson.revision);
        if (liveperson.changeRevisionOnRead && liveperson.changeRevisionOnRead > 0) {
          // Someone else changes the account's users right after our read.
          liveperson.changeRevisionOnRead--;
          liveperson.revision++;
        }
        const user = livepersonUser(Number(call.params.userId), false);
        if (liveperson.revisionHeader === false) return { ...answer(200, user), withheld: ['ac-revision'] };
        return answer(200, user, { 'ac-revision': revision });
      },
      DELETE: (call) => {
        const refused = livepersonVersion(call);
        if (refused) return refused;
        const { liveperson } = call.state;
        const key = `${call.params.accountId}/${call.params.userId}`;
        if (!liveperson.users.has(key)) return failure('liveperson', call, 404, 'Data not found');
        const ifMatch = call.headers['if-match'];
        if (ifMatch !== String(liveperson.revision))
          return failure('liveperson', call, liveperson.conflictStatus ?? 412, `revision ${String(ifMatch)} is stale`);
        liveperson.users.delete(key);
        liveperson.revision++;
        return answer(200, livepersonUser(Number(call.params.userId), true), {
          'ac-revision': String(liveperson.revision),
        });
      },
    },
    vanish: ({ params, state }) => {
      if (state.liveperson.users.delete(`${params.accountId}/${params.userId}`)) state.liveperson.revision++;
    },
  },
];

/** The resources' path templates as patterns, with the parameters' names. */
const ROUTES = RESOURCES.map((resource) => {
  const names: string[] = [];
  const source = resource.path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      if (!part.startsWith('{')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1, -1));
      return '([^/]+)';
    })
    .join('');
  return { resource, names, pattern: new RegExp(`^${source}$`) };
});

/** The resource a pathname names, with its parameters (decoded). */
function route(pathname: string): { resource: Resource; params: Record<string, string> } | undefined {
  for (const { resource, names, pattern } of ROUTES) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    const params = Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1]!)]));
    return { resource, params };
  }
  return undefined;
}

/** Credentials of any kind: the fake checks that some were sent, not which. */
const hasCredentials = (headers: IncomingMessage['headers']) => Boolean(headers.authorization || headers['x-auth-key']);

const UNAUTHENTICATED: Readonly<Record<Provider, string>> = {
  gcore: 'Authentication credentials were not provided.',
  cloudflare: 'Authentication error',
  nscale: 'authentication failed',
  liveperson: 'Authentication failed, the bearer token is invalid or expired',
};

// ---------------------------------------------------------------------------------------------
// Writing answers.

const NO_BODY = new Set([204, 304]);

/** The headers an answer goes out with: JSON bodies get their content-type. */
const headersOf = ({ body, headers }: Answer): Record<string, string> =>
  body === undefined ? { ...headers } : { 'content-type': 'application/json', ...headers };

/** Writes an answer: JSON with a content-type, or no body at all. */
function write(response: ServerResponse, sent: Answer): void {
  response.writeHead(sent.status, headersOf(sent));
  response.end(sent.body === undefined ? undefined : JSON.stringify(sent.body));
}

/** A raw `HTTP/1.1` head: the status line and headers, nothing after. */
function rawHead(status: number, headers: Record<string, string>): string {
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** What the client gets instead of an answer that broke its spec. */
const SPEC_BROKEN = 599;

export async function startFakeProviders(state: FakeState = emptyState()): Promise<FakeProviders> {
  const specs = providerSpecs();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const problems: string[] = [];
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

    /** What in an answer breaks its spec (recorded in `problems`); empty when it conforms. */
    const problemsOf = (checked: Answer, documentedOnly: boolean): string[] => {
      // What goes on the wire: the body as JSON text, read back.
      const body = checked.body === undefined ? undefined : JSON.parse(JSON.stringify(checked.body));
      const found = specs.check(
        method,
        url.pathname,
        { status: checked.status, headers: headersOf(checked), ...(body === undefined ? {} : { body }) },
        { documentedOnly, withheld: checked.withheld ?? [] },
      );
      for (const problem of found) if (!problems.includes(problem)) problems.push(problem);
      return found;
    };
    const deliver = (sent: Answer) => {
      recorded.status = sent.status;
      write(response, sent);
    };
    /** 599 instead of an answer that broke its spec, saying why. */
    const refuse = (found: readonly string[]) =>
      deliver(answer(SPEC_BROKEN, { message: 'fake-providers: the answer broke its spec', problems: found }));
    /** The answer if it meets its spec, else 599. */
    const deliverChecked = (sent: Answer, documentedOnly: boolean) => {
      const found = problemsOf(sent, documentedOnly);
      return found.length === 0 ? deliver(sent) : refuse(found);
    };

    /** The fake's own answer: the resource's rules, behind a credentials check. */
    const handle = (): Answer => {
      recorded.performed = true;
      const found = route(url.pathname);
      const call = { method, url, headers: request.headers, state, params: found?.params ?? {} };
      if (!found) return answer(404, { message: `no route ${method} ${url.pathname}` });
      const { provider, methods } = found.resource;
      if (!hasCredentials(request.headers)) return failure(provider, call, 401, UNAUTHENTICATED[provider]);
      const handler = methods[method as keyof typeof methods];
      if (!handler) return failure(provider, call, 405, `${method} is not allowed here`);
      return handler(call);
    };

    const respond = () => {
      const fault = faults.find(
        (candidate) => candidate.times > 0 && candidate.method === method && candidate.path.test(url.pathname),
      );
      if (!fault) return deliverChecked(handle(), true);
      fault.times--;
      const action = fault.action ?? 'reply';
      recorded.fault = action;
      const real = CHECKED_BY_ACTION[action] === 'real' ? handle() : undefined;
      const wrong = real ? problemsOf(real, true) : [];
      if (wrong.length > 0) return refuse(wrong);
      const canned = (): Answer => {
        if (fault.body !== undefined) return answer(fault.status, fault.body, fault.headers);
        const found = route(url.pathname);
        const body = found
          ? failure(found.resource.provider, { method, url }, fault.status, `fault ${fault.status}`).body
          : { message: `fault ${fault.status}` };
        return answer(fault.status, body, fault.headers);
      };
      switch (action) {
        case 'reply':
        case 'vanish': {
          if (action === 'vanish') {
            const found = route(url.pathname);
            found?.resource.vanish?.({ method, url, headers: request.headers, state, params: found.params });
          }
          const sent = canned();
          // A status the operation declares must look like the provider's; any other is the fault's point.
          const declared = specs.declared(method, url.pathname, sent.status);
          const undeclared = !declared && specs.operation(method, url.pathname) !== undefined;
          return undeclared ? deliver(sent) : deliverChecked(sent, fault.body === undefined);
        }
        case 'perform': {
          const { body, ...rest } = real!;
          return deliver({
            ...rest,
            status: fault.status,
            headers: { ...rest.headers, ...fault.headers },
            ...(NO_BODY.has(fault.status) || body === undefined ? {} : { body }),
          });
        }
        case 'perform-unreadable': {
          const status =
            fault.status >= 200 && fault.status < 300 && !NO_BODY.has(fault.status)
              ? fault.status
              : NO_BODY.has(real!.status)
                ? 200
                : real!.status;
          recorded.status = status;
          response.writeHead(status, { ...real!.headers, ...fault.headers, 'content-type': 'application/json' });
          response.end('{"result": [1, 2,');
          return;
        }
        case 'perform-reset': {
          const status = NO_BODY.has(real!.status) ? 200 : real!.status;
          const body = JSON.stringify(real!.body ?? { id: 'x' });
          recorded.status = status;
          // The head goes out whole and flushed; the body it announces never follows.
          const head = rawHead(status, {
            ...real!.headers,
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

    /** respond(), with the fake's own failure (a throw) recorded and answered 599 like a broken answer. */
    const respondOrFail = () => {
      try {
        respond();
      } catch (error) {
        const problem = `${method} ${url.pathname}: the fake failed: ${error instanceof Error ? error.message : String(error)}`;
        problems.push(problem);
        if (!response.headersSent) refuse([problem]);
      }
    };
    request.resume();
    request.on('end', () => {
      if (method === 'DELETE' && fake.deleteDelayMs > 0) setTimeout(respondOrFail, fake.deleteDelayMs);
      else respondOrFail();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    faults,
    problems,
    takeProblems: () => problems.splice(0),
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
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (problems.length > 0)
        throw new Error(
          `fake-providers: ${problems.length} answer(s) broke the provider's spec (each was answered ${SPEC_BROKEN}):\n` +
            problems.map((problem) => `- ${problem}`).join('\n'),
        );
    },
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
