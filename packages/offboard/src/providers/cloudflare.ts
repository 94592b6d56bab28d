// Cloudflare Zero Trust Access: one DELETE, answered 202 with the envelope; a 404 means the user
// is already gone (RFC 9110 §9.2.2: DELETE is idempotent). Reads in plan mode (and applying a
// saved plan) show whether the user exists: the fact `present`. Verification: GET the user, 404. `account_id` is at most 32 characters, `user_id` a UUID (the spec's path rules).
//
// Finding people by email: the user list, page by page until `result_info.total_pages` or an
// empty page (its `count` and `total_count` are not what upstream describes: never relied on).
// Whether its `email` filter is exact or a substring is not documented, so every address is
// compared here. A directory of P pages (1000 users each) costs P requests for any number of
// people; N people asked for one by one cost about N. The first page says P, so the search
// takes whichever is smaller.
import { api, type Client, type ClientOptions, type components, createClient } from '@offboard/cloudflare-access';
import {
  canonicalId,
  canonicalIds,
  clientOptions,
  defineProvider,
  exists,
  finalDelete,
  matchUsers,
} from '../provider.js';
import type { StepLog } from '../steps.js';
import type { Verdict } from '../types.js';

/** The most users one page of the list holds (its `per_page` maximum). */
const PAGE_SIZE = 1000;

type ListedUser = components['schemas']['User'];

/** Every user the list query asks for, page by page from `query.page` (one logged read each). */
function listed(
  client: Client,
  log: StepLog,
  account: string,
  query: { readonly email?: string; readonly page?: number },
): AsyncIterable<ListedUser> {
  return log.pages(client, api, (c) =>
    c.paginate('/accounts/{account_id}/access/users', {
      params: { path: { account_id: account }, query: { ...query, per_page: PAGE_SIZE } },
    }),
  );
}

/** Whether the Access user exists (GET answers it; 404: it does not). */
function accessUser(client: Client, log: StepLog, path: { account_id: string; user_id: string }): Promise<boolean> {
  return exists(() =>
    log.read(client, (c) => c.GET('/accounts/{account_id}/access/users/{user_id}', { params: { path } })),
  );
}

const addressOf = (user: ListedUser) => [user.email];
const idOf = (user: ListedUser) => String(user.id ?? '').toLowerCase();

export const cloudflare = defineProvider({
  name: 'cloudflare',
  apis: [api],

  clients: (options: ClientOptions | undefined, run) => createClient(clientOptions(run, options)),

  canonical: (target) => canonicalIds(api, 'deleteAccessUser', target, { account: 'account_id', user: 'user_id' }),
  canonicalAccount: (account) => canonicalId(api, 'deleteAccessUser', 'account_id', account, 'account'),

  async run(target, log, client) {
    const path = { account_id: target.account, user_id: target.user };
    const absent: Verdict = {
      outcome: 'already-absent',
      reason: `no Access user ${target.user} in account ${target.account}`,
    };
    if (log.readsFirst) {
      const present = await accessUser(client, log, path);
      log.fact('present', present);
      if (!present) return absent;
    }
    return finalDelete(
      log,
      client,
      (c) => c.DELETE('/accounts/{account_id}/access/users/{user_id}', { params: { path } }),
      { done: { outcome: 'deleted' }, absent },
    );
  },

  verify: async (target, _outcome, log, client) =>
    !(await accessUser(client, log, { account_id: target.account, user_id: target.user })),

  async discover({ account, emails, clients: client, log }) {
    const { data } = await log.read(client, (c) =>
      c.GET('/accounts/{account_id}/access/users', {
        params: { path: { account_id: account }, query: { page: 1, per_page: PAGE_SIZE } },
      }),
    );
    const first = data.result ?? [];
    const pages = data.result_info?.total_pages;
    if (first.length === 0 || (typeof pages === 'number' && pages <= 1))
      return { users: await matchUsers(first, emails, addressOf, idOf) };
    // Pages 2..P of the whole directory, or one filtered query per person when that is fewer.
    if (typeof pages === 'number' && emails.length < pages - 1) {
      const users = new Map<string, string[]>();
      for (const email of emails)
        await matchUsers(listed(client, log, account, { email }), [email], addressOf, idOf, users);
      return { users };
    }
    const users = await matchUsers(first, emails, addressOf, idOf);
    return { users: await matchUsers(listed(client, log, account, { page: 2 }), emails, addressOf, idOf, users) };
  },
});
