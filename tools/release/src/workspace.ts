// Helpers of the release tests: the repository's publishable packages, a throwaway copy of the
// workspace to version and publish (so the repository's versions and CHANGELOGs never change),
// and child processes that cannot reach a real registry by accident.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const toolDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

export interface Publishable {
  /** Directory name under packages/. */
  readonly dir: string;
  readonly manifest: Manifest;
  /** Whether its entry point (and bin) exist: turbo builds every package before this test. */
  readonly built: boolean;
}

export function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** Every non-private package under packages/ of `root`. */
export function publishablePackages(root = repoRoot): Publishable[] {
  return readdirSync(path.join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, 'packages', entry.name, 'package.json')))
    .map((entry) => {
      const dir = path.join(root, 'packages', entry.name);
      const manifest = readManifest(path.join(dir, 'package.json'));
      const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
      const built = [manifest.main ?? 'index.js', ...bins].every((file) => existsSync(path.join(dir, file)));
      return { dir: entry.name, manifest, built };
    })
    .filter((pkg) => !pkg.manifest.private)
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

/**
 * A git repository holding the workspace's root manifest, pnpm-workspace.yaml, .changeset/config.json
 * and every publishable package as built (no node_modules), with one commit. Its node_modules is
 * the repository's (changesets loads its changelog module from there).
 */
export async function copyWorkspace(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offboard-release-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json', 'LICENSE']) {
    await cp(path.join(repoRoot, file), path.join(dir, file), { recursive: true });
  }
  for (const pkg of publishablePackages()) {
    await cp(path.join(repoRoot, 'packages', pkg.dir), path.join(dir, 'packages', pkg.dir), {
      recursive: true,
      filter: (source) => !['node_modules', '.turbo'].includes(path.basename(source)),
    });
  }
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
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
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
export async function pnpmShim(): Promise<{ dir: string; remove(): Promise<void> }> {
  const version = (
    readManifest(path.join(repoRoot, 'package.json')) as { devEngines?: { packageManager?: { version?: string } } }
  ).devEngines?.packageManager?.version;
  if (!version) throw new Error('package.json has no devEngines.packageManager.version');
  const dir = await mkdtemp(path.join(tmpdir(), 'offboard-pnpm-'));
  await writeFile(path.join(dir, 'pnpm'), `#!/bin/sh\nexec npx --yes pnpm@${version} "$@"\n`, { mode: 0o755 });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
