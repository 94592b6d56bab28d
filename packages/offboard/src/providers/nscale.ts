// nscale Identity (OAuth2 bearer): DELETE the organization user, which also leaves every group;
// 404 means the user is already gone. Plan mode (and applying a saved plan) reads the
// organization's users first: the fact `present`. Verification: the user is not in that list.
// A token provider, if configured, is shared by all targets through one client, so concurrent
// targets wait on one refresh.
//
// Finding people by email: the organization's user list (one request, not paged) holds every
// member's address in `spec.subject`; one read per organization serves any number of people.
// `GET /api/v1/organizations?email=` (one per person) names the organizations the person is in,
// so the ones the config does not list are reported: 404 means no user has that address, 403
// that the token lacks the global user-read permission (then that check is left out, with a
// warning). A service-account token gets its own organization whatever the address, so each
// organization it names is confirmed by its user list where the token can read it.
import {
  api,
  type Client,
  type ClientOptions,
  createClient,
  NotFoundError,
  PermissionDeniedError,
} from '@offboard/nscale-identity';
import {
  canonicalId,
  canonicalIds,
  clientOptions,
  defineProvider,
  eachPerson,
  finalDelete,
  matchUsers,
} from '../provider.js';
import type { StepLog } from '../steps.js';
import type { Verdict } from '../types.js';

/** The organization's members whose `spec.subject` is one of `emails`, by address. */
async function organizationMembers(
  client: Client,
  log: StepLog,
  organizationID: string,
  emails: readonly string[],
): Promise<Map<string, string[]>> {
  const { data } = await log.read(client, (c) =>
    c.GET('/api/v1/organizations/{organizationID}/users', { params: { path: { organizationID } } }),
  );
  return matchUsers(
    data,
    emails,
    (user) => [user.spec.subject],
    (user) => user.metadata.id.toLowerCase(),
  );
}

/** Whether the organization's user list holds `userID` (canonical: a UUID is the same whatever its case). */
async function isMember(client: Client, log: StepLog, organizationID: string, userID: string): Promise<boolean> {
  const { data } = await log.read(client, (c) =>
    c.GET('/api/v1/organizations/{organizationID}/users', { params: { path: { organizationID } } }),
  );
  return data.some((user) => user.metadata.id.toLowerCase() === userID);
}

/** The organizations nscale says a user with `email` is in, or the warning why it would not say. */
async function organizationsOf(client: Client, log: StepLog, email: string): Promise<string[] | string> {
  try {
    const { data } = await log.read(client, (c) => c.GET('/api/v1/organizations', { params: { query: { email } } }));
    return data.map((organization) => organization.metadata.id.toLowerCase());
  } catch (error) {
    if (error instanceof NotFoundError) return [];
    if (error instanceof PermissionDeniedError)
      return `the token may not read users globally (403): organizations missing from the config were not looked for`;
    // The search of the configured organizations stands; only the look beyond them is missing.
    return `organizations missing from the config were not looked for: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export const nscale = defineProvider({
  name: 'nscale',
  apis: [api],

  clients: (options: ClientOptions | undefined, run) => createClient(clientOptions(run, options)),

  canonical: (target) =>
    canonicalIds(api, 'deleteOrganizationUser', target, { account: 'organizationID', user: 'userID' }),

  canonicalAccount: (account) => canonicalId(api, 'deleteOrganizationUser', 'organizationID', account, 'account'),

  async run(target, log, client) {
    const organizationID = target.account;
    const userID = target.user;
    const absent: Verdict = {
      outcome: 'already-absent',
      reason: `no user ${userID} in organization ${organizationID}`,
    };
    if (log.readsFirst) {
      const present = await isMember(client, log, organizationID, userID);
      log.fact('present', present);
      if (!present) return absent;
    }
    return finalDelete(
      log,
      client,
      (c) =>
        c.DELETE('/api/v1/organizations/{organizationID}/users/{userID}', {
          params: { path: { organizationID, userID } },
        }),
      { done: { outcome: 'deleted' }, absent },
    );
  },

  verify: async (target, _outcome, log, client) => !(await isMember(client, log, target.account, target.user)),

  async discover({ account, emails, clients: client, log, once }) {
    const members = (organizationID: string) =>
      once(`users:${organizationID}`, () => organizationMembers(client, log, organizationID, emails));
    const users = await members(account);
    const elsewhere = new Map<string, string[]>();
    const warnings: string[] = [];
    const lookups = await eachPerson(emails, async (email) => {
      const named = await once(`organizations:${email}`, () => organizationsOf(client, log, email));
      if (typeof named === 'string') return named;
      const confirmed: string[] = [];
      for (const organizationID of named) {
        if (organizationID === account) continue;
        // Kept unless its user list, where the token can read it, shows the person is not there.
        const listed = await members(organizationID).catch(() => undefined);
        if (!listed || listed.has(email)) confirmed.push(organizationID);
      }
      return confirmed;
    });
    lookups.forEach((named, index) => {
      if (typeof named !== 'string') elsewhere.set(emails[index]!, named);
      else if (!warnings.includes(named)) warnings.push(named);
    });
    return { users, elsewhere, warnings };
  },
});
