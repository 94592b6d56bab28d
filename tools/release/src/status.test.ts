// `changeset status`, as CI runs it on a clean clone of main, on a throwaway git copy of the
// workspace with the repository's pending changesets: they must be valid, and the plan they make
// is checked; then a branch that changes a package without a changeset must fail.
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { publishablePackages, repoRoot } from '@offboard/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, copyWorkspace, exec, git, toolDir } from './workspace.js';

const changesetBin = path.join(toolDir, 'node_modules/@changesets/cli/bin.js');

interface ReleasePlan {
  changesets: { id: string; releases: { name: string; type: string }[] }[];
  releases: { name: string; type: string; oldVersion: string; newVersion: string }[];
}

describe('changeset status', () => {
  let work: Awaited<ReturnType<typeof copyWorkspace>>;
  const status = async (...args: string[]) =>
    exec(process.execPath, [changesetBin, 'status', ...args], { cwd: work.dir, env: childEnv() });
  const plan = async (): Promise<ReleasePlan> => {
    const result = await status('--output', 'plan.json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(await readFile(path.join(work.dir, 'plan.json'), 'utf8')) as ReleasePlan;
  };
  const commit = async (message: string) => {
    await git(work.dir, 'add', '--all', '--', '.', ':!plan.json');
    await git(work.dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '--quiet', '-m', message);
  };

  let pending: string[] = [];

  beforeAll(async () => {
    work = await copyWorkspace();
    // The repository's pending changesets, committed on main as in a clean clone.
    pending = (await readdir(path.join(repoRoot, '.changeset'))).filter(
      (name) => name.endsWith('.md') && name !== 'README.md',
    );
    for (const name of pending)
      await copyFile(path.join(repoRoot, '.changeset', name), path.join(work.dir, '.changeset', name));
    if (pending.length > 0) await commit('pending changesets');
  });
  afterAll(() => work?.remove());

  it("on main: the repository's pending changesets are valid, and every package they bump is publishable", async () => {
    const { changesets, releases } = await plan();
    const publishable = new Set(publishablePackages().map((pkg) => pkg.manifest.name));
    for (const changeset of changesets)
      for (const release of changeset.releases) expect(publishable).toContain(release.name);
    for (const release of releases) expect(publishable).toContain(release.name);
  });

  it('on a branch: a change to a package without a changeset fails; a test file alone does not count', async () => {
    // From a main whose pending changesets a release consumed: they would cover the change below.
    for (const name of pending) await rm(path.join(work.dir, '.changeset', name));
    if (pending.length > 0) await commit('release: pending changesets consumed');
    await git(work.dir, 'checkout', '--quiet', '-b', 'feature');
    await writeFile(path.join(work.dir, 'packages/gcore-iam/src/extra.test.ts'), '// a test only\n');
    await commit('a test');
    expect((await status()).code).toBe(0);

    const index = path.join(work.dir, 'packages/gcore-iam/src/index.ts');
    await writeFile(index, `${await readFile(index, 'utf8')}// a change\n`);
    await commit('a change');
    const result = await status();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Some packages have been changed but no changesets were found');
  });

  it('with a changeset the branch passes: a major client bump, and a patch of the package that depends on it', async () => {
    await writeFile(
      path.join(work.dir, '.changeset/breaking-client.md'),
      "---\n'@offboard/gcore-iam': major\n---\n\nBreaking spec update.\n",
    );
    await commit('changeset');
    const { releases } = await plan();
    const pending = new Map(releases.map((release) => [release.name, release.type]));
    expect(pending.get('@offboard/gcore-iam')).toBe('major');
    const dependents = publishablePackages().filter((pkg) =>
      Object.keys(pkg.manifest.dependencies ?? {}).includes('@offboard/gcore-iam'),
    );
    for (const dependent of dependents)
      expect(['patch', 'minor', 'major']).toContain(pending.get(dependent.manifest.name));
    expect(dependents.map((pkg) => pkg.manifest.name)).toContain('@offboard/offboard');
    // Nothing that neither has a changeset nor depends on the client.
    const expected = new Set(['@offboard/gcore-iam', ...dependents.map((pkg) => pkg.manifest.name)]);
    expect(releases.filter((release) => release.type !== 'none' && !expected.has(release.name))).toEqual([]);
  });
});
