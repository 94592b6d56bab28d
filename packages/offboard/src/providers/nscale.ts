// nscale Identity (OAuth2 bearer): DELETE the organization user, which also leaves every group;
// 404 means the user is already gone. A token provider, if configured, is shared by all targets
// through one client, so concurrent targets wait on one refresh.
import { api, type ClientOptions, createClient } from '@offboard/nscale-identity';
import { canonicalIds, clientOptions, defineProvider, finalDelete } from '../provider.js';
import type { Verdict } from '../types.js';

export const nscale = defineProvider({
  name: 'nscale',
  apis: [api],

  clients: (options: ClientOptions | undefined, run) => createClient(clientOptions(run, options)),

  canonical: (target) =>
    canonicalIds(api, 'deleteOrganizationUser', target, { account: 'organizationID', user: 'userID' }),

  async run(target, log, client) {
    const organizationID = target.account;
    const userID = target.user;
    const absent: Verdict = {
      outcome: 'already-absent',
      reason: `no user ${userID} in organization ${organizationID}`,
    };
    if (log.mode === 'plan') {
      const { data } = await log.read(client, (c) =>
        c.GET('/api/v1/organizations/{organizationID}/users', { params: { path: { organizationID } } }),
      );
      // Ids are compared in canonical form: a UUID is the same whatever its case.
      if (!data.some((user) => user.metadata.id.toLowerCase() === userID)) return absent;
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
});
