import { readFileSync, writeFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type JournalEntry, parseJournal, type RunTarget } from './journal.js';
import { buildReport, REPORT_FORMAT, type Report, reportJson, reportMarkdown } from './report.js';
import type { Outcome } from './types.js';

const fixture = (name: string) => new URL(`../test/fixtures/report/${name}`, import.meta.url);
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** Compares with a golden file; `UPDATE_GOLDEN=1` rewrites it instead (then read the diff before committing it). */
function expectGolden(actual: string, name: string): void {
  if (UPDATE_GOLDEN) writeFileSync(fixture(name), actual);
  expect(actual).toBe(readFileSync(fixture(name), 'utf8'));
}

/** A journal's entries, as readJournal gives them; a skipped line fails the test. */
function journal(lines: readonly object[] | string): JournalEntry[] {
  const text = typeof lines === 'string' ? lines : lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  return parseJournal(text, 'test.jsonl', (message) => {
    throw new Error(`unexpected journal warning: ${message}`);
  });
}

const addFormats = ajvFormats.default;
const schema = JSON.parse(readFileSync(new URL('../schema/offboard-report.schema.json', import.meta.url), 'utf8'));
const validate: ValidateFunction = (() => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schema);
})();

function expectValid(report: unknown): void {
  const valid = validate(report);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

// ---- Markdown structure checks (what GitHub's cmark-gfm does with a table row) ------------------

/** The cells of a table row as cmark-gfm splits it: at every `|` not preceded by a backslash. */
function pipes(row: string): number {
  let count = 0;
  for (let index = 0; index < row.length; index += 1) if (row[index] === '|' && row[index - 1] !== '\\') count += 1;
  return count;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Every table keeps its column count, nothing else starts a line with `|`, no raw control characters. */
function expectWellFormedMarkdown(markdown: string): void {
  expect(markdown).not.toMatch(RAW_CONTROL);
  expect(markdown.endsWith('\n')).toBe(true);
  expect(markdown.endsWith('\n\n')).toBe(false);
  const lines = markdown.slice(0, -1).split('\n');
  for (const line of lines) expect(line).not.toMatch(/\s$/);
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    index += 1;
    if (line.startsWith('- ')) expect(line).not.toMatch(/^- (?:[-+*]|\d+[.)])(?:\s|$)/);
    if (!line.startsWith('|')) continue;
    // A table: header, delimiter, rows, up to the next line not starting with `|`.
    const columns = pipes(line);
    expect(lines[index]).toBe(`|${Array.from({ length: columns - 1 }, () => '---').join('|')}|`);
    for (index += 1; index < lines.length && lines[index]!.startsWith('|'); index += 1) {
      const row = lines[index]!;
      expect(pipes(row), row).toBe(columns);
      expect(row.startsWith('| ') && row.endsWith(' |'), row).toBe(true);
    }
  }
}

// ---- the fixed journal --------------------------------------------------------------------------

