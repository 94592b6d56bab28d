import { expect, it } from 'vitest';
import { benchDiscovery } from './discovery.js';
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
    'discovery: wall time, 20 people',
    'discovery, gcore: requests',
    'discovery, cloudflare: requests',
    'discovery, nscale: requests',
    'discovery, liveperson: requests',
    'saved plan: 200 targets',
    'size: @offboard/cloudflare-access: own code',
    'size: cloudflare (official SDK)',
  ]) {
    expect(
      rows.some((row) => row.startsWith(`| ${section}`)),
      section,
    ).toBe(true);
  }
  expect(table).toMatch(/200 deletes processed, 0 twice, 200 verified by a read/);
  expect(table).toMatch(/40 of 40 present found with their one id, 0 wrong, 0 errors/);
});

// Request counts are deterministic (the figures beside them are not): each directory is read
// once for everyone, and every present person comes back with exactly their own id.
const counts = (result: Awaited<ReturnType<typeof benchDiscovery>>) =>
  Object.fromEntries(
    result.costs.map((cost) => [cost.provider, [cost.directory, cost.lookups, cost.perPerson.requests]]),
  );

it('discovery reads each directory once, and finds every present person with their one id', async () => {
  // 2,500 users: 3 pages of 1,000 for Gcore and Cloudflare.
  const result = await benchDiscovery({ people: 20, present: 10, users: 2500, sample: 4 });
  expect(counts(result)).toEqual({
    // [directory reads, per-person look-ups; per person: requests for all 20]
    gcore: [3, 20, 20 * (3 + 1)],
    cloudflare: [3, 0, 20],
    nscale: [1, 20, 20 * 2],
    liveperson: [1, 0, 20],
  });
  expect([result.found, result.wrong, result.errors, result.targets]).toEqual([40, 0, 0, 40]);
  expect(result.unexpected).toEqual([]);
  expect(result.warnings).toEqual([]);
  expect(result.costs.map((cost) => cost.perPerson.wrong)).toEqual([0, 0, 0, 0]);
});

it('discovery asks Cloudflare per person when that takes fewer requests than the pages', async () => {
  // 5 pages, 2 people: page 1, then one `?email=` query each (2 < 5 - 1).
  const result = await benchDiscovery({ people: 2, present: 1, users: 5000, sample: 2 });
  expect(counts(result)).toMatchObject({ gcore: [5, 2, 2 * (5 + 1)], cloudflare: [1, 2, 2] });
  expect([result.found, result.wrong, result.errors, result.unexpected]).toEqual([4, 0, 0, []]);
});
