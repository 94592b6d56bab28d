// `pnpm specs:update [api...] [--root <dir>] [--sources <file>]`: downloads each listed api's
// published spec and applies it with specs:diff --write. Exits 1 when any api failed (the others
// are still updated).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@offboard/test-utils';
import { loadSources, SOURCES_FILE } from './sources.js';
import { updateSpecs } from './update.js';

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { root: { type: 'string', default: repoRoot }, sources: { type: 'string', default: SOURCES_FILE } },
  });
  const outcomes = await updateSpecs({
    rootDir: path.resolve(values.root),
    sources: await loadSources(values.sources),
    apis: positionals,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const count = (status: string) => outcomes.filter((outcome) => outcome.status === status).length;
  process.stdout.write(
    `specs:update: ${count('updated')} updated, ${count('up to date')} up to date, ${count('skipped')} skipped, ${count('failed')} failed\n`,
  );
  return count('failed') > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`specs:update: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