describe('the evidence of a fixed journal', () => {
  const entries = journal(readFileSync(fixture('evidence.jsonl'), 'utf8'));
  const report = buildReport(entries);

  it('renders the golden Markdown', () => {
    expectGolden(reportMarkdown(report), 'evidence.golden.md');
  });

  it('renders the golden JSON, valid against the shipped schema', () => {
    const json = reportJson(report);
    expectValid(JSON.parse(json));
    expectGolden(json, 'evidence.golden.json');
  });

  it('says who, under which ticket, when, with what', () => {
    expect(report).toMatchObject({
      format: REPORT_FORMAT,
      operator: 'jdoe',
      ticket: 'SEC-4821',
      started: '2025-03-03T09:00:00.000Z',
      finished: '2025-03-03T09:12:31.260Z',
      complete: true,
    });
    expect(Object.entries(report.counts)).toEqual([
      ['deleted', 2],
      ['removed', 1],
      ['already-absent', 1],
      ['blocked', 1],
      ['failed', 1],
    ]);
    expect(report.runs).toHaveLength(2);
    expect(report.runs[0]!.plan?.checksum).toMatch(/^sha256:/);
    expect(report.runs[1]).not.toHaveProperty('plan');
    expect(report.targets.map(({ provider, outcome, verified }) => [provider, outcome, verified])).toEqual([
      ['gcore', 'removed', true],
      ['gcore', 'deleted', true],
      ['cloudflare', 'already-absent', true],
      ['gcore', 'blocked', false],
      ['nscale', 'failed', false],
      ['liveperson', 'deleted', true],
    ]);
    expect(report.notInConfig).toEqual([{ email: 'alice.smith@example.com', provider: 'gcore', accounts: ['300001'] }]);
  });

  it('escapes what a provider said, so it cannot break a table, format, link or rewrite the page', () => {
    const markdown = reportMarkdown(report);
    expectWellFormedMarkdown(markdown);
    expect(markdown).toContain(
      '500 Internal Server Error: \\`identity\\` backend \\| upstream timeout\\\\n\\\\u001b\\[31mretry later',
    );
    expect(markdown).toContain('\\<b\\>token\\</b\\> lacks \\[users:read\\](https\\://evil.example) \\*scope\\*');
    expect(markdown).toContain('## bob\\_jones@example.com');
    expect(markdown).not.toContain('\u001b');
  });

  it('lists where each person was searched and not found, and where they could not be searched', () => {
    const markdown = reportMarkdown(report);
    const alice = markdown.slice(markdown.indexOf('## alice'), markdown.indexOf('## bob'));
    expect(alice).toContain('Searched, not found:\n\n- gcore, account 200003\n- nscale, account 5b0c7a2e');
    expect(alice).toContain(
      'Could not be searched (the person may still have access there):\n\n- liveperson, account 12345678: 403',
    );
    expect(alice).toContain('- gcore: account 300001');
  });
});

// ---- helpers to write journals ------------------------------------------------------------------

const TOOL = { name: '@offboard/offboard', version: '0.1.0' };
const t = (second: number) => new Date(Date.UTC(2025, 2, 3, 9, 0, second)).toISOString();
const A: RunTarget = { provider: 'gcore', account: '200001', user: '1001', email: 'a@example.com' };
const B: RunTarget = { provider: 'cloudflare', account: 'c0ffee', user: 'u-b', email: 'a@example.com' };
const C: RunTarget = { provider: 'nscale', account: 'org-1', user: 'u-c', email: 'c@example.com' };
const D: RunTarget = { provider: 'liveperson', account: '12345678', user: '42' };
const key = (target: RunTarget) => `${target.provider}/${target.account}/${target.user}`;

const run = (at: number, targets: readonly RunTarget[], extra: object = {}) => ({
  at: t(at),
  event: 'run',
  operator: 'jdoe',
  ticket: 'SEC-1',
  tool: TOOL,
  verify: true,
  targets,
  ...extra,
});
const intent = (at: number, target: RunTarget, path: string, method = 'DELETE') => ({
  at: t(at),
  target: key(target),
  event: 'intent',
  method,
  path,
});
const step = (at: number, target: RunTarget, path: string, status: number | null, method = 'DELETE') => ({
  at: t(at),
  target: key(target),
  event: 'step',
  method,
  path,
  status,
  final: true,
});
const done = (at: number, target: RunTarget, outcome: Outcome, extra: object = {}) => ({
  at: t(at),
  target: key(target),
  event: 'done',
  outcome,
  ...extra,
});

const byUser = (report: Report, user: string) => report.targets.find((target) => target.user === user)!;

// ---- interrupted, resumed -----------------------------------------------------------------------

