// A throwaway copy of what specs:diff and specs:update read and write — redocly.yaml, LICENSE,
// specs/, the generated packages (sources, no node_modules or dist) and .changeset/ — for tests
// that apply candidates without touching the repository.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RepoCopy {
  readonly dir: string;
  remove(): Promise<void>;
}

export async function copyRepository(from = repoRoot): Promise<RepoCopy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offboard-repo-'));
  for (const file of ['redocly.yaml', 'LICENSE', 'specs'])
    await cp(path.join(from, file), path.join(dir, file), { recursive: true });
  const skip = new Set(['node_modules', 'dist', '.turbo']);
  for (const entry of await readdir(path.join(from, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    await cp(path.join(from, 'packages', entry.name), path.join(dir, 'packages', entry.name), {
      recursive: true,
      filter: (source) => !skip.has(path.basename(source)),
    });
  }
  await mkdir(path.join(dir, '.changeset'));
  await cp(path.join(from, '.changeset/config.json'), path.join(dir, '.changeset/config.json'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` with a hash of its content, to see what a command changed. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(
      path.relative(dir, file),
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex'),
    );
  }
  return files;
}

/** The paths whose content differs between two snapshots (added, removed or changed). */
export function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((file) => before.get(file) !== after.get(file)).sort();
}
