// The fault matrix: every step kind of every provider policy (taken from the policies' own traces
// against a healthy fake) × every class of answer a provider or the network can give. Each cell
// runs `offboard apply` through the CLI's main() with a journal, checks what it reported against
// the fake's state and request log, then reruns against the healthy fake with the same journal.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Target } from '../src/types.js';
import {
  emptyState,
  type FakeProviders,
  type FakeState,
  type Fault,
  fakeEnv,
  type RecordedRequest,
  SECRETS,
  startFakeProviders,
} from './fake-providers.js';
import { runCli } from './harness.js';

// The CLI takes no client timeout or retry delays: every client of a cell gets short ones
// (through CliIO.options), so a timeout cell costs 3 × 300 ms instead of 3 × 60 s.
const FAST = { timeout: 300, initialRetryDelayMs: 1, maxRetryDelayMs: 5 };
const FAST_CLIENTS = { gcore: FAST, cloudflare: FAST, nscale: FAST, liveperson: FAST };

// ---------------------------------------------------------------------------------------------
// Scenarios: together they make every policy take every kind of step it has.

export interface Scenario {
  readonly name: string;
  readonly target: Target;
  readonly flags: readonly string[];
  readonly setup: (state: FakeState) => void;
  /** How a healthy run ends. */
  readonly done: 'deleted' | 'removed';
  /** The user is not in the target account any more: what `removed` and `already-absent` claim. */
  readonly gone: (state: FakeState) => boolean;
  /** The user no longer exists at the provider: what `deleted` claims. */
  readonly deleted: (state: FakeState) => boolean;
  /** Placeholder names for the ids in its paths (row names only). */
  readonly names: Readonly<Record<string, string>>;
}

const CLOUDFLARE = { account: '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b', user: '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b' };
const NSCALE = { account: '79f64482-1271-44b8-a1d4-d83e418eddf2', user: 'cef8afbf-976c-4b28-ab01-216c3aed0b7a' };
const LIVEPERSON = { account: '12345678', user: '42' };

const gcoreGone = (state: FakeState) => !state.gcore.users.get(7)?.has(100);
const gcoreDeleted = (state: FakeState) => !state.gcore.users.has(7);
const gcoreNames = { '100': '{clientId}', '200': '{otherClientId}', '7': '{userId}', '41': '{tokenId}' };

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'gcore: only account, one token, --revoke-tokens',
    target: { provider: 'gcore', account: '100', user: '7' },
    flags: ['--revoke-tokens'],
    setup: (state) => {
      state.gcore.users.set(7, new Set([100]));
      // Another user's token in the same account: never to be touched.
      state.gcore.tokens.push({ id: 41, account: 100, issuer: 7 }, { id: 50, account: 100, issuer: 8 });
      state.gcore.users.set(8, new Set([100]));
    },
    done: 'deleted',
    gone: gcoreGone,
    deleted: gcoreDeleted,
    names: gcoreNames,
  },
  {
    name: 'gcore: two accounts',
    target: { provider: 'gcore', account: '100', user: '7' },
    flags: [],
    setup: (state) => state.gcore.users.set(7, new Set([100, 200])),
    done: 'removed',
    gone: gcoreGone,
    deleted: gcoreDeleted,
    names: gcoreNames,
  },
  {
    name: 'gcore: two accounts, --all-accounts',
    target: { provider: 'gcore', account: '100', user: '7' },
    flags: ['--all-accounts'],
    setup: (state) => state.gcore.users.set(7, new Set([100, 200])),
    done: 'deleted',
    gone: gcoreGone,
    deleted: gcoreDeleted,
    names: gcoreNames,
  },
  {
    name: 'cloudflare',
    target: { provider: 'cloudflare', ...CLOUDFLARE },
    flags: [],
    setup: (state) => state.cloudflare.add(`${CLOUDFLARE.account}/${CLOUDFLARE.user}`),
    done: 'deleted',
    gone: (state) => !state.cloudflare.has(`${CLOUDFLARE.account}/${CLOUDFLARE.user}`),
    deleted: (state) => !state.cloudflare.has(`${CLOUDFLARE.account}/${CLOUDFLARE.user}`),
    names: { [CLOUDFLARE.account]: '{accountId}', [CLOUDFLARE.user]: '{userId}' },
  },
  {
    name: 'nscale',
    target: { provider: 'nscale', ...NSCALE },
    flags: [],
    setup: (state) => state.nscale.add(`${NSCALE.account}/${NSCALE.user}`),
    done: 'deleted',
    gone: (state) => !state.nscale.has(`${NSCALE.account}/${NSCALE.user}`),
    deleted: (state) => !state.nscale.has(`${NSCALE.account}/${NSCALE.user}`),
    names: { [NSCALE.account]: '{organizationId}', [NSCALE.user]: '{userId}' },
  },
  {
    name: 'liveperson',
    target: { provider: 'liveperson', ...LIVEPERSON },
    flags: [],
    setup: (state) => state.liveperson.users.add(`${LIVEPERSON.account}/${LIVEPERSON.user}`),
    done: 'deleted',
    gone: (state) => !state.liveperson.users.has(`${LIVEPERSON.account}/${LIVEPERSON.user}`),
    deleted: (state) => !state.liveperson.users.has(`${LIVEPERSON.account}/${LIVEPERSON.user}`),
    names: { [LIVEPERSON.account]: '{accountId}', [LIVEPERSON.user]: '{userId}' },
  },
];