describe('an interrupted apply', () => {
  const interrupted = [
    run(0, [A, B, C, D]),
    intent(1, A, '/iam/users/1001'),
    step(2, A, '/iam/users/1001', 204),
    done(3, A, 'deleted', { verified: true, steps: [{ method: 'DELETE', path: '/iam/users/1001', status: 204 }] }),
    done(4, B, 'failed', { reason: '503 Service Unavailable', verified: false }),
    intent(5, C, '/api/v1/organizations/org-1/users/u-c'),
    intent(6, D, '/api/account/12345678/configuration/le-users/users/42'),
    step(7, D, '/api/account/12345678/configuration/le-users/users/42', 200),
  ];

  it('is incomplete: the target with an intent and no step, and the one with no outcome, are unfinished', () => {
    const report = buildReport(journal(interrupted));
    expectValid(JSON.parse(reportJson(report)));
    expect(report.complete).toBe(false);
    expect(report.counts).toEqual({ deleted: 1, failed: 1, unfinished: 2 });
    expect(byUser(report, 'u-c')).toEqual({
      ...C,
      outcome: 'unfinished',
      verified: false,
      reason:
        'the apply stopped (or is still running) before this target finished; 1 write sent, no answer recorded for 1',
      steps: [{ at: t(5), method: 'DELETE', path: '/api/v1/organizations/org-1/users/u-c', status: null }],
    });
    expect(byUser(report, '42')).toMatchObject({
      outcome: 'unfinished',
      reason: 'the apply stopped (or is still running) before this target finished; 1 write sent, its answer recorded',
      steps: [{ at: t(7), status: 200 }],
    });
    expect(byUser(report, '42')).not.toHaveProperty('at');
    // A done step without its own time takes the done line's.
    expect(byUser(report, '1001').steps).toEqual([
      { at: t(3), method: 'DELETE', path: '/iam/users/1001', status: 204 },
    ]);
  });

  it('says so first in the Markdown, names the unfinished targets, and shows the write without answer', () => {
    const markdown = reportMarkdown(buildReport(journal(interrupted)));
    expectWellFormedMarkdown(markdown);
    expect(markdown.startsWith('# Offboarding evidence\n\n**Incomplete**: 2 targets did not finish:\n\n')).toBe(true);
    expect(markdown).toContain('\n- nscale, account org-1, user u-c (c@example.com): the apply stopped');
    expect(markdown).toContain('\n- liveperson, account 12345678, user 42: the apply stopped');
    expect(markdown).toContain('- Complete: **no**, 2 targets did not finish');
    expect(markdown).toContain('| nscale | org-1 | u-c | unfinished | no | — |');
    expect(markdown).toContain(`| ${t(5)} | DELETE | /api/v1/organizations/org-1/users/u-c | no answer recorded | — |`);
  });

  it('is complete once a rerun finishes them (the finished target skipped, with no outcome in the rerun)', () => {
    const resumed = [
      ...interrupted,
      run(20, [A, B, C, D]),
      done(21, B, 'deleted', { verified: true, steps: [] }),
      intent(22, C, '/api/v1/organizations/org-1/users/u-c'),
      step(23, C, '/api/v1/organizations/org-1/users/u-c', 404),
      done(24, C, 'already-absent', { verified: true }),
      done(25, D, 'already-absent', { reason: 'delete confirmed in an earlier run' }),
    ];
    const report = buildReport(journal(resumed));
    expect(report.complete).toBe(true);
    expect(report.counts).toEqual({ deleted: 2, 'already-absent': 2 });
    expect(report.finished).toBe(t(25));
    expect(byUser(report, '1001')).toMatchObject({ outcome: 'deleted', at: t(3), verified: true });
    // Without steps in its done line, a target's steps are its lines since its previous outcome:
    // the first run's write without answer too.
    expect(byUser(report, 'u-c').steps).toEqual([
      { at: t(5), method: 'DELETE', path: '/api/v1/organizations/org-1/users/u-c', status: null },
      { at: t(23), method: 'DELETE', path: '/api/v1/organizations/org-1/users/u-c', status: 404 },
    ]);
    expect(reportMarkdown(report)).not.toContain('Incomplete');
  });

  it('counts a target unfinished when its latest run has no outcome for it, whatever an earlier run said', () => {
    const report = buildReport(journal([...interrupted.slice(0, 5), run(20, [B])]));
    expect(report.complete).toBe(false);
    expect(byUser(report, 'u-b')).toMatchObject({
      outcome: 'unfinished',
      verified: false,
      reason:
        'the apply stopped (or is still running) before this target finished; no write sent; an earlier run ended it failed',
      steps: [],
    });
    // C and D were listed by the first run only, and have no outcome after it either.
    expect(report.counts).toEqual({ deleted: 1, unfinished: 3 });
  });

  it('pairs each answer with one intent: a retried write whose second answer is missing shows both', () => {
    const path = '/iam/users/1001';
    const report = buildReport(journal([run(0, [A]), intent(1, A, path), step(2, A, path, 500), intent(3, A, path)]));
    expect(byUser(report, '1001').steps.map(({ at, status }) => [at, status])).toEqual([
      [t(2), 500],
      [t(3), null],
    ]);
    expect(byUser(report, '1001').reason).toContain('2 writes sent, no answer recorded for 1');
  });
});

