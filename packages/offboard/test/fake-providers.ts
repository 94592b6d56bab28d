// A stateful fake of the four providers, for the sequences a stateless Prism mock cannot play:
// tokens that block a removal until deleted, users in several accounts, a revision that changes
// under us, 404 on a repeated delete, 429 with Retry-After, 503 then OK. It follows each
// provider's documented rules (e.g. Gcore's 403s) and records every request. It also serves the
// list and search routes that discovery by email reads (each provider's filters and paging, with
// each user's address and the page size in the state), and can require each account's own
// credential (`expectedCredentials`).
//
// Every answer it sends is checked against the provider's spec (test/spec-check.ts): the status
// must be one the operation declares, the body must match its schema with no undocumented field,
// the declared headers must be there and well-formed. An answer that breaks its spec is never
// sent: the client gets 599, the fake keeps the problem in `problems`, and close() rejects with
// them, so the test that caused it fails. Fault actions are exempt only as CHECKED_BY_ACTION says.
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answers } from '@offboard/test-utils';
import { bundledSpec, providerSpecs } from './spec-check.js';

export interface GcoreToken {
  id: number;
  account: number;
  issuer: number;
  deleted?: boolean;
}

export interface FakeState {
  gcore: {
    /** Each user's accounts. */
    users: Map<number, Set<number>>;
    tokens: GcoreToken[];
    ignoreIssuedByFilter?: boolean;
    /** Each user's address; default `user${id}@example.com`. */
    emails?: Map<number, string>;
    /** The most items one page of a list holds (`/iam/users`, `/iam/clients`), whatever `limit` says. */
    pageSizeCap?: number;
    /** The Reseller API refuses the key (403 on `GET /iam/clients`), as for a key that is not a reseller's. */
    resellerForbidden?: boolean;
  };
  /** `${account}/${user}`, with the users' addresses and the list's paging. */
  cloudflare: Set<string> & {
    /** By user id; default the id's first 8 characters `@example.com`. */
    emails?: Map<string, string>;
    /** The most users one page of the list holds, whatever `per_page` says. */
    pageSizeCap?: number;
  };
  /** `${organization}/${user}`, with the users' sign-in subjects. */
  nscale: Set<string> & {
    /** The `spec.subject` by user id; default `${id}@example.com`. */
    emails?: Map<string, string>;
    /** Whether the token may look users up by email (`GET /api/v1/organizations?email=`, else 403); default true. */
    globalUserRead?: boolean;
  };
  liveperson: {
    /** `${account}/${user}` */
    users: Set<string>;
    revision: number;
    changeRevisionOnRead?: number;
    conflictStatus?: 409 | 412;
    revisionHeader?: boolean;
    /** By user id; default `agent${id}@example.com`. */
    emails?: Map<string, string>;
    /** By user id; default `agent${id}`. */
    loginNames?: Map<string, string>;
  };
  /**
   * The one credential each account takes, keyed `${provider}/${account}` (the account as its
   * path names it: Gcore's `clientId`, Cloudflare's `account_id`, nscale's `organizationID`,
   * LivePerson's `accountId`): the exact `authorization` header, or for Cloudflare's key + email
   * the `x-auth-key`. A request naming that account with another gets the provider's 403. A
   * request naming no account (Gcore's `/iam/users`, `/iam/clients`) is not checked.
   */
  expectedCredentials?: Map<string, string>;
  /**
   * Every provider confirms a user's delete (its 2xx) and keeps the user: the broken provider
   * verification exists for.
   */
  keepsDeletedUsers?: boolean;
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

const gcoreEmail = (gcore: FakeState['gcore'], id: number) => gcore.emails?.get(id) ?? `user${id}@example.com`;

/** A Gcore user as the IAM API lists it, with every account it is in. */
const gcoreUser = (gcore: FakeState['gcore'], id: number, accounts: ReadonlySet<number>) =>
  answers.gcoreUser(id, gcoreEmail(gcore, id), [...accounts]);

/** A client account as the Reseller API lists it, with its users (sorted by id). */
const gcoreClient = (gcore: FakeState['gcore'], account: number, users: readonly number[]) =>
  answers.gcoreClient(
    account,
    users.map((user) =>
      answers.gcoreResellerUser(user, gcoreEmail(gcore, user), [...(gcore.users.get(user) ?? [])][0] ?? 0),
    ),
  );

/** Every account some user is in, sorted, with its users (sorted). */
function gcoreAccounts(gcore: FakeState['gcore']): Map<number, number[]> {
  const accounts = new Map<number, number[]>();
  for (const [user, of] of [...gcore.users].sort(([a], [b]) => a - b))
    for (const account of of) accounts.set(account, [...(accounts.get(account) ?? []), user]);
  return new Map([...accounts].sort(([a], [b]) => a - b));
}

const gcoreToken = (gcore: FakeState['gcore'], token: GcoreToken) => ({
  id: token.id,
  name: `token ${token.id}`,
  exp_date: null,
  client_user: {
    deleted: false,
    user_id: token.issuer,
    user_name: `User ${token.issuer}`,
    user_email: gcoreEmail(gcore, token.issuer),
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

const cloudflareUser = (cloudflare: FakeState['cloudflare'], id: string) =>
  answers.cloudflareUser(id, cloudflare.emails?.get(id) ?? `${id.slice(0, 8)}@example.com`);

const nscaleSubject = (nscale: FakeState['nscale'], id: string) => nscale.emails?.get(id) ?? `${id}@example.com`;

const { cloudflareSuccess, nscaleOrganization } = answers;

const livepersonUser = (liveperson: FakeState['liveperson'], id: string, deleted: boolean) => ({
  id: Number(id),
  deleted,
  loginName: liveperson.loginNames?.get(id) ?? `agent${id}`,
  fullName: '',
  nickname: `Agent ${id}`,
  isEnabled: true,
  maxChats: 3,
  email: liveperson.emails?.get(id) ?? `agent${id}@example.com`,
  profileIds: [3],
  userTypeId: 1,
});

/** LivePerson's Users API answers only its version 4.0, named in every call. */
function livepersonVersion(call: Call): Answer | undefined {
  return call.url.searchParams.get('v') === '4.0' ? undefined : failure('liveperson', call, 400, 'v=4.0 is required');
}

/** A query parameter as an integer of at least `min`; `fallback` when absent or anything else. */
function integerParam(url: URL, name: string, min: number, fallback: number): number {
  const text = url.searchParams.get(name);
  const value = text !== null && /^[0-9]{1,15}$/.test(text) ? Number(text) : Number.NaN;
  return value >= min ? value : fallback;
}

/**
 * One page of a Gcore list as Django REST framework's limit/offset pagination gives it (Gcore's
 * `count`, `next`, `previous`, `results`): a `limit` that is not a positive integer means the
 * default, an `offset` that is not a whole number means 0, and `pageSizeCap` bounds the page
 * whatever `limit` asks. `count` is the whole list's length.
 */
function gcorePage<T>(gcore: FakeState['gcore'], url: URL, path: string, items: readonly T[]) {
  const limit = Math.min(integerParam(url, 'limit', 1, 1000), gcore.pageSizeCap ?? Number.POSITIVE_INFINITY);
  const offset = integerParam(url, 'offset', 0, 0);
  const link = (at: number) => `${path}?offset=${at}&limit=${limit}`;
  return {
    count: items.length,
    next: offset + limit < items.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: items.slice(offset, offset + limit),
  };
}

type Json = Record<string, unknown>;
/** The object at `path` in a client package's bundled spec (what the clients are generated from). */
const specAt = (name: Parameters<typeof bundledSpec>[0], ...path: readonly string[]): Json =>
  path.reduce<Json>((node, key) => node[key] as Json, bundledSpec(name));

/** Cloudflare's list paging: `per_page` defaults to and is capped at what the spec says (1000). */
const CLOUDFLARE_PER_PAGE = specAt('cloudflare-access', 'components', 'parameters', 'PerPage', 'schema') as {
  default: number;
  maximum: number;
};

/** Whether `part` (absent: any) is in `text`, case aside: Cloudflare's filters, deliberately loose. */
const looselyHas = (text: string, part: string | null) =>
  part === null || text.toLowerCase().includes(part.toLowerCase());

/**
 * The top-level fields a LivePerson `select` names (`id,loginName,memberOf(agentGroupId)` →
 * `id`, `loginName`, `memberOf`; a nested selection keeps the whole field).
 */
function selectedFields(select: string): Set<string> {
  const fields = new Set<string>();
  let depth = 0;
  let name = '';
  for (const char of `${select},`) {
    if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      if (name.trim()) fields.add(name.trim());
      name = '';
    } else if (depth === 0) name += char;
  }
  return fields;
}

/**
 * A LivePerson user limited to the `select`ed fields, as far as the spec allows: the fields its
 * `User` schema requires stay (the spec says a filtered user breaks that schema, so the fake,
 * whose answers must meet it, keeps them).
 */
const LIVEPERSON_REQUIRED = specAt('liveperson-users', 'components', 'schemas', 'User').required as string[];
function livepersonSelect<T extends object>(user: T, select: string | null): Partial<T> {
  if (select === null) return user;
  const keep = new Set([...selectedFields(select), ...LIVEPERSON_REQUIRED]);
  return Object.fromEntries(Object.entries(user).filter(([field]) => keep.has(field))) as Partial<T>;
}

/** The id part of the `${account}/${id}` keys of one account, in a stable order. */
const idsIn = (keys: Iterable<string>, account: string) =>
  [...keys].filter((key) => key.startsWith(`${account}/`)).map((key) => key.slice(account.length + 1));

export const RESOURCES: readonly Resource[] = [
  {
    provider: 'gcore',
    path: '/iam/users',
    methods: {
      GET: ({ url, state }) => {
        const all = [...state.gcore.users].sort(([a], [b]) => a - b);
        const page = gcorePage(state.gcore, url, '/users', all);
        return answer(200, {
          ...page,
          results: page.results.map(([id, accounts]) => gcoreUser(state.gcore, id, accounts)),
        });
      },
    },
  },
  {
    provider: 'gcore',
    path: '/iam/clients',
    methods: {
      // The Reseller API's accounts; `users_email` keeps those with a user of that address (the
      // whole address, case aside), each still listing all its users.
      GET: (call) => {
        const { url, state } = call;
        if (state.gcore.resellerForbidden)
          return failure('gcore', call, 403, 'You do not have permission to perform this action.');
        const email = url.searchParams.get('users_email')?.toLowerCase() || undefined; // empty: no filter
        const accounts = [...gcoreAccounts(state.gcore)].filter(
          ([, users]) =>
            email === undefined || users.some((user) => gcoreEmail(state.gcore, user).toLowerCase() === email),
        );
        const page = gcorePage(state.gcore, url, '/clients', accounts);
        return answer(200, {
          ...page,
          results: page.results.map(([account, users]) => gcoreClient(state.gcore, account, users)),
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
      GET: (call) => {
        const user = Number(call.params.userId);
        const accounts = call.state.gcore.users.get(user);
        if (!accounts) return failure('gcore', call, 404, 'User not found.');
        return answer(200, answers.gcorePublicUser(user, gcoreEmail(call.state.gcore, user), [...accounts][0] ?? 0));
      },
      DELETE: (call) => {
        const user = Number(call.params.userId);
        const { gcore } = call.state;
        const accounts = gcore.users.get(user);
        if (!accounts) return failure('gcore', call, 404, 'User not found.');
        if (accounts.size > 1) return failure('gcore', call, 403, 'Cannot delete user with multiple accounts.');
        if (liveTokens(gcore, user).length > 0) return failure('gcore', call, 403, ACTIVE_TOKENS);
        if (!call.state.keepsDeletedUsers) gcore.users.delete(user);
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
        return answer(
          200,
          listed.map((token) => gcoreToken(state.gcore, token)),
        );
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
    path: '/accounts/{account_id}/access/users',
    methods: {
      // Filters match loosely (a case-insensitive substring: Cloudflare does not say they are
      // exact), so a client must compare addresses itself. `total_count` ignores the filters (as
      // the spec says; it is no count of the matches): only `total_pages` or an empty page ends a walk.
      GET: (call) => {
        const { url, params, state } = call;
        const [page, perPage] = [url.searchParams.get('page'), url.searchParams.get('per_page')];
        if (
          (page !== null && integerParam(url, 'page', 1, 0) === 0) ||
          (perPage !== null && integerParam(url, 'per_page', 1, 0) === 0)
        )
          return failure('cloudflare', call, 400, 'page and per_page must be positive integers');
        const number = integerParam(url, 'page', 1, 1);
        const size = Math.min(
          integerParam(url, 'per_page', 1, CLOUDFLARE_PER_PAGE.default),
          CLOUDFLARE_PER_PAGE.maximum,
          state.cloudflare.pageSizeCap ?? Number.POSITIVE_INFINITY,
        );
        const [email, name, search] = ['email', 'name', 'search'].map((filter) => url.searchParams.get(filter));
        const all = idsIn(state.cloudflare, params.account_id!)
          .sort()
          .map((id) => cloudflareUser(state.cloudflare, id));
        const matching = all.filter(
          (user) =>
            looselyHas(user.email, email ?? null) &&
            looselyHas(user.name, name ?? null) &&
            (looselyHas(user.email, search ?? null) || looselyHas(user.name, search ?? null)),
        );
        const result = matching.slice((number - 1) * size, number * size);
        return answer(200, {
          ...cloudflareSuccess(result),
          result_info: {
            page: number,
            per_page: size,
            count: result.length,
            total_count: all.length,
            total_pages: Math.ceil(matching.length / size),
          },
        });
      },
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
        return answer(200, cloudflareSuccess(cloudflareUser(call.state.cloudflare, user_id!)));
      },
      DELETE: (call) => {
        const key = `${call.params.account_id}/${call.params.user_id}`;
        if (call.state.keepsDeletedUsers ? !call.state.cloudflare.has(key) : !call.state.cloudflare.delete(key))
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
    path: '/api/v1/organizations',
    methods: {
      // With `email`, the organizations of the users whose subject is exactly that (nscale does
      // not fold case): 404 when none has it, 403 when the token may not read users globally.
      // Without it, every organization (the fake does not know who the caller is).
      GET: (call) => {
        const { nscale } = call.state;
        const email = call.url.searchParams.get('email');
        const members = [...nscale].map((key) => key.split('/') as [string, string]);
        if (email === null)
          return answer(200, [...new Set(members.map(([org]) => org))].sort().map(nscaleOrganization));
        if (nscale.globalUserRead === false)
          return failure('nscale', call, 403, 'user not permitted to read users globally');
        const organizations = members.filter(([, user]) => nscaleSubject(nscale, user) === email).map(([org]) => org);
        if (organizations.length === 0) return failure('nscale', call, 404, 'resource not found');
        return answer(200, [...new Set(organizations)].sort().map(nscaleOrganization));
      },
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
          users.map((id) => answers.nscaleUser(id, nscaleSubject(state.nscale, id), organization)),
        );
      },
    },
  },
  {
    provider: 'nscale',
    path: '/api/v1/organizations/{organizationID}/users/{userID}',
    methods: {
      DELETE: (call) => {
        const key = `${call.params.organizationID}/${call.params.userID}`;
        if (call.state.keepsDeletedUsers ? !call.state.nscale.has(key) : !call.state.nscale.delete(key))
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
    path: '/api/account/{accountId}/configuration/le-users/users',
    methods: {
      // The account's users (the fake forgets deleted ones, so `include_deleted` adds none), in
      // id order, with the account's revision.
      GET: (call) => {
        const refused = livepersonVersion(call);
        if (refused) return refused;
        const { liveperson } = call.state;
        const users = idsIn(liveperson.users, call.params.accountId!)
          .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0))
          .map((id) => livepersonSelect(livepersonUser(liveperson, id, false), call.url.searchParams.get('select')));
        if (liveperson.revisionHeader === false) return { ...answer(200, users), withheld: ['ac-revision'] };
        return answer(200, users, { 'ac-revision': String(liveperson.revision) });
      },
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
        const user = livepersonUser(liveperson, call.params.userId!, false);
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
        if (!call.state.keepsDeletedUsers) liveperson.users.delete(key);
        liveperson.revision++;
        return answer(200, livepersonUser(liveperson, call.params.userId!, true), {
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

/** Credentials of any kind: the fake checks that some were sent (which, only as `expectedCredentials` says). */
const hasCredentials = (headers: IncomingMessage['headers']) => Boolean(headers.authorization || headers['x-auth-key']);

/** The path parameter that names the account, by provider. */
const ACCOUNT_PARAM: Readonly<Record<Provider, string>> = {
  gcore: 'clientId',
  cloudflare: 'account_id',
  nscale: 'organizationID',
  liveperson: 'accountId',
};

/**
 * Whether a request carries the credential its account takes (`state.expectedCredentials`), or
 * names no account the state constrains. Cloudflare's key + email presents the key as X-Auth-Key.
 */
function rightCredentials(provider: Provider, call: Call): boolean {
  const account = call.params[ACCOUNT_PARAM[provider]];
  const expected = account === undefined ? undefined : call.state.expectedCredentials?.get(`${provider}/${account}`);
  if (expected === undefined) return true;
  const { authorization, 'x-auth-key': key } = call.headers;
  return authorization === expected || (provider === 'cloudflare' && key === expected);
}

/** The provider's words for a credential that may not act in the account. */
const FORBIDDEN: Readonly<Record<Provider, (account: string) => string>> = {
  gcore: () => 'You do not have permission to perform this action.',
  cloudflare: () => 'Forbidden',
  nscale: () => 'user credentials do not have the required privileges',
  liveperson: (account) => `Not authorized to access account ${account}`,
};

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

let answered = 0;

/** Writes an answer: JSON with a content-type, or no body at all; each with its own request id. */
function write(response: ServerResponse, sent: Answer): void {
  response.writeHead(sent.status, { 'x-request-id': `fake-${++answered}`, ...headersOf(sent) });
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
      if (!rightCredentials(provider, call))
        return failure(provider, call, 403, FORBIDDEN[provider](call.params[ACCOUNT_PARAM[provider]] ?? ''));
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
      // The previous scenario's optional fields (expectedCredentials) go too.
      for (const key of Object.keys(state) as (keyof FakeState)[]) if (!(key in fresh)) delete state[key];
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
