// The evidence report an auditor attaches to the HR or security ticket of a leaver (SOC 2 CC6.2 and
// CC6.3, ISO/IEC 27001:2022 A.5.18): per person and account, that access was removed, when, by whom,
// under which ticket, and whether reads afterwards showed it gone; with every request behind it.
// It is built from the journal alone (see journal.ts), as JSON (schema/offboard-report.schema.json)
// or as Markdown for a ticket (plain GFM, as GitHub and Jira render it).
//
// - Deterministic: the same journal gives the same bytes. Nothing reads the clock or the
//   environment; everything is ordered by where it first appears in the journal.
// - Truthful: it shows only what the journal holds. A target whose last run has no outcome for it
//   is `unfinished` (never the outcome of an earlier run), and a write whose answer was never
//   journaled is a step with no status: it may or may not have reached the provider.
// - Safe to paste: every text from the journal (ids, paths, providers' messages) reaches the
//   Markdown with control characters escaped (format.ts `printable`) and Markdown's own syntax
//   escaped, so a provider's message cannot break a table, add a link or format the page.
import type { DiscoveryEntry, Unconfigured } from './discover.js';
import { printable } from './format.js';
import type { JournalEntry, RunDiscovery } from './journal.js';
import { FINISHED, type Outcome, targetKey } from './types.js';

export const REPORT_FORMAT = 'offboard-report/1';

/** A target's final outcome; `unfinished` when the journal holds none for its last run. */
export type ReportOutcome = Outcome | 'unfinished';

/** One request of a target, as the journal recorded it. */
export interface ReportStep {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  /** The provider's status; null when no answer was recorded (not sent, reset, timeout, or cut off). */
  readonly status: number | null;
  readonly requestId?: string;
}

export interface ReportTarget {
  readonly provider: string;
  readonly account: string;
  readonly user: string;
  readonly email?: string;
  readonly outcome: ReportOutcome;
  /** True only when the latest outcome was verified by reads afterwards (false when unfinished). */
  readonly verified: boolean;
  readonly reason?: string;
  /** When its latest outcome was recorded (absent when unfinished). */
  readonly at?: string;
  readonly steps: readonly ReportStep[];
}

/** An apply run: who ran it, under which ticket, with which tool, and what it applied. */
export interface ReportRun {
  readonly at: string;
  readonly operator: string;
  readonly ticket?: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly verify: boolean;
  readonly plan?: { readonly checksum: string; readonly created: string };
}

/** Where a person was searched: the users found, none, or why the account could not be searched. */
export type ReportDiscovery = DiscoveryEntry;

/** Accounts a person was found in that the config does not list (so nothing was done there). */
export type ReportNotInConfig = Unconfigured;

export interface Report {
  readonly format: typeof REPORT_FORMAT;
  /** The first run's operator; `unknown` for a journal without run lines (written before they existed). */
  readonly operator: string;
  readonly ticket: string | null;
  /** The time of the journal's first line. */
  readonly started: string | null;
  /** The time of the journal's last `done` line. */
  readonly finished: string | null;
  /** True when every target of every run has an outcome (no target is `unfinished`). */
  readonly complete: boolean;
  readonly runs: readonly ReportRun[];
  /** Targets per final outcome, in the order of OUTCOME_ORDER; zero counts left out. */
  readonly counts: Readonly<Partial<Record<ReportOutcome, number>>>;
  readonly targets: readonly ReportTarget[];
  /** Present when a run searched people by email. */
  readonly discovery?: readonly ReportDiscovery[];
  readonly notInConfig?: readonly ReportNotInConfig[];
}

const OUTCOME_ORDER: readonly ReportOutcome[] = [
  'deleted',
  'removed',
  'already-absent',
  'blocked',
  'failed',
  'unfinished',
];

type RunEntry = Extract<JournalEntry, { event: 'run' }>;
type TargetEntry = Exclude<JournalEntry, { event: 'run' }>;
type DoneEntry = Extract<JournalEntry, { event: 'done' }>;

/** What the journal holds about one target, in journal order. */
interface Tracked {
  readonly provider: string;
  readonly account: string;
  readonly user: string;
  email?: string;
  /** Index (in the journal) of the latest run line listing the target. */
  lastRun?: number;
  readonly lines: { readonly index: number; readonly entry: TargetEntry }[];
}

