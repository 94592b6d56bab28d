export { apply, createOffboarder, plan, validateTarget } from './offboard.js';
export type { Offboarder, OffboardOptions } from './offboard.js';
export type { ClientOptionsByProvider } from './clients.js';
export { parseTargets } from './csv.js';
export { Journal } from './journal.js';
export type { JournalEntry } from './journal.js';
export { InputError, PROVIDERS, targetKey } from './types.js';
export type { Mode, Outcome, ProviderName, Step, Target, TargetResult } from './types.js';
export { main } from './cli.js';
