import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isListening } from '@offboard/mock';
import { repoRoot } from '@offboard/test-utils';
import { expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

// What the README's first Quick start line ends with: plan and apply against Prism mocks of
// every spec, through the built CLI, leaving no mock behind.
it('plans, then applies, the sample batch across all four providers against the mocks', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'demo.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(output).toMatch(/plan: 4 targets: 4 planned/);
  expect(output).toMatch(/would be blocked: user 1001 issued API tokens/);
  expect(output).toMatch(/apply: 4 targets: 1 removed, 3 deleted/);
  expect(output).not.toMatch(/demo-(gcore|cloudflare|nscale|liveperson)-(key|token)/);
  expect(code).toBe(0);
  const ports = [...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
  expect(ports.length).toBeGreaterThanOrEqual(4);
  for (const port of ports) expect(await isListening(port)).toBe(false);
});
