// Gcore (IAM + IAM Reseller, one API key). A user may belong to several accounts, and Gcore
// answers 403 to a removal while the user has access to other accounts (deleting the user) or
// has issued API tokens in the account. The plan avoids both:
//   - is the user in the target account? (GET client-user: 404 means already absent)
//   - which accounts does the user belong to? (GET /iam/users, `client_and_roles`)
//   - which tokens did the user issue there? (GET /iam/v2/.../tokens?issued_by): they block the
//     removal unless --revoke-tokens, which deletes exactly those tokens first
//   - only account → delete the user; several → revoke the target account only, or with
//     --all-accounts revoke every other account and then delete the user; not in the user list
//     → its other accounts are unknown, so revoke the target account only, never delete.
// The facts a saved plan keeps: `present`, `accounts` (null: not in the user list), `tokens` (per
// account touched). A plan counts what its earlier targets do: a person in two accounts is
// removed from the first and deleted in the second, as apply will do it. Verification: the
// deleted user's GET /iam/users/{userId}, or the removed access's client-user, answers 404 (a
// key refused the user read, 403, is shown the client-user instead).
//
// Finding people by email: GET /iam/users (every page, 1000 users a page) lists every user the
// key can see with all their accounts (`client_and_roles`), so one walk serves every configured
// account searched with that key and any number of people. The Reseller API's account list,
// filtered by `users_email` (one query per person, compared here again), adds the accounts the
// person is in that the user list does not show; every account that the config does not list is
// reported. A key that may not list accounts (401/403) leaves that check out, with a warning.
// The v1 token endpoints are deprecated and gone upstream: never used. A 403 that still happens
// (the state changed under us) becomes `blocked`, with the flag that resolves it.
import {
  AuthenticationError,
  createClient as createIamClient,
  type ClientOptions as GcoreOptions,
  type Client as IamClient,
  api as iamApi,
  NotFoundError,
  OffboardError,
  PermissionDeniedError,
} from '@offboard/gcore-iam';
import {
  createClient as createResellerClient,
  type Client as ResellerClient,
  api as resellerApi,
} from '@offboard/gcore-iam-reseller';
import {
  addIds,
  canonicalEmail,
  canonicalId,
  canonicalIds,
  clientOptions,
  defineProvider,
  eachPerson,
  exists,
  finalDelete,
} from '../provider.js';
import type { StepLog } from '../steps.js';
import { InputError, type Verdict } from '../types.js';

/** Both Gcore APIs: they share the API key and the base URL, so one set of options builds both. */
export interface GcoreClients {
  readonly iam: IamClient;
  readonly reseller: ResellerClient;
}

const PAGE_SIZE = 100;

/**
 * The accounts Gcore lists for the user, or undefined when the user list does not show the user.
 * Every page is a logged read; the walk stops at the page that shows the user.
 */
async function accountsOf(iam: IamClient, log: StepLog, userId: number): Promise<number[] | undefined> {
  const users = log.pages(iam, iamApi, (c) => c.paginate('/iam/users', { params: { query: { limit: PAGE_SIZE } } }));
  for await (const user of users) {
    if (user.id === userId) return [...new Set(user.client_and_roles.map((entry) => entry.client_id))];
  }
  return undefined;
}

/** The page size of the directory walk of discovery: fewer, larger pages. */
const DIRECTORY_PAGE_SIZE = 1000;

/** A user of the directory whose address is sought: its id and every account it is in. */
interface Listed {
  readonly id: number;
  readonly email: string;
  readonly accounts: readonly number[];
}

/** The users of the whole directory whose address is one of `emails` (memory grows with the matches only). */
async function directoryMatches(iam: IamClient, log: StepLog, emails: readonly string[]): Promise<Listed[]> {
  const sought = new Set(emails);
  const found: Listed[] = [];
  const users = log.pages(iam, iamApi, (c) =>
    c.paginate('/iam/users', { params: { query: { limit: DIRECTORY_PAGE_SIZE } } }),
  );
  for await (const user of users) {
    if (typeof user.email !== 'string' || !sought.has(canonicalEmail(user.email))) continue;
    if (!Number.isSafeInteger(user.id))
      throw new OffboardError(`Gcore listed a user id (${user.id}) too large to read exactly`);
    const accounts = [...new Set(user.client_and_roles.map((entry) => entry.client_id))];
    found.push({ id: user.id, email: canonicalEmail(user.email), accounts });
  }
  return found;
}