/** A target key (`provider/account/user`) split for a target no run line names: account is what lies between. */
function splitKey(key: string): { provider: string; account: string; user: string } {
  const first = key.indexOf('/');
  const last = key.lastIndexOf('/');
  if (first === -1) return { provider: key, account: '', user: '' };
  if (first === last) return { provider: key.slice(0, first), account: '', user: key.slice(first + 1) };
  return { provider: key.slice(0, first), account: key.slice(first + 1, last), user: key.slice(last + 1) };
}

/**
 * The requests of a stretch of a target's lines: its step lines, and each intent no later step
 * answered (same method and path) as a step without status: a write sent, its answer never recorded.
 */
function stepsOf(lines: readonly TargetEntry[]): { steps: ReportStep[]; writes: number; unanswered: number } {
  const slots: (ReportStep | undefined)[] = [];
  const pending = new Map<string, number[]>();
  let writes = 0;
  for (const entry of lines) {
    if (entry.event === 'intent') {
      writes += 1;
      const key = `${entry.method} ${entry.path}`;
      pending.set(key, [...(pending.get(key) ?? []), slots.length]);
      slots.push({ at: entry.at, method: entry.method, path: entry.path, status: null });
    } else if (entry.event === 'step') {
      // A target's writes are sent one at a time, each journaled right before it is sent: an
      // answer is the latest intent's; an older intent without one was cut off (an earlier run).
      const answered = pending.get(`${entry.method} ${entry.path}`)?.pop();
      if (answered !== undefined) slots[answered] = undefined;
      slots.push({
        at: entry.at,
        method: entry.method,
        path: entry.path,
        status: entry.status,
        ...(entry.requestId === undefined ? {} : { requestId: entry.requestId }),
      });
    }
  }
  const unanswered = [...pending.values()].reduce((sum, waiting) => sum + waiting.length, 0);
  return { steps: slots.filter((step) => step !== undefined), writes, unanswered };
}

function unfinishedReason(writes: number, unanswered: number, earlier: DoneEntry | undefined): string {
  const sent =
    writes === 0
      ? 'no write sent'
      : `${writes} write${writes === 1 ? '' : 's'} sent, ${
          unanswered === 0
            ? writes === 1
              ? 'its answer recorded'
              : 'every answer recorded'
            : `no answer recorded for ${unanswered}`
        }`;
  const before = earlier ? `; an earlier run ended it ${earlier.outcome}` : '';
  return `the apply stopped (or is still running) before this target finished; ${sent}${before}`;
}

function reportTarget(tracked: Tracked): ReportTarget {
  const { provider, account, user, email, lastRun, lines } = tracked;
  const dones = lines.filter((line): line is { index: number; entry: DoneEntry } => line.entry.event === 'done');
  const latest = dones.at(-1);
  const lastIntent = lines.findLast((line) => line.entry.event === 'intent')?.index ?? -1;
  // Settled for its latest run: an outcome after that run, or a finished one before it (the run skipped it).
  const settled =
    lastRun === undefined ||
    dones.some(({ index, entry }) => index > lastRun || (index < lastRun && FINISHED.has(entry.outcome)));
  const unfinished = latest === undefined || !settled || lastIntent > latest.index;
  const ids = { provider, account, user, ...(email === undefined ? {} : { email }) };
  if (unfinished) {
    const after = latest?.index ?? -1;
    const { steps, writes, unanswered } = stepsOf(lines.filter(({ index }) => index > after).map(({ entry }) => entry));
    return {
      ...ids,
      outcome: 'unfinished',
      verified: false,
      reason: unfinishedReason(writes, unanswered, latest?.entry),
      steps,
    };
  }
  const done = latest.entry;
  let steps: ReportStep[];
  if (done.steps) {
    steps = done.steps.map((step) => ({
      at: step.at ?? done.at,
      method: step.method,
      path: step.path,
      status: step.status,
      ...(step.requestId === undefined ? {} : { requestId: step.requestId }),
    }));
  } else {
    // A journal from before `done` lines held the steps: the step lines since the previous outcome.
    const previous = dones.at(-2)?.index ?? -1;
    steps = stepsOf(
      lines.filter(({ index }) => index > previous && index < latest.index).map(({ entry }) => entry),
    ).steps;
  }
  return {
    ...ids,
    outcome: done.outcome,
    verified: done.verified === true,
    ...(done.reason === undefined ? {} : { reason: done.reason }),
    at: done.at,
    steps,
  };
}

