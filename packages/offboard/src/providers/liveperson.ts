// LivePerson Users API v4 (per-account domain, `v=4.0` on every call — both handled by the
// client): read the user to learn the data revision (`ac-revision`), then DELETE with
// `If-Match: <revision>`. Never `-1`, which would skip the concurrency check. The docs name no
// status for a stale revision, so 409 and 412 are treated alike: re-read and try again, a bounded
// number of times. 404 means the user is already gone.
//
// Finding people by email: the account's user list (one request, not paged), with only the
// fields matching needs (`select=id,loginName,email`); a person matches by `email` or by a
// `loginName` that is their address. One read per account serves any number of people.
import {
  api,
  type ClientOptions,
  ConflictError,
  createClient,
  NotFoundError,
  OffboardError,
} from '@offboard/liveperson-users';
import { canonicalId, canonicalIds, clientOptions, defineProvider, finalDelete, matchUsers } from '../provider.js';

const REVISION = /^\d+$/;

export const liveperson = defineProvider({
  name: 'liveperson',
  apis: [api],

  clients: (options: ClientOptions | undefined, run) => createClient(clientOptions(run, options)),

  canonical: (target) => canonicalIds(api, 'deleteUser', target, { account: 'accountId', user: 'userId' }),

  canonicalAccount: (account) => canonicalId(api, 'deleteUser', 'accountId', account, 'account'),

  // The revision is the account's: two deletes in one account at once would invalidate each other.
  exclusiveKey: (target) => `liveperson/${target.account}`,

  async run(target, log, client, options) {
    // userId is an int64 ("positive long number"): kept as a digit string, exact beyond 2^53.
    const path = { accountId: target.account, userId: target.user };
    const absent = {
      outcome: 'already-absent',
      reason: `no user ${target.user} in account ${target.account}`,
    } as const;
    for (let attempt = 0; ; attempt++) {
      let revision: string | null;
      try {
        const { response } = await log.read(client, (c) =>
          c.GET('/api/account/{accountId}/configuration/le-users/users/{userId}', { params: { path } }),
        );
        revision = response.headers.get('ac-revision');
      } catch (error) {
        if (error instanceof NotFoundError) return absent;
        throw error;
      }
      if (revision === null || !REVISION.test(revision)) {
        return {
          outcome: 'failed',
          reason: `LivePerson answered without a usable ac-revision (${JSON.stringify(revision)}); not deleting without one`,
        };
      }
      try {
        return await finalDelete(
          log,
          client,
          (c) =>
            c.DELETE('/api/account/{accountId}/configuration/le-users/users/{userId}', {
              params: { path, header: { 'If-Match': revision } },
            }),
          { done: { outcome: 'deleted' }, absent },
        );
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        if (attempt >= options.maxRevisionRetries) {
          return {
            outcome: 'failed',
            reason: `the user's revision changed ${attempt + 1} times while deleting (last ${error.status}); try again later`,
          };
        }
      }
    }
  },

  async discover({ account: accountId, emails, clients: client, log }) {
    const { data } = await log.read(client, (c) =>
      c.GET('/api/account/{accountId}/configuration/le-users/users', {
        params: { path: { accountId }, query: { select: 'id,loginName,email' } },
      }),
    );
    const users = await matchUsers(
      data.filter((user) => user.deleted !== true),
      emails,
      (user) => [user.email, user.loginName],
      (user) => {
        // JSON numbers beyond 2^53 are not read exactly: such an id would name another user.
        if (!Number.isSafeInteger(user.id))
          throw new OffboardError(`LivePerson listed a user id (${user.id}) too large to read exactly`);
        return String(user.id);
      },
    );
    return { users };
  },
});