/**
 * The reseller's accounts with a user whose address is exactly `email`, and that user's ids there;
 * or, when the lookup could not be made, the warning saying so.
 */
async function accountsHolding(
  reseller: ResellerClient,
  log: StepLog,
  email: string,
): Promise<Map<number, number[]> | string> {
  const held = new Map<number, number[]>();
  try {
    const clients = log.pages(reseller, resellerApi, (c) =>
      c.paginate('/iam/clients', { params: { query: { users_email: email } } }),
    );
    for await (const client of clients) {
      const ids = (client.users ?? [])
        .filter((user) => typeof user.email === 'string' && canonicalEmail(user.email) === email)
        .map((user) => user.id);
      if (ids.some((id) => !Number.isSafeInteger(id)))
        throw new OffboardError(`Gcore listed a user id too large to read exactly in account ${client.id}`);
      if (ids.length > 0) addIds(held, client.id, ids);
    }
  } catch (error) {
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError)
      return `the API key may not list the reseller's accounts (${error.status}): accounts missing from the config were not looked for`;
    // The search of the configured accounts stands; only the look beyond them is missing.
    return `accounts missing from the config were not looked for: ${error instanceof Error ? error.message : String(error)}`;
  }
  return held;
}

/** Ids of the live tokens `userId` issued in `clientId` (the filter is checked again here). */
async function tokensOf(iam: IamClient, log: StepLog, clientId: number, userId: number): Promise<number[]> {
  const { data } = await log.read(iam, (c) =>
    c.GET('/iam/v2/clients/{clientId}/tokens', { params: { path: { clientId }, query: { issued_by: userId } } }),
  );
  return data.filter((token) => token.client_user.user_id === userId && !token.deleted).map((token) => token.id);
}

/** Whether the user has access to the account (its client-user answers; 404: it has not). */
function inAccount(iam: IamClient, log: StepLog, clientId: number, userId: number): Promise<boolean> {
  return exists(() =>
    log.read(iam, (c) =>
      c.GET('/iam/clients/{clientId}/client-users/{userId}', { params: { path: { clientId, userId } } }),
    ),
  );
}