function reportRun(run: RunEntry): ReportRun {
  return {
    at: run.at,
    operator: run.operator,
    ...(run.ticket === undefined ? {} : { ticket: run.ticket }),
    tool: { name: run.tool.name, version: run.tool.version },
    verify: run.verify,
    ...(run.plan === undefined ? {} : { plan: { checksum: run.plan.checksum, created: run.plan.created } }),
  };
}

/** The searches of every run, one per person and account (provider): a later run's replaces an earlier one's, in place. */
function mergeDiscovery(discoveries: readonly RunDiscovery[]): Pick<Report, 'discovery' | 'notInConfig'> {
  if (discoveries.length === 0) return {};
  const entries = new Map<string, ReportDiscovery>();
  const elsewhere = new Map<string, ReportNotInConfig>();
  for (const discovery of discoveries) {
    for (const { email, provider, account, users, error } of discovery.entries)
      entries.set(JSON.stringify([email, provider, account]), {
        email,
        provider,
        account,
        users: [...users],
        ...(error === undefined ? {} : { error }),
      });
    for (const { email, provider, accounts } of discovery.notInConfig)
      elsewhere.set(JSON.stringify([email, provider]), { email, provider, accounts: [...accounts] });
  }
  return { discovery: [...entries.values()], notInConfig: [...elsewhere.values()] };
}

/** The report of a journal's entries (as readJournal returns them). Pure: the same entries, the same report. */
export function buildReport(entries: readonly JournalEntry[]): Report {
  const runs: RunEntry[] = [];
  const named = new Map<string, Tracked>();
  const keyed = new Map<string, Tracked>();
  const discoveries: RunDiscovery[] = [];
  let finished: string | null = null;
  for (const [index, entry] of entries.entries()) {
    if (entry.event === 'run') {
      runs.push(entry);
      if (entry.discovery) discoveries.push(entry.discovery);
      for (const target of entry.targets) {
        const key = targetKey(target);
        let tracked = named.get(key);
        if (!tracked) {
          // Lines before the run line (a journal older than run lines, continued) still count.
          const lines = keyed.get(key)?.lines ?? [];
          tracked = { provider: target.provider, account: target.account, user: target.user, lines };
          named.set(key, tracked);
        }
        if (tracked.email === undefined && target.email !== undefined) tracked.email = target.email;
        tracked.lastRun = index;
      }
      continue;
    }
    if (entry.event === 'done') finished = entry.at;
    let tracked = named.get(entry.target) ?? keyed.get(entry.target);
    if (!tracked) {
      tracked = { ...splitKey(entry.target), lines: [] };
      keyed.set(entry.target, tracked);
    }
    tracked.lines.push({ index, entry });
  }
  const targets = [
    ...named.values(),
    ...[...keyed].filter(([key]) => !named.has(key)).map(([, tracked]) => tracked),
  ].map(reportTarget);
  const tally = new Map<ReportOutcome, number>();
  for (const target of targets) tally.set(target.outcome, (tally.get(target.outcome) ?? 0) + 1);
  const counts: Partial<Record<ReportOutcome, number>> = {};
  for (const outcome of OUTCOME_ORDER) {
    const count = tally.get(outcome);
    if (count) counts[outcome] = count;
  }
  const first = runs[0];
  return {
    format: REPORT_FORMAT,
    operator: first?.operator ?? 'unknown',
    ticket: first?.ticket ?? null,
    started: entries[0]?.at ?? null,
    finished,
    complete: targets.every((target) => target.outcome !== 'unfinished'),
    runs: runs.map(reportRun),
    counts,
    targets,
    ...mergeDiscovery(discoveries),
  };
}

/** The report as JSON: two-space indented, ending with a newline. */
export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---- Markdown ---------------------------------------------------------------------------------

