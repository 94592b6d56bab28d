import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from './repo-root.js';
import { changedFiles, copyRepository, snapshot, type TempDir, tempDir } from './temp-copy.js';

const made: TempDir[] = [];
const track = <T extends TempDir>(dir: T) => {
  made.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of made.splice(0)) await dir.remove();
});

describe('tempDir', () => {
  it('makes a new empty directory under the OS temp directory, and removes it', async () => {
    const first = track(await tempDir('unit'));
    const second = track(await tempDir('unit'));
    expect(first.dir).not.toBe(second.dir);
    expect(path.dirname(first.dir)).toBe(tmpdir());
    expect(path.basename(first.dir)).toMatch(/^offboard-unit-/);
    await writeFile(path.join(first.dir, 'file'), 'x');
    await first.remove();
    expect(existsSync(first.dir)).toBe(false);
    await first.remove(); // twice is fine
  });
});

describe('copyRepository', () => {
  it('copies the named paths of the repository, same bytes, and nothing else', async () => {
    const copy = track(await copyRepository({ paths: ['redocly.yaml', 'specs'], prefix: 'unit' }));
    expect(await readFile(path.join(copy.dir, 'redocly.yaml'), 'utf8')).toBe(
      await readFile(path.join(repoRoot, 'redocly.yaml'), 'utf8'),
    );
    expect(
      changedFiles(await snapshot(path.join(repoRoot, 'specs')), await snapshot(path.join(copy.dir, 'specs'))),
    ).toEqual([]);
    expect(existsSync(path.join(copy.dir, 'package.json'))).toBe(false);
    expect(existsSync(path.join(copy.dir, 'packages'))).toBe(false);
  });

  it('leaves out skipped names at any depth (node_modules, dist, .turbo by default)', async () => {
    const source = track(await tempDir('unit-source'));
    for (const dir of ['a/node_modules/x', 'a/b/dist', 'a/b/src', 'a/.turbo'])
      await mkdir(path.join(source.dir, dir), { recursive: true });
    await writeFile(path.join(source.dir, 'a/node_modules/x/index.js'), '');
    await writeFile(path.join(source.dir, 'a/b/dist/index.js'), '');
    await writeFile(path.join(source.dir, 'a/b/src/index.ts'), '');
    await writeFile(path.join(source.dir, 'a/b/src/dist'), 'a file named dist');

    const byDefault = track(await copyRepository({ from: source.dir, paths: ['a'] }));
    expect([...(await snapshot(byDefault.dir)).keys()]).toEqual([path.join('a/b/src/index.ts')]);

    const keepDist = track(await copyRepository({ from: source.dir, paths: ['a'], skip: ['node_modules'] }));
    expect([...(await snapshot(keepDist.dir)).keys()].sort()).toEqual(
      ['a/b/dist/index.js', 'a/b/src/dist', 'a/b/src/index.ts'].map((file) => path.join(file)),
    );

    // A path named explicitly is copied even when its own name is a skipped one.
    const explicit = track(await copyRepository({ from: source.dir, paths: ['a/b/dist'] }));
    expect([...(await snapshot(explicit.dir)).keys()]).toEqual([path.join('a/b/dist/index.js')]);
  });

  it('fails on a path that does not exist, leaving no directory behind', async () => {
    const source = track(await tempDir('unit-source'));
    const leftovers = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('offboard-unit-missing-'));
    const before = await leftovers();
    await expect(copyRepository({ from: source.dir, paths: ['missing'], prefix: 'unit-missing' })).rejects.toThrow(
      /ENOENT/,
    );
    expect(await leftovers()).toEqual(before);
  });
});

describe('snapshot and changedFiles', () => {
  it('lists the added, removed and changed files, sorted, and nothing unchanged', async () => {
    const dir = track(await tempDir('unit-snapshot'));
    await mkdir(path.join(dir.dir, 'sub'));
    await writeFile(path.join(dir.dir, 'same'), 'same');
    await writeFile(path.join(dir.dir, 'sub/changed'), 'before');
    await writeFile(path.join(dir.dir, 'removed'), 'gone soon');
    const before = await snapshot(dir.dir);
    expect([...before.keys()].sort()).toEqual(['removed', 'same', path.join('sub/changed')]);

    await writeFile(path.join(dir.dir, 'sub/changed'), 'after');
    await writeFile(path.join(dir.dir, 'added'), 'new');
    await rm(path.join(dir.dir, 'removed'));
    expect(changedFiles(before, await snapshot(dir.dir))).toEqual(['added', 'removed', path.join('sub/changed')]);
    expect(changedFiles(before, before)).toEqual([]);
  });
});
