// End to end: the real CLI on a throwaway copy of the repository.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { changedFiles, snapshot, type TempDir } from '@offboard/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { copySpecWorkspace } from './repo-copy.js';

const toolDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

async function specsDiff(root: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = [path.join(toolDir, 'node_modules/tsx/dist/cli.mjs'), path.join(toolDir, 'src/cli.ts')];
  try {
    const { stdout, stderr } = await run(process.execPath, [...cli, ...args, '--root', root], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const VENDOR = 'specs/gcore-iam-reseller/vendor/iam_reseller_api.delete-user.yaml';
const TYPES = 'packages/gcore-iam-reseller/src/generated/schema.gen.ts';

describe('specs:diff on a copy of the repository', () => {
  let copy: TempDir;
  let breaking: string;
  beforeAll(async () => {
    copy = await copySpecWorkspace();
    // The vendor drops the 404 of DELETE /iam/users/{userId} and rewords the 200.
    const vendor = parse(await readFile(path.join(copy.dir, VENDOR), 'utf8')) as {
      paths: Record<string, { delete: { responses: Record<string, { description: string }> } }>;
    };
    const responses = vendor.paths['/iam/users/{userId}']!.delete.responses;
    delete responses['404'];
    responses['200']!.description = 'The user is gone.';
    breaking = path.join(copy.dir, 'candidate.yaml');
    await writeFile(breaking, stringify(vendor));
  });
  afterAll(() => copy.remove());

  it('without --write: prints the highest class first, lists the changes, exits 0 and changes no file', async () => {
    const before = await snapshot(copy.dir);
    const result = await specsDiff(copy.dir, 'gcore-iam-reseller', breaking);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split(/\s/)[0]).toBe('breaking');
    expect(result.stdout).toMatch(
      /breaking\s+response-removed\s+DELETE \/iam\/users\/\{userId\}: response 404 removed/,
    );
    expect(result.stdout).toMatch(
      /fix\s+description-changed\s+DELETE \/iam\/users\/\{userId\} › response 200: description changed/,
    );
    expect(changedFiles(before, await snapshot(copy.dir))).toEqual([]);
  });

  it('--write: drops in the vendor file, regenerates the package and writes a major changeset for it alone', async () => {
    const typesBefore = await readFile(path.join(copy.dir, TYPES), 'utf8');
    const before = await snapshot(copy.dir);
    const result = await specsDiff(copy.dir, 'gcore-iam-reseller', breaking, '--write');
    expect(result).toMatchObject({ code: 0, stderr: '' });

    const changed = changedFiles(before, await snapshot(copy.dir));
    const changesets = changed.filter((file) => file.startsWith('.changeset/'));
    expect(changesets).toHaveLength(1);
    // The vendor file and that package's generated files; nothing of any other package.
    const others = changed.filter((file) => !file.startsWith('.changeset/'));
    expect(others).toEqual(expect.arrayContaining([VENDOR, 'packages/gcore-iam-reseller/openapi.json', TYPES]));
    expect(others.filter((file) => file !== VENDOR && !file.startsWith('packages/gcore-iam-reseller/'))).toEqual([]);
    expect(await readFile(path.join(copy.dir, VENDOR), 'utf8')).toBe(await readFile(breaking, 'utf8'));

    const changeset = await readFile(path.join(copy.dir, changesets[0]!), 'utf8');
    const [, frontMatter, summary] = changeset.split(/^---$/m);
    expect(parse(frontMatter!)).toEqual({ '@offboard/gcore-iam-reseller': 'major' });
    expect(summary).toContain('- breaking `response-removed`: DELETE /iam/users/{userId}: response 404 removed');
    expect(summary).toContain('- fix `description-changed`');

    const typesAfter = await readFile(path.join(copy.dir, TYPES), 'utf8');
    expect(typesAfter).not.toBe(typesBefore);
    expect(typesBefore).toMatch(/\b404: \{/);
    expect(typesAfter).not.toMatch(/\b404: \{/);
  });

  it('--write again with the same candidate is a no-op', async () => {
    const before = await snapshot(copy.dir);
    const result = await specsDiff(copy.dir, 'gcore-iam-reseller', breaking, '--write');
    expect(result.code).toBe(0);
    expect(result.stdout.split(/\s/)[0]).toBe('none');
    expect(result.stdout).toContain('nothing to write');
    expect(changedFiles(before, await snapshot(copy.dir))).toEqual([]);
  });

  it('hand-written spec: a bundled single file replaces openapi.yaml; a fix is a patch', async () => {
    const bundled = JSON.parse(
      await readFile(path.join(copy.dir, 'packages/liveperson-users/openapi.json'), 'utf8'),
    ) as {
      info: { description: string };
    };
    bundled.info.description = `${bundled.info.description} Reworded.`;
    const candidate = path.join(copy.dir, 'liveperson.json');
    await writeFile(candidate, JSON.stringify(bundled, null, 2));
    const result = await specsDiff(copy.dir, 'liveperson-users', candidate, '--write');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split(/\s/)[0]).toBe('fix');
    expect(result.stdout).toContain('no longer referenced (delete it): specs/liveperson-users/paths/users.yaml');
    expect(await readFile(path.join(copy.dir, 'specs/liveperson-users/openapi.yaml'), 'utf8')).toBe(
      await readFile(candidate, 'utf8'),
    );
    const changesets = await readdir(path.join(copy.dir, '.changeset'));
    const mine = changesets.filter((name) => name.startsWith('spec-liveperson-users-'));
    expect(mine).toHaveLength(1);
    expect(await readFile(path.join(copy.dir, '.changeset', mine[0]!), 'utf8')).toMatch(
      /^---\n'@offboard\/liveperson-users': patch\n---\n/,
    );
  });

  it('refuses a multi-file candidate for a hand-written spec, and an unknown api, writing nothing', async () => {
    const before = await snapshot(copy.dir);
    const split = await specsDiff(
      copy.dir,
      'cloudflare-access',
      path.join(copy.dir, 'specs/cloudflare-access/openapi.yaml'),
      '--write',
    );
    expect(split.code).toBe(1);
    expect(split.stderr).toMatch(/cloudflare-access is hand-written: the candidate must be one self-contained file/);
    const unknown = await specsDiff(copy.dir, 'nope', breaking);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown api "nope"');
    expect(changedFiles(before, await snapshot(copy.dir))).toEqual([]);
  });
});
