// Cloudflare Zero Trust Access: one DELETE, answered 202 with the envelope; a 404 means the user
// is already gone (RFC 9110 §9.2.2: DELETE is idempotent). Reads in plan mode show whether the
// user exists.
import { api, type Client, NotFoundError } from '@offboard/cloudflare-access';
import type { Verdict } from '../types.js';
import { canonicalIds, finalDelete, type Policy } from './policy.js';

export const cloudflarePolicy: Policy<Client> = {
  provider: 'cloudflare',

  canonical: (target) => canonicalIds(api, 'deleteAccessUser', target, { account: 'account_id', user: 'user_id' }),

  async run(target, log, client) {
    const path = { account_id: target.account, user_id: target.user };
    const where = `/accounts/${target.account}/access/users/${target.user}`;
    const absent: Verdict = {
      outcome: 'already-absent',
      reason: `no Access user ${target.user} in account ${target.account}`,
    };
    if (log.mode === 'plan') {
      try {
        await log.read('GET', where, () =>
          client.GET('/accounts/{account_id}/access/users/{user_id}', { params: { path } }),
        );
      } catch (error) {
        if (error instanceof NotFoundError) return absent;
        throw error;
      }
    }
    return finalDelete(
      log,
      where,
      () => client.DELETE('/accounts/{account_id}/access/users/{user_id}', { params: { path } }),
      {
        done: { outcome: 'deleted' },
        absent,
      },
    );
  },
};
