// Throwaway directories and copies of the repository (or of any directory shaped like it), for
// tests that break, regenerate or version files without touching the working tree, and for tools
// that try a change out before they write it.
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './repo-root.js';

export interface TempDir {
  /** Absolute path of the directory (under the OS temp directory). */
  readonly dir: string;
  /** Deletes the directory and everything in it; safe to call twice. */
  remove(): Promise<void>;
}

/** A new empty directory named `offboard-<prefix>-XXXXXX` under the OS temp directory. */
export async function tempDir(prefix: string): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), `offboard-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What a copy leaves out by default, at any depth: installs and build output. */
export const DEFAULT_SKIP: readonly string[] = ['node_modules', 'dist', '.turbo'];

export interface CopyOptions {
  /** Files or directories to copy (directories recursively), relative to `from`; kept at the same relative path. */
  readonly paths: readonly string[];
  /** The directory copied from (default: the repository root). */
  readonly from?: string;
  /** Names of files or directories never copied, at any depth (default: {@link DEFAULT_SKIP}). */
  readonly skip?: readonly string[];
  /** Names the temp directory, `offboard-<prefix>-XXXXXX` (default: `repo`). */
  readonly prefix?: string;
}

/**
 * A throwaway copy of `paths` of the repository (or of `from`). A path that does not exist is an
 * error (a typo would otherwise give a copy that silently lacks what the test needs).
 */
export async function copyRepository({
  paths,
  from = repoRoot,
  skip = DEFAULT_SKIP,
  prefix = 'repo',
}: CopyOptions): Promise<TempDir> {
  const copy = await tempDir(prefix);
  const skipped = new Set(skip);
  try {
    for (const relative of paths) {
      await cp(path.join(from, relative), path.join(copy.dir, relative), {
        recursive: true,
        errorOnExist: true,
        filter: (source) => source === path.join(from, relative) || !skipped.has(path.basename(source)),
      });
    }
  } catch (error) {
    await copy.remove();
    throw error;
  }
  return copy;
}

/** Every file under `dir` (relative path) with a hash of its content, to see what a command changed. */
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

/** The paths whose content differs between two snapshots (added, removed or changed), sorted. */
export function changedFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((file) => before.get(file) !== after.get(file)).sort();
}
