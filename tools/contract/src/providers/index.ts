// Every provider package under test; the coverage check fails when a package with a spec is missing here.
import cloudflareAccess from './cloudflare-access.js';
import gcoreIam from './gcore-iam.js';
import gcoreIamReseller from './gcore-iam-reseller.js';
import livepersonUsers from './liveperson-users.js';
import nscaleIdentity from './nscale-identity.js';

export const providers = [cloudflareAccess, gcoreIam, gcoreIamReseller, livepersonUsers, nscaleIdentity];
