import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from './repo-root.js';

it('is the directory holding the workspace root manifest and this package', () => {
  expect(path.isAbsolute(repoRoot)).toBe(true);
  expect(existsSync(path.join(repoRoot, 'pnpm-workspace.yaml'))).toBe(true);
  expect(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).name).toBe('offboard-monorepo');
  expect(existsSync(path.join(repoRoot, 'tools/test-utils/src/repo-root.ts'))).toBe(true);
});