describe('a target finished in one run and skipped in the next', () => {
  it('is settled: the later run has no outcome for it, and needs none', () => {
    const report = buildReport(
      journal([
        run(0, [A]),
        done(1, A, 'removed', { verified: true, steps: [] }),
        run(10, [A, C]),
        done(11, C, 'deleted', { verified: true, steps: [] }),
      ]),
    );
    expect(report.complete).toBe(true);
    expect(report.targets.map(({ user, outcome, at }) => [user, outcome, at])).toEqual([
      ['1001', 'removed', t(1)],
      ['u-c', 'deleted', t(11)],
    ]);
    expect(report.runs.map((entry) => entry.at)).toEqual([t(0), t(10)]);
  });

  it('is not settled by an earlier blocked or failed outcome', () => {
    const report = buildReport(journal([run(0, [A]), done(1, A, 'blocked', { reason: 'tokens' }), run(10, [A])]));
    expect(report.complete).toBe(false);
    expect(byUser(report, '1001').outcome).toBe('unfinished');
  });
});

describe('runs and discovery', () => {
  const search = (email: string, account: string, users: string[], error?: string) => ({
    email,
    provider: 'gcore',
    account,
    users,
    ...(error === undefined ? {} : { error }),
  });
  const discovery = (entries: object[], notInConfig: object[] = []) => ({
    discovery: { entries, notInConfig, warnings: [] },
  });

  it('keeps one search per person and account, the last run winning, in order of first appearance', () => {
    const report = buildReport(
      journal([
        run(0, [], discovery([search('a@x', '1', [], 'timeout'), search('a@x', '2', [])])),
        run(1, [], discovery([search('a@x', '1', [], 'timeout'), search('b@x', '3', [])])),
        run(2, [], discovery([search('a@x', '1', ['7'])], [{ email: 'a@x', provider: 'gcore', accounts: ['9'] }])),
      ]),
    );
    expect(report.discovery).toEqual([search('a@x', '1', ['7']), search('a@x', '2', []), search('b@x', '3', [])]);
    expect(report.notInConfig).toEqual([{ email: 'a@x', provider: 'gcore', accounts: ['9'] }]);
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('## b@x\n\nNo target for this person.\n\nSearched, not found:\n\n- gcore, account 3\n');
  });

  it('has no discovery without a search, and the first run names operator and ticket', () => {
    const report = buildReport(
      journal([
        run(0, [A], { operator: 'first', ticket: 'T-1' }),
        run(1, [A], { operator: 'second', ticket: 'T-2', verify: false }),
      ]),
    );
    expect(report).not.toHaveProperty('discovery');
    expect(report).not.toHaveProperty('notInConfig');
    expect([report.operator, report.ticket]).toEqual(['first', 'T-1']);
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('- Verification: on in some runs, off in others (see the runs)');
    expect(markdown).toContain(`  - ${t(1)}: by second, ticket T-2, @offboard/offboard 0.1.0, verification off`);
  });

  it('orders the targets of the runs first, then those only other lines name', () => {
    const report = buildReport(journal([done(0, D, 'deleted'), run(1, [A, B]), run(2, [C, A]), done(3, A, 'deleted')]));
    expect(report.targets.map((target) => target.user)).toEqual(['1001', 'u-b', 'u-c', '42']);
  });
});

