// How results look: one JSON document (--json), or a table for people. Provider-controlled text
// (reasons carry providers' error messages) reaches the table with control characters escaped,
// so an ANSI sequence or a `\r` in a message cannot rewrite what the terminal shows.
import type { Discovery } from './discover.js';
import type { RunDiscovery } from './journal.js';
import type { Mode, Step, TargetResult } from './types.js';

/** How a run ended, beside its results. */
export interface RunSummary {
  /** Set when a signal stopped the run: the targets not started, and the signal. */
  readonly interrupted?: { readonly signal: string; readonly notStarted: number };
  /** Set when people were found by email: where each was searched, and what was found. */
  readonly discovery?: Discovery;
}

export function toJson(mode: Mode, results: readonly TargetResult[], summary: RunSummary = {}): string {
  return `${JSON.stringify({
    mode,
    interrupted: summary.interrupted !== undefined,
    ...(summary.interrupted ? { signal: summary.interrupted.signal, notStarted: summary.interrupted.notStarted } : {}),
    results: results.map(({ provider, account, user, email, outcome, steps, reason, verified, facts }) => ({
      provider,
      account,
      user,
      ...(email === undefined ? {} : { email }),
      outcome,
      ...(verified === undefined ? {} : { verified }),
      steps: steps.map(stepJson),
      ...(reason ? { reason } : {}),
      ...(facts === undefined ? {} : { facts }),
    })),
    ...(summary.discovery
      ? (({ entries, notInConfig, warnings }) => ({ discovery: entries, notInConfig, warnings }))(
          discoveryRecord(summary.discovery),
        )
      : {}),
  })}\n`;
}

/** A step as the JSON output, the journal and a plan give it: time and request id when there are. */
export function stepJson({ method, path, status, at, requestId }: Step): Step {
  return {
    method,
    path,
    status,
    ...(at === undefined ? {} : { at }),
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/** Where people were searched, as `--json`, the journal and a saved plan keep it. */
export function discoveryRecord(discovery: Discovery): RunDiscovery {
  return {
    entries: discovery.entries.map(({ email, provider, account, users, error }) => ({
      email,
      provider,
      account,
      users,
      ...(error === undefined ? {} : { error }),
    })),
    notInConfig: discovery.unconfigured.map(({ email, provider, accounts }) => ({ email, provider, accounts })),
    warnings: discovery.warnings,
  };
}

// C0 and C1 controls (ESC, CR, BS, the 8-bit CSI U+009B...), DEL, line/paragraph separators and
// the bidirectional overrides that reorder what a terminal shows.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const UNSAFE_CHARACTER = new RegExp(UNSAFE.source);

/** True when `text` holds a character `printable` would escape (a control or reordering character). */
export function hasControlCharacter(text: string): boolean {
  return UNSAFE_CHARACTER.test(text);
}

/** Text safe to print on a terminal: every control character shown as an escape. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function pad(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The items by key, keys in order of first appearance. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Per person, where they were searched: the users found, not found, or why the account could not be searched. */
function people(discovery: Discovery): string[] {
  const rows: string[][] = [['PERSON', 'PROVIDER', 'ACCOUNT', 'FOUND']];
  const notes: string[] = [];
  // Grouped once: a run of many people must not scan every entry per person.
  const byPerson = groupBy(discovery.entries, (entry) => entry.email);
  const elsewhere = groupBy(discovery.unconfigured, (entry) => entry.email);
  for (const [email, entries] of byPerson) {
    entries.forEach((entry, index) => {
      const found =
        entry.error !== undefined
          ? `not searched: ${entry.error}`
          : entry.users.length === 0
            ? 'not found'
            : `user ${entry.users.join(', ')}`;
      rows.push([index === 0 ? email : '', entry.provider, entry.account, found].map(printable));
    });
    if (!entries.some((entry) => entry.users.length > 0))
      notes.push(
        entries.some((entry) => entry.error !== undefined)
          ? `${email}: not found in the accounts searched, but not every account could be searched`
          : `${email}: found in no configured account`,
      );
    for (const { provider, accounts } of elsewhere.get(email) ?? [])
      notes.push(`${email}: also found in ${provider} accounts not in the config: ${accounts.join(', ')}`);
  }
  return [...pad(rows), ...(notes.length > 0 ? ['', ...notes.map(printable)] : [])];
}

/** A table of targets; each target's steps are listed under it when there are few targets. */
export function toTable(mode: Mode, results: readonly TargetResult[], summary: RunSummary = {}): string {
  const lines: string[] = [];
  const byEmail = results.some((result) => result.email !== undefined);
  // Apply: whether reads after the outcome showed the user gone.
  const verifies = mode === 'apply';
  const header = [
    ...(byEmail ? ['EMAIL'] : []),
    'PROVIDER',
    'ACCOUNT',
    'USER',
    'OUTCOME',
    ...(verifies ? ['VERIFIED'] : []),
    'REASON',
  ];
  const rows = results.map((result) =>
    [
      ...(byEmail ? [result.email ?? ''] : []),
      result.provider,
      result.account,
      result.user,
      result.outcome,
      ...(verifies ? [result.verified ? 'yes' : 'no'] : []),
      result.reason ?? '',
    ].map(printable),
  );
  const table = pad([header, ...rows]);
  lines.push(table[0]!);
  const showSteps = results.length <= 20;
  results.forEach((result, index) => {
    lines.push(table[index + 1]!);
    if (showSteps) {
      for (const step of result.steps) {
        lines.push(
          `    ${step.method.padEnd(6)} ${printable(step.path)}  ${step.status ?? (mode === 'plan' ? 'planned' : 'not sent')}`,
        );
      }
    }
  });
  const counts = new Map<string, number>();
  for (const result of results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
  lines.push(
    '',
    `${mode}: ${results.length} target${results.length === 1 ? '' : 's'}: ${[...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}`,
  );
  if (summary.discovery) lines.push('', ...people(summary.discovery));
  if (summary.interrupted) {
    const { signal, notStarted } = summary.interrupted;
    lines.push(
      `interrupted by ${signal}: ${notStarted} target${notStarted === 1 ? '' : 's'} not started${mode === 'apply' ? '; rerun with the same --journal to finish them' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
