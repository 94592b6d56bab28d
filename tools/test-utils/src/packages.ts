// The repository's publishable packages (every packages/* that is not private), as the release
// and packaging tests see them: the same list, read one way.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo-root.js';

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface Publishable {
  /** The manifest's name, e.g. `@offboard/runtime`. */
  readonly name: string;
  /** Directory name under packages/, e.g. `runtime`. */
  readonly folder: string;
  /** Absolute path of the package directory. */
  readonly dir: string;
  readonly manifest: Manifest;
  /** Whether its entry point (`main`, else index.js) and every bin exist: turbo builds before the tests that need it. */
  readonly built: boolean;
}

export function readManifest(file: string): Manifest {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as Manifest;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The files a manifest's `bin` names, whatever its shape. */
export function binFiles(manifest: Manifest): string[] {
  return typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
}

/** Every non-private package under packages/ of `root` (a directory without package.json is not one), sorted by folder. */
export function publishablePackages(root = repoRoot): Publishable[] {
  const packagesDir = path.join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = path.join(packagesDir, entry.name);
      const manifest = readManifest(path.join(dir, 'package.json'));
      const built = [manifest.main ?? 'index.js', ...binFiles(manifest)].every((file) =>
        existsSync(path.join(dir, file)),
      );
      return { name: manifest.name, folder: entry.name, dir, manifest, built };
    })
    .filter((pkg) => !pkg.manifest.private)
    .sort((a, b) => (a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0));
}
