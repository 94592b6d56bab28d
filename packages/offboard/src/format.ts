// How results look: one JSON document (--json), or a table for people. Provider-controlled text
// (reasons carry providers' error messages) reaches the table with control characters escaped,
// so an ANSI sequence or a `\r` in a message cannot rewrite what the terminal shows.
import type { Mode, TargetResult } from './types.js';

/** How a run ended, beside its results. */
export interface RunSummary {
  /** Set when a signal stopped the run: the targets not started, and the signal. */
  readonly interrupted?: { readonly signal: string; readonly notStarted: number };
}

export function toJson(mode: Mode, results: readonly TargetResult[], summary: RunSummary = {}): string {
  return `${JSON.stringify({
    mode,
    interrupted: summary.interrupted !== undefined,
    ...(summary.interrupted ? { signal: summary.interrupted.signal, notStarted: summary.interrupted.notStarted } : {}),
    results: results.map(({ provider, account, user, outcome, steps, reason }) => ({
      provider,
      account,
      user,
      outcome,
      steps: steps.map(({ method, path, status }) => ({ method, path, status })),
      ...(reason ? { reason } : {}),
    })),
  })}\n`;
}

// C0 and C1 controls (ESC, CR, BS, the 8-bit CSI U+009B...), DEL, line/paragraph separators and
// the bidirectional overrides that reorder what a terminal shows.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

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

/** A table of targets; each target's steps are listed under it when there are few targets. */
export function toTable(mode: Mode, results: readonly TargetResult[], summary: RunSummary = {}): string {
  const lines: string[] = [];
  const header = ['PROVIDER', 'ACCOUNT', 'USER', 'OUTCOME', 'REASON'];
  const rows = results.map((result) =>
    [result.provider, result.account, result.user, result.outcome, result.reason ?? ''].map(printable),
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
  if (summary.interrupted) {
    const { signal, notStarted } = summary.interrupted;
    lines.push(
      `interrupted by ${signal}: ${notStarted} target${notStarted === 1 ? '' : 's'} not started${mode === 'apply' ? '; rerun with the same --journal to finish them' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
