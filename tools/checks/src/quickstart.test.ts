import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@offboard/test-utils';
import { describe, expect, it } from 'vitest';

async function quickStart(): Promise<string[]> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^## Quick start$/m)[1] ?? '';
  const block = /^```\w*\n([\s\S]*?)^```/m.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '');
}

describe('README Quick start', () => {
  it('has exactly two lines: the main job, then the tests, each through a pinned pnpm', async () => {
    const lines = await quickStart();
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^npx --yes pnpm@\d+\.\d+\.\d+ install --frozen-lockfile && /);
    expect(lines[1]).toMatch(/ test$/);
  });

  it('is what .ci/run runs for the tests', async () => {
    const [, testLine] = await quickStart();
    const ci = await readFile(path.join(repoRoot, '.ci/run'), 'utf8');
    const commands = ci.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(commands).toContain(testLine);
  });

  it('pins the same pnpm as package.json devEngines', async () => {
    const [mainLine] = await quickStart();
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
      devEngines: { packageManager: { version: string } };
    };
    expect(mainLine).toContain(`pnpm@${pkg.devEngines.packageManager.version} `);
  });
});
