import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { binFiles, publishablePackages } from './packages.js';
import { repoRoot } from './repo-root.js';
import { type TempDir, tempDir } from './temp-copy.js';

let root: TempDir | undefined;
afterEach(async () => {
  await root?.remove();
  root = undefined;
});

async function writePackage(folder: string, manifest: Record<string, unknown>, files: string[] = []) {
  const dir = path.join(root!.dir, 'packages', folder);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(manifest));
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), '');
  }
}

it('lists the non-private packages under packages/, sorted by folder, with whether they are built', async () => {
  root = await tempDir('unit-packages');
  await writePackage('zeta', { name: '@x/zeta', version: '1.0.0', main: 'dist/index.js' }, ['dist/index.js']);
  await writePackage('alpha', { name: '@x/alpha', version: '2.0.0', main: 'dist/index.js', bin: { a: 'bin/a.js' } }, [
    'dist/index.js',
  ]);
  await writePackage('hidden', { name: '@x/hidden', version: '0.0.0', private: true });
  await mkdir(path.join(root.dir, 'packages/not-a-package'));

  const found = publishablePackages(root.dir);
  expect(found.map(({ name, folder, dir, built }) => ({ name, folder, dir, built }))).toEqual([
    { name: '@x/alpha', folder: 'alpha', dir: path.join(root.dir, 'packages/alpha'), built: false }, // bin missing
    { name: '@x/zeta', folder: 'zeta', dir: path.join(root.dir, 'packages/zeta'), built: true },
  ]);
  expect(found[0]?.manifest.version).toBe('2.0.0');
});

it('names a package.json that is not JSON', async () => {
  root = await tempDir('unit-packages');
  await mkdir(path.join(root.dir, 'packages/broken'), { recursive: true });
  await writeFile(path.join(root.dir, 'packages/broken/package.json'), '{');
  expect(() => publishablePackages(root!.dir)).toThrow(/packages\/broken\/package\.json is not valid JSON/);
});

it('reads bin as a string or a map', () => {
  expect(binFiles({ name: 'a', version: '1.0.0', bin: 'cli.js' })).toEqual(['cli.js']);
  expect(binFiles({ name: 'a', version: '1.0.0', bin: { a: 'a.js', b: 'b.js' } })).toEqual(['a.js', 'b.js']);
  expect(binFiles({ name: 'a', version: '1.0.0' })).toEqual([]);
});

it('finds the repository’s own publishable packages by default, runtime and the CLI among them', () => {
  const names = publishablePackages().map((pkg) => pkg.name);
  expect(names).toContain('@offboard/runtime');
  expect(names).toContain('@offboard/offboard');
  expect(names.every((name) => name.startsWith('@offboard/'))).toBe(true);
  expect(publishablePackages(repoRoot).map((pkg) => pkg.name)).toEqual(names);
});
