// LivePerson Users API v4 (per-account domain, `v=4.0` on every call — both handled by the
// client): read the user to learn the data revision (`ac-revision`), then DELETE with
// `If-Match: <revision>`. Never `-1`, which would skip the concurrency check. The docs name no
// status for a stale revision, so 409 and 412 are treated alike: re-read and try again, a bounded
// number of times. 404 means the user is already gone. The facts a saved plan keeps: `present`
// and `revision`, which may move ahead by what the retries cover (and by this run's own earlier
// deletes in the account) and still hold. Verification: GET the user answers 404.
//
// Finding people by email: the account's user list (one request, not paged), with only the
// fields matching needs (`select=id,loginName,email`); a person matches by `email` or by a
// `loginName` that is their address. One read per account serves any number of people.
import {
  api,
  type Client,
  type ClientOptions,
  ConflictError,
  createClient,
  NotFoundError,
  OffboardError,
} from '@offboard/liveperson-users';
import { canonicalId, canonicalIds, clientOptions, defineProvider, finalDelete, matchUsers } from '../provider.js';
import type { StepLog } from '../steps.js';

const REVISION = /^\d+$/;

/** A revision read now that the plan's still covers: the same, or at most `slack` ahead. */
function covers(planned: unknown, now: unknown, slack: number): boolean {
  if (typeof planned !== 'string' || typeof now !== 'string' || !REVISION.test(planned) || !REVISION.test(now))
    return false;
  const ahead = BigInt(now) - BigInt(planned);
  return ahead >= 0n && ahead <= BigInt(slack);
}

/** Whether the user is gone: GET answers 404 (or, should it still list it, marks it deleted). */
async function gone(client: Client, log: StepLog, path: { accountId: string; userId: string }): Promise<boolean> {
  try {
    const { data } = await log.read(client, (c) =>
      c.GET('/api/account/{accountId}/configuration/le-users/users/{userId}', { params: { path } }),
    );
    return (data as { deleted?: unknown }).deleted === true;
  } catch (error) {
    if (error instanceof NotFoundError) return true;
    throw error;
  }
}

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
    const accountPath = `/api/account/${encodeURIComponent(target.account)}`;
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
        if (!(error instanceof NotFoundError)) throw error;
        if (attempt === 0) log.fact('present', false);
        return absent;
      }
      if (attempt === 0) {
        log.fact('present', true);
        // The revision may move by what the retries cover, and by this run's own earlier deletes in
        // the account (counted only when it did move: a batch in one account would count them all per target).
        const slack = () =>
          options.maxRevisionRetries +
          log.earlierWrites((method, written) => method === 'DELETE' && written.startsWith(`${accountPath}/`));
        log.fact('revision', revision, { holds: (planned, now) => covers(planned, now, slack()) });
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

  verify: (target, _outcome, log, client) => gone(client, log, { accountId: target.account, userId: target.user }),

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