// ---- determinism --------------------------------------------------------------------------------

describe('determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const entries = () => journal(readFileSync(fixture('evidence.jsonl'), 'utf8'));
  const render = (input: readonly JournalEntry[]) => {
    const report = buildReport(input);
    return reportJson(report) + reportMarkdown(report);
  };

  it('gives the same bytes for the same journal, whatever the clock says', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2001-01-01T00:00:00Z'));
    const first = render(entries());
    vi.setSystemTime(new Date('2099-12-31T23:59:59Z'));
    const second = render(structuredClone(entries()));
    expect(second).toBe(first);
    vi.setSystemTime(new Date('2001-01-01T00:00:00Z'));
    const empty = render([]);
    vi.setSystemTime(new Date('2099-12-31T23:59:59Z'));
    expect(render([])).toBe(empty);
    expect(first).not.toContain('2001-01-01');
    expect(first).not.toContain('2099-12-31');
  });

  it('never reads the clock', () => {
    const now = vi.spyOn(Date, 'now');
    render(entries());
    expect(now).not.toHaveBeenCalled();
    now.mockRestore();
  });

  it('does not change the entries it reads', () => {
    const input = entries();
    const copy = structuredClone(input);
    render(input);
    expect(input).toEqual(copy);
  });
});

// ---- the schema ---------------------------------------------------------------------------------

describe('the report schema', () => {
  const report = JSON.parse(reportJson(buildReport(journal(readFileSync(fixture('evidence.jsonl'), 'utf8')))));

  it.each([
    ['an extra top-level field', (value: Record<string, unknown>) => Object.assign(value, { extra: 1 })],
    [
      'an extra target field',
      (value: Record<string, unknown>) => Object.assign((value.targets as object[])[0]!, { x: 1 }),
    ],
    [
      'an extra step field',
      (value: Record<string, unknown>) =>
        Object.assign((value.targets as { steps: object[] }[])[0]!.steps[0]!, { x: 1 }),
    ],
    [
      'an unknown outcome',
      (value: Record<string, unknown>) => Object.assign((value.targets as object[])[0]!, { outcome: 'planned' }),
    ],
    ['an unknown count', (value: Record<string, unknown>) => Object.assign(value.counts as object, { planned: 1 })],
    ['a zero count', (value: Record<string, unknown>) => Object.assign(value.counts as object, { unfinished: 0 })],
    ['another format', (value: Record<string, unknown>) => Object.assign(value, { format: 'offboard-report/2' })],
    ['a time that is not one', (value: Record<string, unknown>) => Object.assign(value, { started: 'yesterday' })],
    ['a missing ticket', (value: Record<string, unknown>) => delete value.ticket],
    [
      'a status beyond HTTP',
      (value: Record<string, unknown>) =>
        Object.assign((value.targets as { steps: object[] }[])[0]!.steps[0]!, { status: 600 }),
    ],
  ])('refuses %s', (_name, spoil) => {
    const spoilt = structuredClone(report);
    spoil(spoilt);
    expect(validate(spoilt)).toBe(false);
    expect(validate(report)).toBe(true);
  });

  it('has a title and a description on every property and definition', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      for (const group of ['properties', '$defs'])
        for (const [name, child] of Object.entries((record[group] as Record<string, object>) ?? {})) {
          const item = child as Record<string, unknown>;
          if (typeof item.title !== 'string' || typeof item.description !== 'string') missing.push(`${where}/${name}`);
        }
      for (const child of Object.values(record)) walk(child, where);
    };
    walk(schema, '#');
    expect(missing).toEqual([]);
    expect(schema.$id).toMatch(/\/packages\/offboard\/schema\/offboard-report\.schema\.json$/);
  });
});

