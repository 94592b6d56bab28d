// 6. Saved plans: making (checksum), writing and reading back (parse, positions, schema, checksum,
// canonical ids) a plan of N targets, in process, against the floor of JSON.stringify and
// JSON.parse of the same document. Each figure is the median of a few rounds.
import path from 'node:path';
import { BUILT_IN_PROVIDERS, createPlan, type PlanTarget, Registry, readPlan, writePlan } from '@offboard/offboard';
import { tempDir } from '@offboard/test-utils';

export interface PlanResult {
  readonly targets: number;
  readonly bytes: number;
  readonly make: number;
  readonly write: number;
  readonly read: number;
  readonly stringify: number;
  readonly parse: number;
}

const ACCOUNT = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const uuid = (n: number) => `3f7a2c1e-9b4d-4e6f-8a2b-${n.toString(16).padStart(12, '0')}`;

/** A target as planning a Cloudflare user leaves it: a read, the planned delete, one fact. */
function target(n: number): PlanTarget {
  const path = `/accounts/${ACCOUNT}/access/users/${uuid(n)}`;
  return {
    provider: 'cloudflare',
    account: ACCOUNT,
    user: uuid(n),
    email: `person${n}@example.com`,
    outcome: 'planned',
    reason: 'would end deleted',
    steps: [
      { method: 'GET', path, status: 200, at: '2026-12-01T09:00:00.000Z', requestId: `8f1c2d3e${n}-AMS` },
      { method: 'DELETE', path, status: null },
    ],
    facts: { present: true },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function time(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function benchPlan({ targets = 10_000, rounds = 5 } = {}): Promise<PlanResult> {
  const scratch = await tempDir('bench-plan');
  try {
    const file = path.join(scratch.dir, 'plan.json');
    const registry = new Registry(BUILT_IN_PROVIDERS);
    const content = {
      created: new Date().toISOString(),
      tool: { name: '@offboard/offboard', version: 'bench' },
      flags: { revokeTokens: false, allAccounts: false, maxRevisionRetries: 3, input: { batch: 'batch.csv' } },
      targets: Array.from({ length: targets }, (_, n) => target(n)),
    };
    const figures = {
      make: [] as number[],
      write: [] as number[],
      read: [] as number[],
      stringify: [] as number[],
      parse: [] as number[],
    };
    let bytes = 0;
    for (let round = 0; round < rounds; round++) {
      let plan = undefined as ReturnType<typeof createPlan> | undefined;
      figures.make.push(await time(() => (plan = createPlan(content))));
      figures.write.push(await time(() => writePlan(file, plan!)));
      const text = JSON.stringify(plan, null, 2);
      bytes = Buffer.byteLength(text);
      figures.stringify.push(await time(() => JSON.stringify(plan, null, 2)));
      figures.parse.push(await time(() => JSON.parse(text)));
      figures.read.push(await time(() => readPlan(file, { now: new Date(), maxAgeMs: 3_600_000, registry })));
    }
    return {
      targets,
      bytes,
      make: median(figures.make),
      write: median(figures.write),
      read: median(figures.read),
      stringify: median(figures.stringify),
      parse: median(figures.parse),
    };
  } finally {
    await scratch.remove();
  }
}
