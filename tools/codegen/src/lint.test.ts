import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { copyWorkspace, repoRoot } from '../test/workspace.js';
import { loadWorkspace } from './apis.js';
import { lintApi } from './lint.js';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'tools/codegen/src/cli.ts');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function replaceIn(file: string, from: string, to: string) {
  const text = await readFile(file, 'utf8');
  expect(text).toContain(from);
  await writeFile(file, text.replace(from, to));
}

describe('lint:specs', () => {
  it('finds no error and no warning in any of the five specs', async () => {
    const workspace = await loadWorkspace(path.join(repoRoot, 'redocly.yaml'));
    expect(workspace.apis.map((api) => api.name)).toEqual([
      'cloudflare-access',
      'gcore-iam',
      'gcore-iam-reseller',
      'liveperson-users',
      'nscale-identity',
    ]);
    for (const api of workspace.apis) {
      const report = await lintApi(workspace, api);
      expect({ api: api.name, problems: report.problems.map((problem) => problem.message) }).toEqual({
        api: api.name,
        problems: [],
      });
    }
  });

  it('fails (exit 1) when a spec breaks a rule', async () => {
    const copy = await copyWorkspace();
    cleanup = copy.remove;
    // An example that no longer matches its schema (a Cloudflare account id of 33 characters).
    await replaceIn(
      path.join(copy.dir, 'specs/cloudflare-access/components/schemas.yaml'),
      '    - 0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b',
      '    - 0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4bx',
    );
    const result = await run(tsx, [
      cli,
      'lint',
      '--config',
      path.join(copy.dir, 'redocly.yaml'),
      'cloudflare-access',
    ]).catch((error: { code: number; stdout: string }) => error);
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stdout: string }).stdout).toMatch(/cloudflare-access: [1-9]\d* errors/);
  });

  it('catches the vendor defect its decorator fixes (the ambiguous Gcore 403 oneOf)', async () => {
    const copy = await copyWorkspace();
    cleanup = copy.remove;
    await replaceIn(
      path.join(copy.dir, 'redocly.yaml'),
      'gcore-iam-reseller/delete-user-forbidden-message: on',
      'gcore-iam-reseller/delete-user-forbidden-message: off',
    );
    const workspace = await loadWorkspace(path.join(copy.dir, 'redocly.yaml'));
    const api = workspace.apis.find((candidate) => candidate.name === 'gcore-iam-reseller')!;
    const report = await lintApi(workspace, api);
    expect(report.problems.map((problem) => problem.ruleId)).toContain('offboard/no-ambiguous-oneof');
  });
});
