// The providers offboard ships with. A provider is one module beside this file; listing it here
// is what registers it (the engine, the CLI, its help text and the config read the registry).
import { cloudflare } from './cloudflare.js';
import { gcore } from './gcore.js';
import { liveperson } from './liveperson.js';
import { nscale } from './nscale.js';

export const BUILT_IN_PROVIDERS = [gcore, cloudflare, nscale, liveperson] as const;