// ---- empty and old journals ---------------------------------------------------------------------

describe('an empty journal', () => {
  it('is a report of nothing, saying so', () => {
    const report = buildReport([]);
    expect(report).toEqual({
      format: REPORT_FORMAT,
      operator: 'unknown',
      ticket: null,
      started: null,
      finished: null,
      complete: true,
      runs: [],
      counts: {},
      targets: [],
    });
    expectValid(JSON.parse(reportJson(report)));
    const markdown = reportMarkdown(report);
    expectWellFormedMarkdown(markdown);
    expect(markdown).toContain('- Result: no targets');
    expect(markdown).toContain('The journal holds no target.');
  });
});

describe('a journal from before run lines', () => {
  const old = [
    intent(0, A, '/iam/users/1001'),
    step(1, A, '/iam/users/1001', 204),
    done(2, A, 'deleted'),
    // An account id with a slash: the user is after the last one, the provider before the first.
    { at: t(3), target: 'gcore/a/b/7', event: 'done', outcome: 'already-absent' },
    intent(4, C, '/api/v1/organizations/org-1/users/u-c'),
  ];

  it('reads targets from their keys, steps from their lines, and is incomplete while an intent has no outcome', () => {
    const report = buildReport(journal(old));
    expectValid(JSON.parse(reportJson(report)));
    expect(report).toMatchObject({ operator: 'unknown', ticket: null, started: t(0), finished: t(3), complete: false });
    expect(report.targets.map(({ provider, account, user, outcome }) => [provider, account, user, outcome])).toEqual([
      ['gcore', '200001', '1001', 'deleted'],
      ['gcore', 'a/b', '7', 'already-absent'],
      ['nscale', 'org-1', 'u-c', 'unfinished'],
    ]);
    expect(report.targets[0]).toEqual({
      provider: 'gcore',
      account: '200001',
      user: '1001',
      outcome: 'deleted',
      verified: false,
      at: t(2),
      steps: [{ at: t(1), method: 'DELETE', path: '/iam/users/1001', status: 204 }],
    });
    const markdown = reportMarkdown(report);
    expectWellFormedMarkdown(markdown);
    expect(markdown).toContain('- Operator: unknown (the journal has no run line)');
    expect(markdown).toContain('- Tool: not recorded (the journal has no run line)');
    expect(markdown).toContain('## Targets named by id');
  });

  it('is complete when every intent has a later outcome', () => {
    const report = buildReport(journal([...old, done(5, C, 'failed', { reason: 'timeout' })]));
    expect(report.complete).toBe(true);
    expect(byUser(report, 'u-c').steps).toEqual([
      { at: t(4), method: 'DELETE', path: '/api/v1/organizations/org-1/users/u-c', status: null },
    ]);
  });
});

// ---- any journal --------------------------------------------------------------------------------