// ---------------------------------------------------------------------------------------------
// Answer classes: the columns.

export interface AnswerClass {
  readonly name: string;
  readonly fault: Omit<Fault, 'method' | 'path' | 'times'>;
  /** The fake does the request's real work (a delete happens). */
  readonly performs: boolean;
  /** The client is sent a 2xx status line (whatever becomes of the body). */
  readonly twoHundred: boolean;
  /** A whole, well-formed 2xx: a write answered so succeeded, plainly. */
  readonly clean: boolean;
}

const cls = (
  name: string,
  fault: AnswerClass['fault'],
  flags: Partial<Omit<AnswerClass, 'name' | 'fault'>> = {},
): AnswerClass => ({
  name,
  fault,
  performs: false,
  twoHundred: false,
  clean: false,
  ...flags,
});

export const ANSWER_CLASSES: readonly AnswerClass[] = [
  cls('200', { status: 200, action: 'perform' }, { performs: true, twoHundred: true, clean: true }),
  cls('202', { status: 202, action: 'perform' }, { performs: true, twoHundred: true, clean: true }),
  cls('204', { status: 204, action: 'perform' }, { performs: true, twoHundred: true, clean: true }),
  // undici never surfaces a 1xx: an interim 102 then silence is a timeout, a lone final-looking
  // 1xx head then a closed socket is "other side closed". Nothing is performed either way.
  cls('102 Processing then silence', { status: 102, action: 'processing' }),
  cls('raw 1xx status line then close', {
    status: 199,
    action: 'raw',
    raw: 'HTTP/1.1 199 Final-Looking\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n',
  }),
  cls('301 without Location', { status: 301 }),
  cls('302 without Location', { status: 302 }),
  cls('304', { status: 304 }),
  cls('400', { status: 400 }),
  cls('401', { status: 401 }),
  cls('403', { status: 403 }),
  // A truthful 404: the resource the path names is really gone (someone else deleted it).
  cls('404 (resource gone)', { status: 404, action: 'vanish' }),
  cls('409', { status: 409 }),
  cls('412', { status: 412 }),
  cls('429 Retry-After: 1', { status: 429, headers: { 'retry-after': '1' } }),
  cls('429 without Retry-After', { status: 429 }),
  cls('500', { status: 500 }),
  cls('503', { status: 503 }),
  cls('reset before the status line', { status: 0, action: 'reset' }),
  cls(
    'reset after the status line (performed)',
    { status: 0, action: 'perform-reset' },
    { performs: true, twoHundred: true },
  ),
  cls(
    'unreadable 2xx body (performed)',
    { status: 200, action: 'perform-unreadable' },
    { performs: true, twoHundred: true },
  ),
  cls('timeout (no answer)', { status: 0, action: 'hang' }),
];

// ---------------------------------------------------------------------------------------------
// Rows: the steps of the scenarios' healthy traces, one per step kind.

