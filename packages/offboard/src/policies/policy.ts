// What every provider policy is, and the one id check they share: a target's ids must meet the
// path rules the generator took from the provider's own spec.
import { NotFoundError, Redactor, validatePathParams, ValidationError, type ApiDefinition } from '@offboard/runtime';
import type { StepLog } from '../steps.js';
import { InputError, type ProviderName, type Target, type Verdict } from '../types.js';

export interface PolicyOptions {
  /** Delete the API tokens a user issued when they block the removal (Gcore). */
  readonly revokeTokens: boolean;
  /** Remove the user from every account, then delete the user (Gcore). */
  readonly allAccounts: boolean;
  /** Re-reads after a stale revision before giving up (LivePerson). Default 3. */
  readonly maxRevisionRetries: number;
}

export interface Policy<Clients> {
  readonly provider: ProviderName;
  /** Throws InputError when an id breaks the provider's rules; nothing is sent. */
  validate(target: Target): void;
  /** Targets with the same key never run at the same time (they would race on shared state). */
  exclusiveKey?(target: Target): string;
  run(target: Target, log: StepLog, clients: Clients, options: PolicyOptions): Promise<Verdict>;
}

/**
 * Checks `values` against the path rules of `operationId` in a generated api definition and
 * turns a failure into an InputError that names the target's field.
 */
export function checkIds(
  api: ApiDefinition,
  operationId: string,
  values: Readonly<Record<string, { readonly field: 'account' | 'user'; readonly value: string }>>,
): void {
  const operation = api.operations.find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`${api.name} has no operation ${operationId}`);
  try {
    validatePathParams(operation, Object.fromEntries(Object.entries(values).map(([name, { value }]) => [name, value])), new Redactor());
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const field = values[error.parameter]?.field ?? error.parameter;
    throw new InputError(`${field} ${JSON.stringify(values[error.parameter]?.value ?? '')} is not valid: ${error.parameter} must be ${error.rule}`);
  }
}

/**
 * The delete that finishes a target. A 404 means it is already done, by someone else or an
 * earlier run (RFC 9110 §9.2.2: DELETE is idempotent); any other error is the caller's.
 */
export async function finalDelete(
  log: StepLog,
  path: string,
  call: () => Promise<{ readonly response: Response }>,
  verdicts: { readonly done: Verdict; readonly absent: Verdict },
): Promise<Verdict> {
  try {
    await log.write('DELETE', path, call, { final: true });
    return verdicts.done;
  } catch (error) {
    if (error instanceof NotFoundError) return verdicts.absent;
    throw error;
  }
}