/** A delete whose target may already be gone (a token, another account's access): 404 is fine. */
async function removeIfPresent(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

/** The message of a Gcore error body (`message`, or the older `errors` text), nothing else. */
function gcoreMessage(error: PermissionDeniedError): string {
  const body = error.body;
  if (!body || typeof body !== 'object') return '';
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  return typeof message === 'string' ? message : typeof errors === 'string' ? errors : '';
}

/**
 * The 403s Gcore documents, turned into `blocked` with the flag that resolves them: on
 * `DELETE /iam/users/{userId}`, "has access to multiple accounts" or "has API tokens"; on
 * `DELETE /iam/clients/{clientId}/client-users/{userId}`, "has API tokens". Only the parsed
 * body's message is read (the error's own text holds the request path, which may say "tokens"),
 * and only for these operations; any other 403 is a failure with the provider's message.
 */
function blockedBy(error: unknown, userId: number, operation: 'delete-user' | 'revoke-access'): Verdict | undefined {
  if (!(error instanceof PermissionDeniedError)) return undefined;
  const message = gcoreMessage(error);
  if (/\btokens?\b/i.test(message)) {
    return { outcome: 'blocked', reason: `Gcore refused: user ${userId} has API tokens; rerun with --revoke-tokens` };
  }
  if (operation === 'delete-user' && /\b(multiple|several|other) accounts\b/i.test(message)) {
    return {
      outcome: 'blocked',
      reason: `Gcore refused: user ${userId} still has access to other accounts; rerun with --all-accounts`,
    };
  }
  return undefined;
}

/** A final delete whose documented 403s become `blocked`. */
async function guarded(
  operation: 'delete-user' | 'revoke-access',
  userId: number,
  run: () => Promise<Verdict>,
): Promise<Verdict> {
  try {
    return await run();
  } catch (error) {
    const blocked = blockedBy(error, userId, operation);
    if (blocked) return blocked;
    throw error;
  }
}

/**
 * The spec's ids are plain integers, which the client and this policy handle as JS numbers:
 * beyond 2^53 a number is not exact, and would name another user.
 */
function exact(id: string, field: string): string {
  if (!Number.isSafeInteger(Number(id)))
    throw new InputError(`${field} ${id} is not valid: Gcore ids must be at most ${Number.MAX_SAFE_INTEGER}`);
  return id;
}

export const gcore = defineProvider({
  name: 'gcore',
  apis: [iamApi, resellerApi],

  clients: (options: GcoreOptions | undefined, run): GcoreClients => ({
    iam: createIamClient(clientOptions(run, options)),
    reseller: createResellerClient(clientOptions(run, options)),
  }),

  canonical(target) {
    const canonical = canonicalIds(iamApi, 'iamRevokeClientUserAccess', target, {
      account: 'clientId',
      user: 'userId',
    });
    return { ...canonical, account: exact(canonical.account, 'account'), user: exact(canonical.user, 'user') };
  },
  canonicalAccount: (account) =>
    exact(canonicalId(iamApi, 'iamRevokeClientUserAccess', 'clientId', account, 'account'), 'account'),
  // One user's accounts and tokens change as each of their targets runs: one at a time.
  exclusiveKey: (target) => `gcore/${target.user}`,

  async run(target, log, { iam, reseller }, options) {
    const clientId = Number(target.account);
    const userId = Number(target.user);
    const revoke = (account: number) => (c: IamClient) =>
      c.DELETE('/iam/clients/{clientId}/client-users/{userId}', { params: { path: { clientId: account, userId } } });
    const deleteUser = (c: ResellerClient) => c.DELETE('/iam/users/{userId}', { params: { path: { userId } } });

    const present = await inAccount(iam, log, clientId, userId);
    // A plan sees what its earlier targets do: the user deleted, or removed from this account.
    const goneEarlier = present && (log.plannedEarlier(deleteUser) || log.plannedEarlier(revoke(clientId)));
    log.fact('present', present && !goneEarlier);
    if (goneEarlier)
      return {
        outcome: 'already-absent',
        reason: `an earlier target of this plan removes user ${userId} from account ${clientId}`,
      };
    if (!present) return { outcome: 'already-absent', reason: `user ${userId} is not in account ${clientId}` };

    // The accounts an earlier target of this plan removes the user from are not counted.
    const listed = (await accountsOf(iam, log, userId))?.filter(
      (account) => account === clientId || !log.plannedEarlier(revoke(account)),
    );
    log.fact('accounts', listed === undefined ? null : [...listed].sort((a, b) => a - b));
    // Not in the user list: its other accounts are unknown, so never assume this is the only one
    // (deleting the user would remove them everywhere): revoke this account only.
    const accounts = listed ?? [clientId];
    const others = accounts.filter((account) => account !== clientId);
    const deletesUser = listed !== undefined && (others.length === 0 || options.allAccounts);
    const touched = deletesUser ? [...others, clientId] : [clientId];

    const tokens = new Map<number, number[]>();
    const issued: Record<string, number[]> = {};
    for (const account of touched) {
      const ids = (await tokensOf(iam, log, account, userId)).filter(
        (tokenId) =>
          !log.plannedEarlier((c: IamClient) =>
            c.DELETE('/iam/v2/clients/{clientId}/tokens/{tokenId}', {
              params: { path: { clientId: account, tokenId } },
            }),
          ),
      );
      issued[String(account)] = ids;
      if (ids.length > 0) tokens.set(account, ids);
    }
    log.fact('tokens', issued);
    if (tokens.size > 0 && !options.revokeTokens) {
      const listed = [...tokens].map(([account, ids]) => `account ${account}: ${ids.join(', ')}`).join('; ');
      return {
        outcome: 'blocked',
        reason: `user ${userId} issued API tokens (${listed}); Gcore refuses the removal while they exist: rerun with --revoke-tokens to delete them first`,
      };
    }

    for (const account of touched) {
      for (const tokenId of tokens.get(account) ?? []) {
        await removeIfPresent(() =>
          log.write(iam, (c) =>
            c.DELETE('/iam/v2/clients/{clientId}/tokens/{tokenId}', {
              params: { path: { clientId: account, tokenId } },
            }),
          ),
        );
      }
      if (account !== clientId) {
        const revoked = await guarded('revoke-access', userId, async () => {
          await removeIfPresent(() => log.write(iam, revoke(account)));
          return { outcome: 'removed' };
        });
        if (revoked.outcome === 'blocked') return revoked;
      }
    }
    const absent: Verdict = { outcome: 'already-absent', reason: `user ${userId} is already gone` };
    if (deletesUser) {
      return guarded('delete-user', userId, () =>
        finalDelete(log, reseller, deleteUser, {
          done: {
            outcome: 'deleted',
            ...(others.length > 0 ? { reason: `also removed from accounts ${others.join(', ')}` } : {}),
          },
          absent,
        }),
      );
    }
    const keeps =
      listed === undefined
        ? `user ${userId} is not in Gcore's user list, so its other accounts are unknown: revoked account ${clientId} only, the user was not deleted`
        : `user ${userId} keeps access to accounts ${others.join(', ')} (use --all-accounts to delete the user)`;
    return guarded('revoke-access', userId, () =>
      finalDelete(log, iam, revoke(clientId), { done: { outcome: 'removed', reason: keeps }, absent }),
    );
  },

  // Deleted: the user is gone (GET /iam/users/{userId} answers 404). Removed, or already absent:
  // the user has no access to the account (its client-user answers 404).
  async verify(target, outcome, log, { iam, reseller }) {
    const userId = Number(target.user);
    const clientId = Number(target.account);
    if (outcome !== 'deleted') return !(await inAccount(iam, log, clientId, userId));
    try {
      const { data } = await log.read(reseller, (c) => c.GET('/iam/users/{userId}', { params: { path: { userId } } }));
      // Gcore does not say whether a deleted user can still be read, marked deleted: gone too.
      return data.deleted === true;
    } catch (error) {
      if (error instanceof NotFoundError) return true;
      // A key that may not read users by id: the user is at least gone from this account.
      if (error instanceof PermissionDeniedError) return !(await inAccount(iam, log, clientId, userId));
      throw error;
    }
  },

  async discover({ account, emails, clients: { iam, reseller }, log, once }) {
    const clientId = Number(account);
    const listed = await once('directory', () => directoryMatches(iam, log, emails));
    const accounts = await eachPerson(emails, (email) =>
      once(`accounts:${email}`, () => accountsHolding(reseller, log, email)),
    );
    const users = new Map<string, string[]>();
    const elsewhere = new Map<string, string[]>();
    for (const user of listed) {
      if (user.accounts.includes(clientId)) addIds(users, user.email, [String(user.id)]);
      const others = user.accounts.filter((other) => other !== clientId).map(String);
      addIds(elsewhere, user.email, others);
    }
    const warnings: string[] = [];
    emails.forEach((email, index) => {
      const held = accounts[index]!;
      if (typeof held === 'string') {
        if (!warnings.includes(held)) warnings.push(held);
        return;
      }
      // A user the account list shows in this account is found here, even if the user list did not show it.
      const here = (held.get(clientId) ?? []).map(String);
      if (here.length > 0) addIds(users, email, here);
      const others = [...held.keys()].filter((other) => other !== clientId).map(String);
      addIds(elsewhere, email, others);
    });
    return { users, elsewhere, warnings };
  },
});