export type StepKind = 'read' | 'intermediate' | 'final';

export interface Row {
  readonly name: string;
  readonly scenario: Scenario;
  readonly method: string;
  /** The concrete pathname the fault matches (this scenario's ids). */
  readonly path: string;
  readonly kind: StepKind;
  /** What makes two steps the same kind: provider, method, path with ids blanked, kind. */
  readonly key: string;
  /** The scenario's final write, from its trace. */
  readonly final: { readonly method: string; readonly path: string };
}

/** Segments followed by an id in the providers' paths. */
const ID_AFTER = /\/(clients|client-users|users|tokens|accounts|account|organizations)\/([^/]+)/g;

export const genericPath = (pathname: string) => pathname.replace(ID_AFTER, '/$1/{}');
const displayPath = (pathname: string, names: Readonly<Record<string, string>>) =>
  pathname
    .split('/')
    .map((segment) => names[segment] ?? segment)
    .join('/');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const pathRegExp = (pathname: string) => new RegExp(`^${escapeRegExp(pathname)}$`);

export interface Trace {
  readonly scenario: Scenario;
  readonly code: number;
  readonly outcome: string | undefined;
  readonly steps: readonly { readonly method: string; readonly path: string; readonly kind: StepKind }[];
}

/** Runs a scenario once against the healthy fake and classifies each request it made. */
export async function traceScenario(fake: FakeProviders, scenario: Scenario): Promise<Trace> {
  fake.reset();
  scenario.setup(fake.state);
  const run = await runApply(fake, scenario);
  try {
    const journaled = run.journal.filter((entry): entry is JournalStep => entry.event === 'step');
    const seen = new Set<string>();
    const requests: { method: string; path: string }[] = [];
    for (const request of fake.requests) {
      const pathname = pathnameOf(request);
      if (seen.has(`${request.method} ${pathname}`)) continue;
      seen.add(`${request.method} ${pathname}`);
      requests.push({ method: request.method, path: pathname });
    }
    const anyFinalFlag = journaled.some((entry) => entry.final === true);
    const lastDelete = requests.filter((request) => request.method === 'DELETE').at(-1);
    const steps = requests.map(({ method, path: pathname }) => {
      const entry = journaled.find((candidate) => candidate.method === method && candidate.path === pathname);
      let kind: StepKind;
      if (!entry) {
        if (method !== 'GET')
          throw new Error(`${scenario.name}: ${method} ${pathname} was sent but not journaled as a write`);
        kind = 'read';
      } else if (anyFinalFlag) {
        kind = entry.final ? 'final' : 'intermediate';
      } else {
        kind = lastDelete && lastDelete.method === method && lastDelete.path === pathname ? 'final' : 'intermediate';
      }
      return { method, path: pathname, kind };
    });
    return { scenario, code: run.code, outcome: run.outcome, steps };
  } finally {
    await run.cleanup();
  }
}

/** One row per step kind, in trace order; a kind two scenarios share is kept once (the first). */
export function rowsFrom(traces: readonly Trace[]): Row[] {
  const rows: Row[] = [];
  const keys = new Set<string>();
  for (const { scenario, steps } of traces) {
    const final = steps.find((step) => step.kind === 'final');
    if (!final) throw new Error(`${scenario.name}: the trace has no final write`);
    for (const step of steps) {
      const key = `${scenario.target.provider} ${step.kind} ${step.method} ${genericPath(step.path)}`;
      if (keys.has(key)) continue;
      keys.add(key);
      rows.push({
        name: `${scenario.target.provider} ${step.kind} ${step.method} ${displayPath(step.path, scenario.names)}`,
        scenario,
        method: step.method,
        path: step.path,
        kind: step.kind,
        key,
        final: { method: final.method, path: final.path },
      });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Running the CLI.

export type JournalStep = {
  event: 'step';
  target: string;
  method: string;
  path: string;
  status: number | null;
  final?: boolean;
};
type JournalLine = JournalStep | { event: string; [key: string]: unknown };

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The first result's outcome, from the --json document (undefined if there is none). */
  readonly outcome: string | undefined;
  /** Whether reads after it showed the target gone. */
  readonly verified: boolean | undefined;
  readonly journal: readonly JournalLine[];
  readonly journalText: string;
  /** The fake's requests made during this run. */
  readonly requests: readonly RecordedRequest[];
}

export interface ApplyRun extends CliRun {
  readonly dir: string;
  readonly args: readonly string[];
  /** Runs the same command again (same journal and batch). */
  again(): Promise<CliRun>;
  cleanup(): Promise<void>;
}

export const pathnameOf = (request: { readonly path: string }) => request.path.split('?')[0]!;

async function readJournal(file: string): Promise<{ text: string; entries: JournalLine[] }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const entries = text
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as JournalLine];
      } catch {
        return [];
      }
    });
  return { text, entries };
}

