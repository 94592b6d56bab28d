import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isListening } from '@offboard/mock';
import { repoRoot } from '@offboard/test-utils';
import { expect, it } from 'vitest';
import { DEMO_EMAIL } from './demo.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the specs' examples put the demo person, and what apply --revoke-tokens does there. */
const PERSON_ACCOUNTS = [
  // Two Gcore accounts: each is left (removed), the user keeping access to the other.
  { provider: 'gcore', account: '200001', user: '1001', applied: 'removed' },
  { provider: 'gcore', account: '200002', user: '1001', applied: 'removed' },
  {
    provider: 'cloudflare',
    account: '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b',
    user: '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b',
    applied: 'deleted',
  },
  {
    provider: 'nscale',
    account: '79f64482-1271-44b8-a1d4-d83e418eddf2',
    user: 'cef8afbf-976c-4b28-ab01-216c3aed0b7a',
    applied: 'deleted',
  },
  { provider: 'liveperson', account: '12345678', user: '4085930212', applied: 'deleted' },
] as const;

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every `offboard` command the demo ran, as it showed it: what it printed, and its exit code. */
function commandsRun(output: string): Map<string, { printed: string; exit: number }> {
  const runs = new Map<string, { printed: string; exit: number }>();
  for (const [, command, printed, exit] of output.matchAll(/^\$ (offboard .*)\n([\s\S]*?)^exit (\d+)$/gm))
    runs.set(command!, { printed: printed!, exit: Number(exit) });
  return runs;
}

// What the README's first Quick start line ends with: plan and apply against Prism mocks of
// every spec, through the built CLI, for a batch by id and for one person by email, leaving no
// mock behind.
it('plans and applies the sample batch, then one person by email, across all four providers against the mocks', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'demo.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const runs = commandsRun(output);
  expect([...runs.keys()]).toEqual([
    'offboard plan --batch tools/demo/sample.csv --revoke-tokens --out $DEMO_DIR/batch-plan.json',
    'offboard apply --plan $DEMO_DIR/batch-plan.json --journal $DEMO_DIR/batch.jsonl',
    `offboard plan --email ${DEMO_EMAIL} --config tools/demo/demo-accounts.yaml`,
    `offboard apply --email ${DEMO_EMAIL} --config tools/demo/demo-accounts.yaml --revoke-tokens --journal $DEMO_DIR/jordan.jsonl --operator demo-operator --ticket HR-1234`,
    'offboard report $DEMO_DIR/jordan.jsonl',
  ]);
  const [batchPlan, batchApply, personPlan, personApply, report] = [...runs.values()];

  expect(batchPlan!.exit).toBe(0);
  expect(batchPlan!.printed).toMatch(/plan: 4 targets: 4 planned/);
  expect(batchPlan!.printed).toMatch(/plan saved to .*batch-plan\.json \(sha256:[0-9a-f]{64}\)/);
  // The saved plan, applied exactly: nothing stale on the mocks, every delete verified.
  expect(batchApply!.exit).toBe(0);
  expect(batchApply!.printed).toMatch(/apply: 4 targets: 1 removed, 3 deleted/);
  expect(batchApply!.printed).not.toMatch(/plan is stale/);
  expect(batchApply!.printed.match(/^\S+ +\S+ +\S+ +(deleted|removed) +yes\b/gm)).toHaveLength(4);

  // By email: found in every configured account of every provider, nowhere unsearched or
  // unconfigured (either would be exit 1), and every result row names the person.
  for (const [run, mode] of [
    [personPlan!, 'plan'],
    [personApply!, 'apply'],
  ] as const) {
    expect(run.exit).toBe(0);
    for (const { provider, account, user, applied } of PERSON_ACCOUNTS) {
      const outcome = mode === 'plan' ? 'planned' : applied;
      expect(run.printed).toMatch(
        new RegExp(
          `^${literal(DEMO_EMAIL)}\\s+${provider}\\s+${literal(account)}\\s+${literal(user)}\\s+${outcome}\\b`,
          'm',
        ),
      );
      expect(run.printed).toMatch(
        new RegExp(`^(${literal(DEMO_EMAIL)})?\\s+${provider}\\s+${literal(account)}\\s+user ${literal(user)}$`, 'm'),
      );
    }
    expect(run.printed).not.toMatch(/not searched|not in the config|found in no configured account/);
  }
  expect(personPlan!.printed).toMatch(/plan: 5 targets: 5 planned/);
  expect(personPlan!.printed).toMatch(/would be blocked: user 1001 issued API tokens \(account 200001: 42, 43\)/);
  expect(personApply!.printed).toMatch(/apply: 5 targets: 2 removed, 3 deleted/);
  expect(personApply!.printed).toMatch(/DELETE \/iam\/v2\/clients\/200001\/tokens\/42 {2}204/);

  // It ends with the evidence of the apply: who, under which ticket, each account verified.
  expect(report!.exit).toBe(0);
  expect(report!.printed).toMatch(/^# Offboarding evidence$/m);
  expect(report!.printed).toContain('- Operator: demo-operator');
  expect(report!.printed).toContain('- Ticket: HR-1234');
  expect(report!.printed).toContain('- Complete: yes');
  for (const { provider, account, user, applied } of PERSON_ACCOUNTS)
    expect(report!.printed).toContain(`| ${provider} | ${account} | ${user} | ${applied} | yes |`);
  expect(output.trimEnd()).toMatch(/exit 0\n\ndemo: every command exited 0$/);

  expect(output).toMatch(/demo: every command exited 0/);
  expect(output).not.toMatch(/demo-(gcore|cloudflare|nscale|liveperson)-(key|token)/);
  expect(code).toBe(0);
  const ports = [...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
  expect(ports.length).toBeGreaterThanOrEqual(4);
  for (const port of ports) expect(await isListening(port)).toBe(false);
});
