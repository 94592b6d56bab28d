import { expect, it } from 'vitest';
import { runBench } from './run.js';

// A smoke test: every section runs at tiny sizes and lands in the table. It checks the bench
// works, never a number (figures belong to `pnpm bench`, not to CI).
it('prints one Markdown table with every section', async () => {
  const table = await runBench({ quick: true, log: () => undefined });
  const rows = table.split('\n').filter((line) => line.startsWith('| '));
  expect(rows[0]).toBe('| benchmark | ours | anchor | ratio | goal |');
  for (const section of [
    'codegen:',
    'scale: synthetic, 20 operations',
    'client overhead:',
    'batch: 200 targets',
    'size: @offboard/cloudflare-access: own code',
    'size: cloudflare (official SDK)',
  ]) {
    expect(
      rows.some((row) => row.startsWith(`| ${section}`)),
      section,
    ).toBe(true);
  }
  expect(table).toMatch(/200 deletes processed, 0 twice/);
});
