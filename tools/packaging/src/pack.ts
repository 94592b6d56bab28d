// Packs every publishable package of the workspace with pnpm, exactly as `pnpm publish` would
// (pnpm rewrites `workspace:` ranges to real versions). Builds nothing: turbo builds first.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { type Manifest, type Publishable, publishablePackages, readManifest, repoRoot } from '@offboard/test-utils';

const run = promisify(execFile);

export interface Packed extends Publishable {
  tarball: string;
  /** Paths inside the tarball, without the `package/` prefix. */
  files: string[];
  /** The package.json as packed. */
  packedManifest: Manifest;
}

/**
 * The command that runs pnpm: the pnpm running us (under `pnpm test` / turbo), else a pnpm on
 * PATH, else the root package.json's pinned version through npx.
 */
export function pnpmCommand(root = repoRoot): [string, ...string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(basename(execPath)) && process.env.npm_config_user_agent?.startsWith('pnpm/')) {
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, execPath] : [execPath];
  }
  try {
    execFileSync('pnpm', ['--version'], { stdio: 'ignore' });
    return ['pnpm'];
  } catch {
    const pinned = (
      readManifest(join(root, 'package.json')) as { devEngines?: { packageManager?: { version?: string } } }
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
      const out = join(destination, pkg.folder);
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
