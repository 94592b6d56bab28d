// nscale Identity: DELETE the organization user (which also leaves every group); 404 means the
// user is already gone. A token provider, if configured, is shared by all targets through one
// client, so concurrent targets wait on one refresh.
import { api, type Client } from '@offboard/nscale-identity';
import type { Verdict } from '../types.js';
import { canonicalIds, finalDelete, type Policy } from './policy.js';

export const nscalePolicy: Policy<Client> = {
  provider: 'nscale',

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
      const { data } = await log.read('GET', `/api/v1/organizations/${organizationID}/users`, () =>
        client.GET('/api/v1/organizations/{organizationID}/users', { params: { path: { organizationID } } }),
      );
      // Ids are compared in canonical form: a UUID is the same whatever its case.
      if (!data.some((user) => user.metadata.id.toLowerCase() === userID)) return absent;
    }
    return finalDelete(
      log,
      `/api/v1/organizations/${organizationID}/users/${userID}`,
      () =>
        client.DELETE('/api/v1/organizations/{organizationID}/users/{userID}', {
          params: { path: { organizationID, userID } },
        }),
      { done: { outcome: 'deleted' }, absent },
    );
  },
};