// CommonMark §2.4: any ASCII punctuation may be backslash-escaped. These are the ones that format
// (emphasis, code, strikethrough, GitHub's math), link (`[`, `]`, `<`), start HTML or an entity
// (`<`, `&`), close a heading (`#`) or end a table cell (`|`), plus the backslash itself.
const MARKDOWN_SYNTAX = /[\\`*_~$<>[\]|&#]/g;
// GFM's autolink extension links bare `https://…` and `www.…`; an escaped `:` or `.` breaks them
// (checked with cmark-gfm 0.29, GitHub's renderer), and the text still reads the same.
const AUTOLINK = /:(?=\/\/)|(?<=www)\./gi;

/** Journal text as inline Markdown: control characters shown as escapes, Markdown syntax escaped. */
function text(value: string): string {
  return printable(value).replace(MARKDOWN_SYNTAX, '\\$&').replace(AUTOLINK, '\\$&');
}

/**
 * Text that starts a list item: trimmed (an indent would make it code) and with a leading list
 * marker escaped (`-`, `+`, `1.`, `1)` would start a nested list).
 */
function itemText(value: string): string {
  return text(value.trim()).replace(/^([-+])|^(\d+)([.)])/, (_, marker, digits, end) =>
    marker ? `\\${marker}` : `${digits}\\${end}`,
  );
}

/** Text for a heading: never empty (an empty address is shown as `""`). */
function headingText(value: string): string {
  const shown = text(value.trim());
  return shown === '' ? '""' : shown;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(row)];
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `gcore, account 200001, user 1001`: how a target is named in the text (escaped). */
function targetName(target: ReportTarget): string {
  return `${itemText(target.provider)}, account ${text(target.account)}, user ${text(target.user)}`;
}

function countsLine(report: Report): string {
  const parts = OUTCOME_ORDER.filter((outcome) => report.counts[outcome]).map(
    (outcome) => `${report.counts[outcome]} ${outcome}`,
  );
  return parts.length === 0 ? 'no targets' : parts.join(', ');
}

/** Distinct values in order of first appearance. */
const distinct = (values: readonly string[]) => [...new Set(values)];

function summary(report: Report): string[] {
  const { runs } = report;
  const lines: string[] = [];
  const unfinished = report.targets.filter((target) => target.outcome === 'unfinished');
  if (unfinished.length > 0) {
    lines.push(
      `**Incomplete**: ${plural(unfinished.length, 'target')} did not finish:`,
      '',
      ...unfinished.map(
        (target) =>
          `- ${targetName(target)}${target.email === undefined ? '' : ` (${text(target.email)})`}: ${text(target.reason ?? '')}`,
      ),
      '',
    );
  }
  lines.push('## Summary', '');
  const none = 'not recorded (the journal has no run line)';
  lines.push(
    `- Operator: ${runs.length === 0 ? `unknown (the journal has no run line)` : text(report.operator)}`,
    `- Ticket: ${report.ticket === null ? 'none' : text(report.ticket)}`,
    `- Started: ${report.started === null ? 'never (the journal is empty)' : text(report.started)}`,
    `- Finished: ${report.finished === null ? 'no target has an outcome' : text(report.finished)}`,
    `- Result: ${countsLine(report)}`,
    `- Complete: ${report.complete ? 'yes' : `**no**, ${plural(unfinished.length, 'target')} did not finish`}`,
    `- Tool: ${runs.length === 0 ? none : distinct(runs.map(({ tool }) => `${text(tool.name)} ${text(tool.version)}`)).join(', ')}`,
  );
  const plans = distinct(
    runs.flatMap(({ plan }) => (plan ? [`${text(plan.checksum)} (created ${text(plan.created)})`] : [])),
  );
  if (plans.length > 0) lines.push(`- Saved plan applied: ${plans.join(', ')}`);
  const verify = distinct(runs.map((run) => (run.verify ? 'on' : 'off')));
  lines.push(
    `- Verification: ${runs.length === 0 ? none : verify.length === 1 ? verify[0] : 'on in some runs, off in others (see the runs)'}`,
  );
  if (runs.length > 1) {
    lines.push(`- Runs: ${runs.length}`);
    for (const run of runs) {
      const details = [
        `by ${text(run.operator)}`,
        `ticket ${run.ticket === undefined ? 'none' : text(run.ticket)}`,
        `${text(run.tool.name)} ${text(run.tool.version)}`,
        `verification ${run.verify ? 'on' : 'off'}`,
        ...(run.plan ? [`saved plan ${text(run.plan.checksum)}`] : []),
      ];
      lines.push(`  - ${text(run.at)}: ${details.join(', ')}`);
    }
  }
  return lines;
}