async function runOffboard(fake: FakeProviders, args: readonly string[], journal: string): Promise<CliRun> {
  const before = fake.requests.length;
  const { code, stdout, stderr } = await runCli(args, fakeEnv(fake.url), { clients: FAST_CLIENTS });
  let outcome: string | undefined;
  let verified: boolean | undefined;
  try {
    const [result] = (JSON.parse(stdout) as { results: { outcome: string; verified?: boolean }[] }).results;
    outcome = result?.outcome;
    verified = result?.verified;
  } catch {
    outcome = undefined;
  }
  const { text, entries } = await readJournal(journal);
  return {
    code,
    stdout,
    stderr,
    outcome,
    verified,
    journal: entries,
    journalText: text,
    requests: fake.requests.slice(before),
  };
}

/** `offboard apply --batch <one target> --journal <file> --json [flags]`, in a temp dir. */
export async function runApply(fake: FakeProviders, scenario: Scenario): Promise<ApplyRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'offboard-fault-matrix-'));
  const batch = path.join(dir, 'batch.csv');
  const journal = path.join(dir, 'journal.jsonl');
  const { provider, account, user } = scenario.target;
  await writeFile(batch, `provider,account,user\n${provider},${account},${user}\n`);
  const args = ['apply', '--batch', batch, '--journal', journal, '--json', ...scenario.flags];
  const first = await runOffboard(fake, args, journal);
  return {
    ...first,
    dir,
    args,
    again: () => runOffboard(fake, args, journal),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------------
// A few fakes shared by the file: a cell borrows one, resets it, and gives it back.

export class FakePool {
  readonly #idle: FakeProviders[] = [];
  readonly #all: FakeProviders[] = [];
  readonly #waiting: ((fake: FakeProviders) => void)[] = [];

  static async start(size: number): Promise<FakePool> {
    const pool = new FakePool();
    for (let index = 0; index < size; index++) {
      const fake = await startFakeProviders(emptyState());
      pool.#all.push(fake);
      pool.#idle.push(fake);
    }
    return pool;
  }

  async acquire(): Promise<FakeProviders> {
    const fake = this.#idle.pop();
    if (fake) return fake;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(fake: FakeProviders): void {
    fake.reset();
    const next = this.#waiting.shift();
    if (next) next(fake);
    else this.#idle.push(fake);
  }

  async close(): Promise<void> {
    await Promise.all(this.#all.map((fake) => fake.close()));
  }
}

// ---------------------------------------------------------------------------------------------
// One cell: the faulty run, its checks, the healthy rerun, its checks.

const FINISHED = new Set(['deleted', 'removed', 'already-absent']);
const is2xx = (status: number | null) => status !== null && status >= 200 && status < 300;
const confirms = (status: number | null) => is2xx(status) || status === 404;
const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD';

export interface CellReport {
  readonly problems: string[];
  readonly first: { code: number; outcome: string | undefined; stderr: string };
  readonly rerun: { code: number; outcome: string | undefined; stderr: string } | undefined;
}

/** What an outcome claims, checked against the fake: a list of the claims it cannot back. */
function untruthful(run: CliRun, scenario: Scenario, state: FakeState, final: Row['final'], when: string): string[] {
  const problems: string[] = [];
  const { outcome } = run;
  if (outcome === 'deleted' || outcome === 'removed') {
    if (outcome !== scenario.done)
      problems.push(`${when}: reported ${outcome}, but this target can only end ${scenario.done}`);
    const answered = run.requests.filter(
      (request) => request.method === final.method && pathnameOf(request) === final.path,
    );
    if (!answered.some((request) => request.performed && is2xx(request.status))) {
      problems.push(
        `${when}: reported ${outcome}, but the fake never performed ${final.method} ${final.path} and answered it 2xx ` +
          `(answers: ${answered.map((request) => `${request.status ?? 'none'}${request.performed ? '' : ' not performed'}`).join(', ') || 'not sent'})`,
      );
    }
    if (outcome === 'deleted' && !scenario.deleted(state))
      problems.push(`${when}: reported deleted, but the user still exists at the fake`);
    if (outcome === 'removed' && !scenario.gone(state))
      problems.push(`${when}: reported removed, but the user is still in the account at the fake`);
  }
  if (outcome === 'already-absent' && !scenario.gone(state))
    problems.push(`${when}: reported already-absent, but the user is still in the account at the fake`);
  if (run.verified === true && !scenario.gone(state))
    problems.push(`${when}: reported verified, but the user is still in the account at the fake`);
  if (run.verified === true && !FINISHED.has(outcome ?? ''))
    problems.push(`${when}: reported verified with outcome ${outcome}`);
  return problems;
}

function exitCodeProblems(run: CliRun, when: string): string[] {
  if (run.outcome === undefined)
    return [
      `${when}: no --json result on stdout (exit ${run.code}; stderr ${JSON.stringify(run.stderr.slice(0, 300))})`,
    ];
  // Success is a finished outcome that reads after it showed: anything less exits 1.
  const expected = FINISHED.has(run.outcome) && run.verified === true ? 0 : 1;
  return run.code === expected
    ? []
    : [`${when}: exit code ${run.code} with outcome ${run.outcome}, verified ${run.verified} (expected ${expected})`];
}

/**
 * The journal records what arrived: each write step's status is one the fake sent for that
 * request during the run, and null (no answer) only when some attempt got no status line.
 */
function journalProblems(
  entries: readonly JournalLine[],
  requests: readonly RecordedRequest[],
  when: string,
): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    if (entry.event !== 'step' || !isWrite(String(entry.method))) continue;
    const step = entry as JournalStep;
    const sent = requests
      .filter((request) => request.method === step.method && pathnameOf(request) === step.path)
      .map((request) => request.status);
    if (!sent.includes(step.status)) {
      problems.push(
        `${when}: the journal recorded ${step.method} ${step.path} as ${step.status === null ? 'unanswered (null)' : step.status}, ` +
          `but the fake answered it ${sent.map((status) => (status === null ? 'with no status line' : String(status))).join(', ') || '(not sent)'}`,
      );
    }
  }
  return problems;
}

function secretProblems(run: CliRun, when: string): string[] {
  const problems: string[] = [];
  for (const secret of SECRETS) {
    for (const [where, text] of [
      ['stdout', run.stdout],
      ['stderr', run.stderr],
      ['the journal', run.journalText],
    ] as const) {
      if (text.includes(secret)) problems.push(`${when}: a credential appears in ${where}`);
    }
  }
  return problems;
}

export async function runCell(pool: FakePool, row: Row, answer: AnswerClass): Promise<CellReport> {
  const fake = await pool.acquire();
  const { scenario } = row;
  let run: ApplyRun | undefined;
  try {
    fake.reset();
    scenario.setup(fake.state);
    fake.faults.push({
      method: row.method,
      path: pathRegExp(row.path),
      ...answer.fault,
      times: Number.POSITIVE_INFINITY,
    });
    run = await runApply(fake, scenario);
    fake.faults.length = 0; // healthy again
    const problems: string[] = [];
    const faulted = run.requests.filter((request) => request.method === row.method && pathnameOf(request) === row.path);

    // The fault really was hit (else the cell tests nothing).
    if (faulted.length === 0) problems.push(`the faulty run never sent ${row.method} ${row.path}`);

    // (a) truthful, (b) exit code, (d) credentials.
    problems.push(...untruthful(run, scenario, fake.state, row.final, 'faulty run'));
    if (row.kind === 'final' && !answer.twoHundred && (run.outcome === 'deleted' || run.outcome === 'removed')) {
      problems.push(
        `faulty run: the final ${row.method} was answered ${answer.name}, never a 2xx, yet reported ${run.outcome}`,
      );
    }
    // What the README documents for a write: a plain 2xx is success, and so is a 404 (already
    // gone) on a delete whose target may already be gone; on the final delete it is already-absent.
    if (row.kind !== 'read' && answer.clean && run.outcome !== scenario.done) {
      problems.push(
        `faulty run: a ${row.kind} ${row.method} answered ${answer.name} (performed) should end ${scenario.done}, got ${run.outcome}`,
      );
    }
    if (row.kind === 'intermediate' && answer.fault.action === 'vanish' && run.outcome !== scenario.done) {
      problems.push(
        `faulty run: an intermediate ${row.method} answered 404 (already gone) should end ${scenario.done}, got ${run.outcome}`,
      );
    }
    if (row.kind === 'final' && answer.fault.action === 'vanish' && run.outcome !== 'already-absent') {
      problems.push(
        `faulty run: the final ${row.method} answered 404 (already gone) should end already-absent, got ${run.outcome}`,
      );
    }
    problems.push(...exitCodeProblems(run, 'faulty run'));
    problems.push(...journalProblems(run.journal, run.requests, 'faulty run'));
    problems.push(...secretProblems(run, 'faulty run'));

    // What the journal holds as confirmed, and what the fake did confirm, before the rerun.
    const confirmedInJournal = run.journal.filter(
      (entry): entry is JournalStep =>
        entry.event === 'step' && isWrite(String(entry.method)) && confirms((entry as JournalStep).status),
    );
    const confirmedByFake = run.requests.filter(
      (request) =>
        isWrite(request.method) && (request.performed || request.fault === 'vanish') && confirms(request.status),
    );

    // (c) the rerun against the healthy fake.
    const rerun = await run.again();
    for (const step of confirmedInJournal) {
      const resent = rerun.requests.filter(
        (request) => request.method === step.method && pathnameOf(request) === step.path,
      ).length;
      if (resent > 0)
        problems.push(
          `rerun: ${step.method} ${step.path} was journaled as confirmed (${step.status}) but sent again ${resent}×`,
        );
    }
    // The README's promise: a delete the provider confirmed (its 2xx or 404 status line arrived) is never resent.
    for (const request of confirmedByFake) {
      const pathname = pathnameOf(request);
      if (confirmedInJournal.some((step) => step.method === request.method && step.path === pathname)) continue;
      const resent = rerun.requests.filter(
        (candidate) => candidate.method === request.method && pathnameOf(candidate) === pathname,
      ).length;
      if (resent > 0) {
        const journaled = run.journal.filter(
          (entry): entry is JournalStep =>
            entry.event === 'step' && entry.method === request.method && entry.path === pathname,
        );
        problems.push(
          `rerun: ${request.method} ${pathname} was performed and answered ${request.status} in the faulty run ` +
            `(journaled as ${journaled.map((entry) => String(entry.status)).join(', ') || 'nothing'}) but sent again ${resent}×`,
        );
      }
    }
    problems.push(...untruthful(rerun, scenario, fake.state, row.final, 'rerun'));
    if (rerun.code !== 0 || !FINISHED.has(rerun.outcome ?? '')) {
      problems.push(
        `rerun: expected exit 0 and a finished target, got exit ${rerun.code} and ${rerun.outcome} (stderr ${JSON.stringify(rerun.stderr.slice(0, 300))})`,
      );
    }
    if (!scenario.gone(fake.state)) problems.push('rerun: the user is still in the account at the fake');
    problems.push(...exitCodeProblems(rerun, 'rerun'));
    problems.push(...journalProblems(rerun.journal.slice(run.journal.length), rerun.requests, 'rerun'));
    problems.push(...secretProblems(rerun, 'rerun'));

    return {
      problems,
      first: { code: run.code, outcome: run.outcome, stderr: run.stderr },
      rerun: { code: rerun.code, outcome: rerun.outcome, stderr: rerun.stderr },
    };
  } finally {
    fake.faults.length = 0;
    await run?.cleanup();
    pool.release(fake);
  }
}
