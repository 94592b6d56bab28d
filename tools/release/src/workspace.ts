// Helpers of the release tests: a throwaway copy of the workspace to version and publish (so the
// repository's versions and CHANGELOGs never change), and child processes that cannot reach a
// real registry by accident. The publishable packages themselves: @offboard/test-utils.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  copyRepository,
  publishablePackages,
  readManifest,
  repoRoot,
  type TempDir,
  tempDir,
} from '@offboard/test-utils';

export const toolDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A git repository holding the workspace's root manifest, pnpm-workspace.yaml, .changeset/config.json
 * and every publishable package as built (no node_modules), with one commit. Its node_modules is
 * the repository's (changesets loads its changelog module from there).
 */
export async function copyWorkspace(): Promise<TempDir> {
  const copy = await copyRepository({
    paths: [
      'package.json',
      'pnpm-workspace.yaml',
      '.changeset/config.json',
      'LICENSE',
      ...publishablePackages().map((pkg) => path.join('packages', pkg.folder)),
    ],
    skip: ['node_modules', '.turbo'],
    prefix: 'release',
  });
  const { dir } = copy;
  try {
    await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
    await linkWorkspaceDependencies(dir);
    await writeFile(path.join(dir, '.gitignore'), 'node_modules\n');
    await git(dir, 'init', '--quiet', '--initial-branch=main');
    await git(dir, 'add', '.');
    await git(
      dir,
      '-c',
      'user.name=release-test',
      '-c',
      'user.email=release-test@localhost',
      'commit',
      '--quiet',
      '-m',
      'workspace',
    );
  } catch (error) {
    await copy.remove();
    throw error;
  }
  return copy;
}

/**
 * What `pnpm install` would link for `workspace:` dependencies (pnpm publish reads their
 * versions there): a package of the copy, or else (a private tool) the repository's.
 */
async function linkWorkspaceDependencies(dir: string): Promise<void> {
  const workspaceDirs = (root: string) =>
    ['packages', 'tools'].flatMap((group) =>
      existsSync(path.join(root, group))
        ? readdirSync(path.join(root, group))
            .map((name) => path.join(root, group, name))
            .filter((pkg) => existsSync(path.join(pkg, 'package.json')))
        : [],
    );
  const byName = new Map<string, string>();
  for (const pkg of [...workspaceDirs(repoRoot), ...workspaceDirs(dir)])
    byName.set(readManifest(path.join(pkg, 'package.json')).name, pkg);
  for (const pkg of workspaceDirs(dir)) {
    const manifest = readManifest(path.join(pkg, 'package.json'));
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) {
        const target = byName.get(name);
        if (!range.startsWith('workspace:') || !target) continue;
        const link = path.join(pkg, 'node_modules', name);
        await mkdir(path.dirname(link), { recursive: true });
        await symlink(path.relative(path.dirname(link), target), link);
      }
    }
  }
}

export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd }, (error, stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
  });
}

/**
 * The environment for npm and pnpm: ours minus any registry setting inherited from a parent
 * npm or pnpm, plus `extra`. So only the .npmrc we write decides where `@offboard` goes.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_config_(.*:)?(registry|_authtoken|_auth)$/i.test(key) || /^npm_config_\/\//i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (never throws on a non-zero exit). */
export function exec(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { ...options, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A folder whose `pnpm` runs the pnpm pinned in package.json devEngines, for scripts that call `pnpm`. */
export async function pnpmShim(): Promise<TempDir> {
  const version = (
    readManifest(path.join(repoRoot, 'package.json')) as { devEngines?: { packageManager?: { version?: string } } }
  ).devEngines?.packageManager?.version;
  if (!version) throw new Error('package.json has no devEngines.packageManager.version');
  const shim = await tempDir('pnpm');
  await writeFile(path.join(shim.dir, 'pnpm'), `#!/bin/sh\nexec npx --yes pnpm@${version} "$@"\n`, { mode: 0o755 });
  return shim;
}
