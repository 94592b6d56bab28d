import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWorkspace, repoRoot } from '../test/workspace.js';
import { loadWorkspace } from './apis.js';
import { generateApis } from './generate.js';

const quiet = () => undefined;

describe('generate', () => {
  let copy: Awaited<ReturnType<typeof copyWorkspace>>;
  beforeAll(async () => {
    copy = await copyWorkspace();
  });
  afterAll(() => copy.remove());

  it('is up to date in the repository (what CI checks)', async () => {
    const workspace = await loadWorkspace(path.join(repoRoot, 'redocly.yaml'));
    const result = await generateApis(workspace, workspace.apis, { check: true, log: quiet });
    expect(result.stale).toEqual([]);
  });

  it('writes the same bytes as the committed packages, and nothing on a rerun', async () => {
    const workspace = await loadWorkspace(path.join(copy.dir, 'redocly.yaml'));
    const first = await generateApis(workspace, workspace.apis, { check: false, log: quiet });
    expect(first.written.length).toBeGreaterThan(0);
    for (const file of first.written.filter((written) => !/package\.json|tsconfig|index\.ts$/.test(written))) {
      const committed = path.join(repoRoot, path.relative(copy.dir, file));
      expect(await readFile(file, 'utf8'), committed).toBe(await readFile(committed, 'utf8'));
    }
    const second = await generateApis(workspace, workspace.apis, { check: false, log: quiet });
    expect(second.written).toEqual([]);
  });

  it('--check fails on a hand edit of a generated file, and names it', async () => {
    const workspace = await loadWorkspace(path.join(copy.dir, 'redocly.yaml'));
    const target = path.join(copy.dir, 'packages/cloudflare-access/src/generated/api.gen.ts');
    await writeFile(target, `${await readFile(target, 'utf8')}// hand edit\n`);
    const lines: string[] = [];
    const result = await generateApis(workspace, workspace.apis, { check: true, log: (line) => lines.push(line) });
    expect(result.ok).toBe(false);
    expect(result.stale).toEqual([target]);
    expect(lines).toContain('stale: packages/cloudflare-access/src/generated/api.gen.ts');
    expect(await readFile(target, 'utf8')).toContain('// hand edit');
  });

  it('--check fails when a spec changed and the package was not regenerated', async () => {
    const workspace = await loadWorkspace(path.join(copy.dir, 'redocly.yaml'));
    await generateApis(workspace, workspace.apis, { check: false, log: quiet });
    const schemas = path.join(copy.dir, 'specs/cloudflare-access/components/schemas.yaml');
    await writeFile(schemas, (await readFile(schemas, 'utf8')).replace('maxLength: 32', 'maxLength: 31'));
    const result = await generateApis(workspace, workspace.apis, { check: true, log: quiet });
    expect(result.stale.map((file) => path.relative(copy.dir, file)).sort()).toEqual([
      'packages/cloudflare-access/README.md',
      'packages/cloudflare-access/openapi.json',
      // maxLength is a run-time rule: the types do not change.
      'packages/cloudflare-access/src/generated/api.gen.ts',
    ]);
  });
});
