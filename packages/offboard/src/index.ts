// Everything the package throws is an OffboardError; the runtime's classes, for `instanceof`.
export * from '@offboard/runtime/errors';
export { main } from './cli.js';
export { parseTargets } from './csv.js';
export { printable } from './format.js';
export type { JournalEntry, RunDiscovery, RunRecord, RunTarget } from './journal.js';
export { Journal, readJournal } from './journal.js';
export type { Offboarder, OffboardOptions, RunContext } from './offboard.js';
export { apply, canonicalTarget, createOffboarder, plan } from './offboard.js';
export type { PlanDocument, PlanFlags, PlanTarget, ReadPlanOptions } from './plan-file.js';
export {
  createPlan,
  formatDuration,
  PLAN_FORMAT,
  parseDuration,
  planChecksum,
  readPlan,
  writePlan,
} from './plan-file.js';
export type { ClientRun, PolicyOptions, ProviderModule, VerifiedOutcome } from './provider.js';
export { canonicalIds, clientOptions, defineProvider, finalDelete, showValue } from './provider.js';
export { BUILT_IN_PROVIDERS } from './providers/index.js';
export type { AnyProvider, ClientOptionsByProvider, ProviderName } from './registry.js';
export { PROVIDERS, Registry } from './registry.js';
export type {
  Report,
  ReportDiscovery,
  ReportNotInConfig,
  ReportOutcome,
  ReportRun,
  ReportStep,
  ReportTarget,
} from './report.js';
export { buildReport, REPORT_FORMAT, reportJson, reportMarkdown } from './report.js';
export type { Call, FactOptions, TargetPlan } from './steps.js';
export { describeCall, StepLog } from './steps.js';
export type { Fact, Facts, Mode, Outcome, Step, Target, TargetResult, Verdict } from './types.js';
export { InputError, JournalError, StalePlanError, targetKey } from './types.js';
