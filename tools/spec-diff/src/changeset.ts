// The changeset specs:diff --write leaves for changesets: one bump for the api's client package
// (the dependents, e.g. @offboard/offboard, follow through .changeset/config.json), and a summary
// that lists the changes. Its name comes from the new spec, so the same candidate twice is the
// same file.
import { createHash } from 'node:crypto';
import { BUMPS, type Change, classOf, highestClass } from './rules.js';

export interface ChangesetFile {
  /** File name inside `.changeset/`. */
  readonly name: string;
  readonly content: string;
}

export function renderChangeset(
  api: { name: string; package: string },
  changes: readonly Change[],
  bundled: string,
): ChangesetFile | undefined {
  const highest = highestClass(changes);
  if (!highest) return undefined;
  const hash = createHash('sha256').update(bundled).digest('hex').slice(0, 8);
  const counts = (['breaking', 'feature', 'fix'] as const)
    .map((changeClass) => [changeClass, changes.filter((change) => classOf(change) === changeClass).length] as const)
    .filter(([, count]) => count > 0)
    .map(([changeClass, count]) => `${count} ${changeClass}`)
    .join(', ');
  const lines = changes.map((change) => `- ${classOf(change)} \`${change.rule}\`: ${change.where}: ${change.detail}`);
  const content = [
    '---',
    `'${api.package}': ${BUMPS[highest]}`,
    '---',
    '',
    `Regenerated from an updated \`${api.name}\` spec (${counts}).`,
    '',
    ...lines,
    '',
  ].join('\n');
  return { name: `spec-${api.name}-${hash}.md`, content };
}
