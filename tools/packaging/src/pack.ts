// Packs every publishable package of the workspace with pnpm, exactly as `pnpm publish` would
// (pnpm rewrites `workspace:` ranges to real versions). Builds nothing: turbo builds first.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const workspaceRoot = resolve(import.meta.dirname, '../../..');

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface Publishable {
  name: string;
  /** Absolute path of the package directory. */
  dir: string;
  manifest: Manifest;
}

export interface Packed extends Publishable {
  tarball: string;
  /** Paths inside the tarball, without the `package/` prefix. */
  files: string[];
  /** The package.json as packed. */
  packedManifest: Manifest;
}

/** Every package under packages/ that is not private, sorted by directory. */
export function publishablePackages(root = workspaceRoot): Publishable[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packagesDir, entry.name))
    .sort()
    .flatMap((dir) => {
      let manifest: Manifest;
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      } catch {
        return []; // not a package (yet)
      }
      return manifest.private ? [] : [{ name: manifest.name, dir, manifest }];
    });
}

/**
 * The command that runs pnpm: the pnpm running us (under `pnpm test` / turbo), else a pnpm on
 * PATH, else the root package.json's pinned version through npx.
 */
export function pnpmCommand(root = workspaceRoot): [string, ...string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(basename(execPath)) && process.env.npm_config_user_agent?.startsWith('pnpm/')) {
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, execPath] : [execPath];
  }
  try {
    execFileSync('pnpm', ['--version'], { stdio: 'ignore' });
    return ['pnpm'];
  } catch {
    const pinned = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        devEngines?: { packageManager?: { version?: string } };
      }
    ).devEngines?.packageManager?.version;
    return ['npx', '--yes', `pnpm@${pinned ?? '10'}`];
  }
}

/** Lists a tarball's files (without the `package/` prefix). */
export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
    .sort();
}

/** Reads one file of a tarball (path without the `package/` prefix). */
export function tarballFile(tarball: string, path: string): string {
  return execFileSync('tar', ['-xOzf', tarball, `package/${path}`], { encoding: 'utf8' });
}

/** Packs each package into its own directory under `destination` (concurrently). */
export async function packAll(destination: string, packages = publishablePackages()): Promise<Packed[]> {
  const [command, ...prefix] = pnpmCommand();
  return Promise.all(
    packages.map(async (pkg) => {
      const out = join(destination, basename(pkg.dir));
      mkdirSync(out, { recursive: true });
      await run(command, [...prefix, 'pack', '--pack-destination', out], { cwd: pkg.dir });
      const tarballs = readdirSync(out).filter((file) => file.endsWith('.tgz'));
      if (tarballs.length !== 1) throw new Error(`pnpm pack of ${pkg.name} made ${tarballs.length} tarballs in ${out}`);
      const tarball = join(out, tarballs[0]!);
      return {
        ...pkg,
        tarball,
        files: tarballFiles(tarball),
        packedManifest: JSON.parse(tarballFile(tarball, 'package.json')) as Manifest,
      };
    }),
  );
}