describe('any journal', () => {
  // Text as hostile as a provider's message can be: table and Markdown syntax, line breaks,
  // control and bidi characters, any unicode, list markers and indentation at the start.
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc
      .array(
        fc.constantFrom(
          '|',
          '\\',
          '\\|',
          '\n',
          '\r\n',
          '\t',
          '\u001b[31m',
          '\u0085',
          '\u2028',
          '\u202e',
          '`',
          '*',
          '_',
          '<b>',
          '[x](https://e.example)',
          'www.e.example',
          '- ',
          '1. ',
          '    ',
          '#',
          '&amp;',
          '$x$',
          ' ',
          '\u00a0',
          'é',
          '👩‍💻',
          'a',
        ),
        { maxLength: 8 },
      )
      .map((parts) => parts.join('')),
  );
  const time = fc
    .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
    .map((ms) => new Date(ms).toISOString());
  const target = fc.record(
    { provider: hostile, account: hostile, user: hostile, email: fc.oneof(hostile, fc.constant('p@example.com')) },
    { requiredKeys: ['provider', 'account', 'user'] },
  );
  const status = fc.option(fc.integer({ min: 100, max: 599 }), { nil: null });
  const outcome = fc.constantFrom<Outcome>('deleted', 'removed', 'already-absent', 'blocked', 'failed');
  const stepOf = fc.record(
    { method: hostile, path: hostile, status, at: time, requestId: hostile },
    { requiredKeys: ['method', 'path', 'status'] },
  );
  const search = fc.record(
    { email: hostile, provider: hostile, account: hostile, users: fc.array(hostile, { maxLength: 2 }), error: hostile },
    { requiredKeys: ['email', 'provider', 'account', 'users'] },
  );
  const elsewhere = fc.record({ email: hostile, provider: hostile, accounts: fc.array(hostile, { maxLength: 2 }) });
  const event = fc.oneof(
    fc.record({
      event: fc.constant('run' as const),
      targets: fc.array(fc.nat(), { maxLength: 4 }),
      operator: hostile,
      ticket: fc.option(hostile, { nil: undefined }),
      verify: fc.boolean(),
      plan: fc.option(fc.record({ checksum: hostile, created: hostile }), { nil: undefined }),
      discovery: fc.option(
        fc.record({
          entries: fc.array(search, { maxLength: 3 }),
          notInConfig: fc.array(elsewhere, { maxLength: 2 }),
          warnings: fc.array(hostile, { maxLength: 1 }),
        }),
        { nil: undefined },
      ),
    }),
    fc.record({ event: fc.constant('intent' as const), target: fc.nat(), method: hostile, path: hostile }),
    fc.record({
      event: fc.constant('step' as const),
      target: fc.nat(),
      method: hostile,
      path: hostile,
      status,
      requestId: fc.option(hostile, { nil: undefined }),
    }),
    fc.record({
      event: fc.constant('done' as const),
      target: fc.nat(),
      outcome,
      reason: fc.option(hostile, { nil: undefined }),
      verified: fc.option(fc.boolean(), { nil: undefined }),
      steps: fc.option(fc.array(stepOf, { maxLength: 3 }), { nil: undefined }),
    }),
  );
  const journals = fc
    .tuple(fc.array(target, { minLength: 1, maxLength: 5 }), fc.array(fc.tuple(time, event), { maxLength: 20 }))
    .map(([targets, events]) => {
      const pick = (index: number) => targets[index % targets.length]!;
      const lines = events.map(([at, entry]): object => {
        if (entry.event === 'run') {
          const { targets: picked, ticket, plan, discovery, ...rest } = entry;
          return {
            at,
            ...rest,
            tool: TOOL,
            targets: picked.map(pick),
            ...(ticket === undefined ? {} : { ticket }),
            ...(plan === undefined ? {} : { plan }),
            ...(discovery === undefined ? {} : { discovery }),
          };
        }
        const { target: index, ...rest } = entry;
        const clean = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
        return { at, target: key(pick(index)), ...clean, ...(entry.event === 'step' ? { final: true } : {}) };
      });
      // Through the parser, as a report reads a journal.
      return journal(lines);
    });

  it('gives a report valid against the schema, and Markdown no text can break', () => {
    fc.assert(
      fc.property(journals, (entries) => {
        const report = buildReport(entries);
        expectValid(JSON.parse(reportJson(report)));
        expect(report.complete).toBe(report.targets.every((entry) => entry.outcome !== 'unfinished'));
        expect(Object.values(report.counts).reduce((sum, count) => sum + count, 0)).toBe(report.targets.length);
        const markdown = reportMarkdown(report);
        expectWellFormedMarkdown(markdown);
        expect(reportMarkdown(buildReport(entries))).toBe(markdown);
      }),
      { numRuns: 300 },
    );
  });
});
