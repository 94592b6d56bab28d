// Cloudflare Zero Trust Access: one DELETE, answered 202 with the envelope; a 404 means the user
// is already gone (RFC 9110 §9.2.2: DELETE is idempotent). Reads in plan mode show whether the
// user exists. `account_id` is at most 32 characters, `user_id` a UUID (the spec's path rules).
import { api, type ClientOptions, createClient, NotFoundError } from '@offboard/cloudflare-access';
import { canonicalIds, clientOptions, defineProvider, finalDelete } from '../provider.js';
import type { Verdict } from '../types.js';

export const cloudflare = defineProvider({
  name: 'cloudflare',
  apis: [api],

  clients: (options: ClientOptions | undefined, run) => createClient(clientOptions(run, options)),

  canonical: (target) => canonicalIds(api, 'deleteAccessUser', target, { account: 'account_id', user: 'user_id' }),

  async run(target, log, client) {
    const path = { account_id: target.account, user_id: target.user };
    const absent: Verdict = {
      outcome: 'already-absent',
      reason: `no Access user ${target.user} in account ${target.account}`,
    };
    if (log.mode === 'plan') {
      try {
        await log.read(client, (c) => c.GET('/accounts/{account_id}/access/users/{user_id}', { params: { path } }));
      } catch (error) {
        if (error instanceof NotFoundError) return absent;
        throw error;
      }
    }
    return finalDelete(
      log,
      client,
      (c) => c.DELETE('/accounts/{account_id}/access/users/{user_id}', { params: { path } }),
      { done: { outcome: 'deleted' }, absent },
    );
  },
});
