// Everything the package throws is an OffboardError; the runtime's classes, for `instanceof`.
export * from '@offboard/runtime/errors';
export { main } from './cli.js';
export { parseTargets } from './csv.js';
export { printable } from './format.js';
export type { JournalEntry } from './journal.js';
export { Journal } from './journal.js';
export type { Offboarder, OffboardOptions } from './offboard.js';
export { apply, canonicalTarget, createOffboarder, plan } from './offboard.js';
export type { ClientRun, PolicyOptions, ProviderModule } from './provider.js';
export { canonicalIds, clientOptions, defineProvider, finalDelete, showValue } from './provider.js';
export { BUILT_IN_PROVIDERS } from './providers/index.js';
export type { AnyProvider, ClientOptionsByProvider, ProviderName } from './registry.js';
export { PROVIDERS, Registry } from './registry.js';
export type { Call } from './steps.js';
export { describeCall, StepLog } from './steps.js';
export type { Mode, Outcome, Step, Target, TargetResult, Verdict } from './types.js';
export { InputError, JournalError, targetKey } from './types.js';
