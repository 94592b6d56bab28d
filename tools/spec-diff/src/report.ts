// What specs:diff prints. The first word is the highest class found (`breaking`, `feature` or
// `fix`), or `none`; then one line per change.
import type { Diff } from './apply.js';
import { BUMPS, classOf, highestClass } from './rules.js';

export function formatReport(diff: Pick<Diff, 'api' | 'changes'>): string[] {
  const highest = highestClass(diff.changes);
  const { name, client } = diff.api;
  if (!highest) return [`none ${name}: the candidate changes nothing the client is generated from`];
  const ruleWidth = Math.max(...diff.changes.map((change) => change.rule.length));
  return [
    `${highest} ${name}: ${diff.changes.length} change${diff.changes.length === 1 ? '' : 's'}, ${client.package} needs a ${BUMPS[highest]} release`,
    ...diff.changes.map(
      (change) => `  ${classOf(change).padEnd(8)}  ${change.rule.padEnd(ruleWidth)}  ${change.where}: ${change.detail}`,
    ),
  ];
}
