// The GitHub workflows: each passes the workflow linter (@action-validator/cli, from npm), and
// each does what the release flow relies on.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readManifest, repoRoot, tempDir } from '@offboard/test-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exec, toolDir } from './workspace.js';

const workflowsDir = path.join(repoRoot, '.github/workflows');
const validator = path.join(toolDir, 'node_modules/@action-validator/cli/cli.mjs');
const validate = (file: string) => exec(process.execPath, [validator, file], { cwd: repoRoot });

// Test data, loosely typed on purpose.
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is walked freely in assertions.
type Workflow = Record<string, any>;
const workflow = async (name: string): Promise<Workflow> =>
  parse(await readFile(path.join(workflowsDir, name), 'utf8')) as Workflow;
const steps = (flow: Workflow): Workflow[] =>
  Object.values(flow.jobs as Record<string, Workflow>).flatMap((job) => job.steps as Workflow[]);

describe('GitHub workflows', () => {
  it('are ci.yml, release.yml and spec-update.yml', async () => {
    expect((await readdir(workflowsDir)).sort()).toEqual(['ci.yml', 'release.yml', 'spec-update.yml']);
  });

  for (const name of ['ci.yml', 'release.yml', 'spec-update.yml']) {
    it(`${name} passes action-validator`, async () => {
      const result = await validate(path.join(workflowsDir, name));
      expect(result, result.stdout).toMatchObject({ code: 0, stderr: '' });
    });
  }

  it('action-validator does reject a broken workflow', async () => {
    const { dir, remove } = await tempDir('workflow');
    try {
      const broken = (await readFile(path.join(workflowsDir, 'ci.yml'), 'utf8')).replace('runs-on:', 'runs_on:');
      await writeFile(path.join(dir, 'broken.yml'), broken);
      const result = await validate(path.join(dir, 'broken.yml'));
      expect(result.code).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain("Additional property 'runs_on' is not allowed");
    } finally {
      await remove();
    }
  });

  it("ci.yml runs the README's test line, as .ci/run does", async () => {
    const ci = await readFile(path.join(repoRoot, '.ci/run'), 'utf8');
    const testLine = ci
      .split('\n')
      .find((line) => /^npx --yes pnpm@\S+ install --frozen-lockfile && npx --yes pnpm@\S+ test$/.test(line));
    expect(testLine).toBeDefined();
    expect(steps(await workflow('ci.yml')).map((step) => step.run)).toContain(testLine);
  });

  it('release.yml versions and publishes through changesets/action with the root scripts, with provenance', async () => {
    const flow = await workflow('release.yml');
    expect(flow.permissions).toMatchObject({ 'id-token': 'write', contents: 'write', 'pull-requests': 'write' });
    const action = steps(flow).find((step) => String(step.uses).startsWith('changesets/action@'));
    expect(action?.with).toMatchObject({
      version: expect.stringMatching(/ version-packages$/),
      publish: expect.stringMatching(/ release$/),
    });
    expect(action?.env).toMatchObject({ NPM_CONFIG_PROVENANCE: 'true' });
    const scripts = readManifest(path.join(repoRoot, 'package.json')).scripts as Record<string, string>;
    expect(scripts['version-packages']).toBe('changeset version');
    expect(scripts.release).toMatch(/pnpm -r publish --access public/);
  });

  it('spec-update.yml runs specs:update on a schedule and opens a pull request', async () => {
    const flow = await workflow('spec-update.yml');
    expect(flow.on?.schedule).toHaveLength(1);
    expect(steps(flow).some((step) => String(step.run).includes(' specs:update '))).toBe(true);
    expect(steps(flow).some((step) => String(step.uses).startsWith('peter-evans/create-pull-request@'))).toBe(true);
  });
});
