// How results look: one JSON document (--json), or a table for people.
import type { Mode, TargetResult } from './types.js';

export function toJson(mode: Mode, results: readonly TargetResult[]): string {
  return `${JSON.stringify({
    mode,
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

function pad(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
}

/** A table of targets; each target's steps are listed under it when there are few targets. */
export function toTable(mode: Mode, results: readonly TargetResult[]): string {
  const lines: string[] = [];
  const header = ['PROVIDER', 'ACCOUNT', 'USER', 'OUTCOME', 'REASON'];
  const rows = results.map((result) => [result.provider, result.account, result.user, result.outcome, result.reason ?? '']);
  const table = pad([header, ...rows]);
  lines.push(table[0]!);
  const showSteps = results.length <= 20;
  results.forEach((result, index) => {
    lines.push(table[index + 1]!);
    if (showSteps) {
      for (const step of result.steps) lines.push(`    ${step.method.padEnd(6)} ${step.path}  ${step.status ?? (mode === 'plan' ? 'planned' : 'not sent')}`);
    }
  });
  const counts = new Map<string, number>();
  for (const result of results) counts.set(result.outcome, (counts.get(result.outcome) ?? 0) + 1);
  lines.push('', `${mode}: ${results.length} target${results.length === 1 ? '' : 's'}: ${[...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
