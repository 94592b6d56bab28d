// Provider objects in the shapes their specs give, for the fakes that answer as the providers do:
// the offboard tests' stateful fake (whose every answer is checked against the specs) and the
// bench's large directories build their answers from these, so both stay in those shapes.

/** A Gcore user as the Reseller API lists it among an account's users. */
export const gcoreResellerUser = (id: number, email: string, client: number) => ({
  id,
  email,
  name: `User ${id}`,
  lang: 'en',
  phone: null,
  company: 'Example Ltd',
  reseller: 1,
  client,
  deleted: false,
  groups: [{ id: 2, name: 'Users' }],
  activated: true,
  sso_auth: false,
  two_fa: false,
  auth_types: ['password'],
});

/** A Gcore user as the Reseller API reads one by id (`GET /iam/users/{userId}`): without its accounts. */
export const gcorePublicUser = (id: number, email: string, client: number) => ({
  ...gcoreResellerUser(id, email, client),
  user_type: 'common',
  is_active: true,
});

/** A Gcore user as the IAM API lists it, with every account it is in. */
export const gcoreUser = (id: number, email: string, accounts: readonly number[]) => ({
  ...gcoreResellerUser(id, email, accounts[0] ?? 0),
  user_type: 'common',
  is_active: true,
  client_and_roles: accounts.map((client_id) => ({
    client_id,
    client_company_name: `Account ${client_id}`,
    user_id: id,
    user_roles: ['2'],
  })),
});

/** A Gcore client account as the Reseller API lists it, with the users given. */
export const gcoreClient = (id: number, users: readonly { readonly id: number }[]) => {
  const owner = users[0]?.id ?? 0;
  return {
    id,
    users,
    email: `account${id}@example.com`,
    phone: null,
    name: `Account ${id}`,
    status: 'active',
    companyName: `Account ${id}`,
    currentUser: owner,
    capabilities: ['CDN'],
    entryBaseDomain: null,
    signup_process: 'sign_up_full',
    deleted: false,
    bill_type: 'prepaid',
    custom_id: null,
    country_code: 'GB',
    is_test: false,
    has_active_admin: true,
    seller: null,
    resellers: 1,
    client_type: 'common',
    owner,
  };
};

/** A Cloudflare Access user. */
export const cloudflareUser = (id: string, email: string) => ({
  id,
  email,
  name: 'Access user',
  uid: id.replaceAll('-', ''),
  seat_uid: id.replaceAll('-', '').split('').reverse().join(''),
  access_seat: true,
  gateway_seat: false,
  active_device_count: 0,
  last_successful_login: '2026-01-02T00:00:00Z',
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-02T00:00:00Z',
});

/** Cloudflare's success envelope around `result`. */
export const cloudflareSuccess = (result: unknown) => ({ success: true, errors: [], messages: [], result });

/** An nscale organization user, `subject` its address. */
export const nscaleUser = (id: string, subject: string, organization: string) => ({
  metadata: {
    id,
    name: 'undefined',
    organizationId: organization,
    creationTime: '2026-01-01T00:00:00Z',
    provisioningStatus: 'provisioned',
    healthStatus: 'healthy',
  },
  spec: { subject, state: 'active', groupIDs: [] },
  status: {},
});

/** An nscale organization. */
export const nscaleOrganization = (id: string) => ({
  metadata: {
    id,
    name: `organization-${id.slice(0, 8)}`,
    creationTime: '2026-01-01T00:00:00Z',
    provisioningStatus: 'provisioned',
    healthStatus: 'healthy',
  },
  spec: { organizationType: 'adhoc' },
});
