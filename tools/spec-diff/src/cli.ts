// `pnpm specs:diff <api> <candidate> [--write] [--root <dir>]`
//
// Prints how the candidate changes the client generated for <api> (first word: the highest class
// found) and exits 0. With --write it also puts the candidate in place, regenerates the package
// and writes a changeset. Exits 1 on an error (unknown api, a candidate that does not bundle),
// 2 on a usage error.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@offboard/test-utils';
import { applyDiff, diffCandidate } from './apply.js';
import { formatReport } from './report.js';

const USAGE = 'usage: specs:diff <api> <candidate-spec-file> [--write] [--root <repository>]';

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { write: { type: 'boolean', default: false }, root: { type: 'string', default: repoRoot } },
  });
  const [api, candidate] = positionals;
  if (!api || !candidate || positionals.length > 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // `pnpm specs:diff` runs in the repository root; a relative path means where the user typed it.
  const cwd = process.env.npm_lifecycle_event === 'specs:diff' ? process.env.INIT_CWD : undefined;
  const candidateFile = path.resolve(cwd ?? process.cwd(), candidate);
  const diff = await diffCandidate(path.resolve(values.root), api, candidateFile);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const line of formatReport(diff)) out(line);
  if (values.write) {
    const written = await applyDiff(diff, out);
    for (const file of written) out(`wrote ${file}`);
    if (written.length === 0) out('nothing to write: the repository already has this spec');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`specs:diff: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
