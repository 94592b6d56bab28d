// The fault matrix: rows are the step kinds the provider policies take, read from their own
// traces against a healthy fake (read, intermediate write, final write); columns are the answers
// a provider or the network can give (2xx, 1xx, 3xx without Location, 304, 4xx, 429, 5xx, resets,
// an unreadable body, a timeout). Each cell runs `offboard apply` with a journal through main(),
// checks the outcome and the exit code against the fake's state and request log, then reruns
// against the healthy fake: nothing confirmed is resent, and the target ends truthfully.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyState, startFakeProviders } from '../test/fake-providers.js';
import {
  ANSWER_CLASSES,
  FakePool,
  rowsFrom,
  runCell,
  SCENARIOS,
  type Trace,
  traceScenario,
} from '../test/fault-matrix.js';

// Rows come from the traces, so they are known before the tests are collected.
const tracer = await startFakeProviders(emptyState());
let traces: Trace[];
try {
  traces = [];
  for (const scenario of SCENARIOS) traces.push(await traceScenario(tracer, scenario));
} finally {
  await tracer.close();
}
const rows = rowsFrom(traces.filter((trace) => trace.code === 0 && trace.outcome === trace.scenario.done));
const CELLS = rows.length * ANSWER_CLASSES.length;

let pool: FakePool;
beforeAll(async () => {
  pool = await FakePool.start(5);
});
afterAll(() => pool.close());

describe('fault matrix: the healthy traces', () => {
  it.each(traces.map((trace) => [trace.scenario.name, trace] as const))(
    '%s ends as expected on a healthy fake',
    (_, trace) => {
      expect({ code: trace.code, outcome: trace.outcome }).toEqual({ code: 0, outcome: trace.scenario.done });
      // The final write is the last DELETE; every other DELETE is an intermediate one.
      const deletes = trace.steps.filter((step) => step.method === 'DELETE');
      expect(deletes.at(-1)?.kind).toBe('final');
      expect(deletes.slice(0, -1).every((step) => step.kind === 'intermediate')).toBe(true);
    },
  );

  it('cover every step kind of every provider', () => {
    const kinds = rows.map((row) => row.key);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'gcore read GET /iam/clients/{}/client-users/{}',
        'gcore read GET /iam/users',
        'gcore read GET /iam/v2/clients/{}/tokens',
        'gcore intermediate DELETE /iam/v2/clients/{}/tokens/{}',
        'gcore final DELETE /iam/users/{}',
        'gcore final DELETE /iam/clients/{}/client-users/{}',
        'gcore intermediate DELETE /iam/clients/{}/client-users/{}',
        'cloudflare final DELETE /accounts/{}/access/users/{}',
        'nscale final DELETE /api/v1/organizations/{}/users/{}',
        'liveperson read GET /api/account/{}/configuration/le-users/users/{}',
        'liveperson final DELETE /api/account/{}/configuration/le-users/users/{}',
      ]),
    );
  });
});

describe(`fault matrix: ${rows.length} step kinds × ${ANSWER_CLASSES.length} answers = ${CELLS} cells`, () => {
  describe.each(rows.map((row) => [row.name, row] as const))('%s', (_, row) => {
    it.concurrent.for(ANSWER_CLASSES.map((answer) => [answer.name, answer] as const))(
      `${row.name} × %s`,
      async ([, answer], { expect }) => {
        const report = await runCell(pool, row, answer);
        expect(
          report.problems,
          `first run: exit ${report.first.code} ${report.first.outcome}; rerun: exit ${report.rerun?.code} ${report.rerun?.outcome}`,
        ).toEqual([]);
      },
    );
  });
});