/** The section of one person (or of the targets named by id): outcomes, reasons, where they were searched. */
function section(
  heading: string,
  targets: readonly ReportTarget[],
  searched: readonly ReportDiscovery[],
  elsewhere: readonly ReportNotInConfig[],
): string[] {
  const lines = [`## ${heading}`, ''];
  if (targets.length > 0) {
    lines.push(
      ...table(
        ['Provider', 'Account', 'User', 'Outcome', 'Verified', 'Time'],
        targets.map((target) => [
          text(target.provider),
          text(target.account),
          text(target.user),
          target.outcome,
          target.verified ? 'yes' : 'no',
          target.at === undefined ? '—' : text(target.at),
        ]),
      ),
      '',
    );
    const reasons = targets.filter((target) => target.reason !== undefined);
    if (reasons.length > 0)
      lines.push('Reasons:', '', ...reasons.map((target) => `- ${targetName(target)}: ${text(target.reason!)}`), '');
  } else {
    lines.push('No target for this person.', '');
  }
  const notFound = searched.filter((entry) => entry.users.length === 0 && entry.error === undefined);
  if (notFound.length > 0)
    lines.push(
      'Searched, not found:',
      '',
      ...notFound.map((entry) => `- ${itemText(entry.provider)}, account ${text(entry.account)}`),
      '',
    );
  const several = searched.filter((entry) => entry.users.length > 1);
  if (several.length > 0)
    lines.push(
      'Several users with the address (nothing was done there; offboard the right one by id):',
      '',
      ...several.map(
        (entry) =>
          `- ${itemText(entry.provider)}, account ${text(entry.account)}: users ${entry.users.map(text).join(', ')}`,
      ),
      '',
    );
  const failed = searched.filter((entry) => entry.error !== undefined);
  if (failed.length > 0)
    lines.push(
      'Could not be searched (the person may still have access there):',
      '',
      ...failed.map((entry) => `- ${itemText(entry.provider)}, account ${text(entry.account)}: ${text(entry.error!)}`),
      '',
    );
  if (elsewhere.length > 0)
    lines.push(
      'Found in accounts the config does not list (nothing was done there):',
      '',
      ...elsewhere.map(
        (entry) =>
          `- ${itemText(entry.provider)}: ${entry.accounts.length === 1 ? 'account' : 'accounts'} ${entry.accounts.map(text).join(', ')}`,
      ),
      '',
    );
  return lines;
}

function steps(targets: readonly ReportTarget[]): string[] {
  if (targets.length === 0) return [];
  const lines = ['## Steps', ''];
  for (const target of targets) {
    lines.push(`### ${text(target.provider)}, account ${text(target.account)}, user ${text(target.user)}`, '');
    if (target.steps.length === 0) {
      lines.push('No request recorded.', '');
      continue;
    }
    lines.push(
      ...table(
        ['Time', 'Method', 'Path', 'Status', 'Request id'],
        target.steps.map((step) => [
          text(step.at),
          text(step.method),
          text(step.path),
          step.status === null ? 'no answer recorded' : String(step.status),
          step.requestId === undefined ? '—' : text(step.requestId),
        ]),
      ),
      '',
    );
  }
  return lines;
}

/** The report as Markdown for a ticket: a summary, a section per person, then every request per target. */
export function reportMarkdown(report: Report): string {
  const lines = ['# Offboarding evidence', '', ...summary(report), ''];
  const discovery = report.discovery ?? [];
  const notInConfig = report.notInConfig ?? [];
  const emails = distinct([
    ...report.targets.flatMap((target) => (target.email === undefined ? [] : [target.email])),
    ...discovery.map((entry) => entry.email),
    ...notInConfig.map((entry) => entry.email),
  ]);
  for (const email of emails)
    lines.push(
      ...section(
        headingText(email),
        report.targets.filter((target) => target.email === email),
        discovery.filter((entry) => entry.email === email),
        notInConfig.filter((entry) => entry.email === email),
      ),
    );
  const byId = report.targets.filter((target) => target.email === undefined);
  if (byId.length > 0) lines.push(...section('Targets named by id', byId, [], []));
  if (report.targets.length === 0 && emails.length === 0) lines.push('The journal holds no target.', '');
  lines.push(...steps(report.targets));
  // Trailing spaces would be a hard line break (or just noise): none, and one final newline.
  return `${lines
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n+$/, '')}\n`;
}
