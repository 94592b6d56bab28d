// The `offboard` command: a thin shell over createOffboarder, the plan file and the report.
// Exit codes: 0 every target ended deleted/removed/already-absent and verified (or planned), 1 any
// blocked or failed or unverified (or, by email, an account that could not be searched or a
// person found in accounts the config does not list; for `report`, a journal whose apply did not
// finish), 2 usage or input error (then nothing was sent), 3 a person found in no configured
// account (and nothing else wrong), 130/143 interrupted by SIGINT/SIGTERM.
import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig, type OffboardConfig } from './config.js';
import { parsePeople, parseTargets } from './csv.js';
import { debugEnabled, debugLogger } from './debug-log.js';
import { checkPeople, type Discovery, entryTarget } from './discover.js';
import { discoveryRecord, printable, type RunSummary, stepJson, toJson, toTable } from './format.js';
import { type RunDiscovery, readJournal } from './journal.js';
import { createOffboarder, type Offboarder, type OffboardOptions, type RunContext, registryOf } from './offboard.js';
import {
  createPlan,
  formatDuration,
  type PlanDocument,
  type PlanFlags,
  type PlanTarget,
  parseDuration,
  readPlan,
  writePlan,
} from './plan-file.js';
import type { Registry } from './registry.js';
import { buildReport, reportJson, reportMarkdown } from './report.js';
import type { TargetPlan } from './steps.js';
import { InputError, type Mode, type Target, type TargetResult, targetKey } from './types.js';
import { TOOL } from './version.js';

/** The help text: the providers and their environment variables come from the registry. */
function usage(registry: Registry): string {
  const variables = registry
    .environment()
    .map(({ provider, variables }) => `  ${provider.padEnd(12)}${variables}`)
    .join('\n');
  return `Usage:
  offboard plan|apply --email <address> [--email <address> ...] [options]
  offboard plan|apply --people <file.csv> [options]
  offboard plan|apply --provider <${registry.names.join('|')}> --account <id> --user <id> [options]
  offboard plan|apply --batch <file.csv> [options]
  offboard plan ... --out <plan.json>             also save the plan, to review and apply exactly
  offboard apply --plan <plan.json> [options]     run exactly a saved plan
  offboard report <journal> [--format md|json] [--out <file>]

  plan     show the steps, reading but never writing
  apply    run them, then read again to verify each is gone; a rerun of a finished target
           reports already-absent
  report   the evidence of an apply's journal: who, when, under which ticket, every step

Options:
  --email <address>               a person: found in every account of the config file (repeatable)
  --people <file.csv>             people: a CSV with an "email" column (other columns ignored)
  --config <file>                 the accounts to search and their credentials (default: $OFFBOARD_CONFIG,
                                  else ./offboard.yaml when it exists)
  --provider, --account, --user   one target
  --batch <file.csv>              many targets: a CSV with the header provider,account,user
  --revoke-tokens                 Gcore: delete the API tokens the user issued when they block the removal
  --all-accounts                  Gcore: remove the user from every account, then delete the user
  --concurrency <n>               targets in flight at once (default 8)
  --rate <n>                      at most n requests per second to each provider API (default: unpaced;
                                  a 429 with Retry-After pauses that API's requests either way)
  --journal <file>                append-only JSONL journal: a rerun skips finished targets and never resends a
                                  confirmed delete; also the evidence offboard report reads
  --out <file>                    plan: save the plan (offboard-plan/1); report: write the report there
  --plan <plan.json>              apply: run that saved plan; its flags and targets come from it (giving them
                                  again is a usage error); a target whose facts changed is blocked (plan is stale)
  --max-age <duration>            apply --plan: refuse a plan older than this (default 24h; e.g. 90m, 72h, 7d)
  --operator <name>               apply: who runs it, for the journal (default $OFFBOARD_OPERATOR, else the OS user)
  --ticket <id>                   apply: the HR or security ticket it is done under, for the journal
  --no-verify                     apply: skip the reads that prove each user gone (results say verified: false)
  --format md|json                report: Markdown for a ticket (default) or JSON (offboard-report/1)
  --json                          print one JSON document on stdout
  --verbose                       one line per request on stderr (also OFFBOARD_LOG=debug)
  --help, --version

Credentials and base URLs come from the environment:
${variables}

A config file's accounts use their own credentials (environment variable names in the file) and base URLs.

Exit codes: 0 all deleted, removed or already-absent and verified, or planned; 1 any blocked, failed or not
verified, an account that could not be searched, or a person also found in accounts the config does not list
(report: the apply did not finish every target); 2 usage or input error (nothing sent);
3 a person found in no configured account (nothing else wrong);
130 / 143 interrupted by SIGINT / SIGTERM: no new target starts, requests in flight get up to 10 s, the finished
targets are printed; a second signal quits at once. A rerun with the same --journal finishes the rest.
`;
}

/** How long requests in flight may take to finish after the first SIGINT/SIGTERM. */
export const INTERRUPT_GRACE_MS = 10_000;
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;

export interface CliIO {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where SIGINT/SIGTERM come from (the process); without it the run is not interruptible. */
  readonly signals?: Pick<NodeJS.Process, 'on' | 'off'>;
  /** Quits at once (a second signal). */
  readonly exit?: (code: number) => void;
  /** For embedding and tests: the providers (default the built-in ones), client options beneath the CLI's own, the verification's pace. */
  readonly options?: Pick<OffboardOptions, 'providers' | 'clients' | 'verifyDelaysMs'>;
  /** Where ./offboard.yaml is looked for. Default process.cwd(). */
  readonly cwd?: string;
  /** The time a saved plan's age is measured at. Default now. */
  readonly now?: () => Date;
}

const PROCESS_IO: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process,
  exit: (code) => process.exit(code),
};

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value))
    throw new InputError(`--${name} must be a positive integer (got ${JSON.stringify(value)})`);
  return Number(value);
}

/** What a run works on: people to find by email, or targets named by id. */
type Input = { readonly people: string[] } | { readonly targets: Target[] };

async function readInput(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
}

async function inputFrom(values: ReturnType<typeof parseCliArgs>['values'], registry: Registry): Promise<Input> {
  const single = ['provider', 'account', 'user'].filter((name) => values[name as keyof typeof values] !== undefined);
  const sources = [
    ...(values.email ? ['--email'] : []),
    ...(values.people !== undefined ? ['--people'] : []),
    ...(values.batch !== undefined ? ['--batch'] : []),
    ...(single.length > 0 ? [`--${single.join(', --')}`] : []),
  ];
  if (sources.length > 1)
    throw new InputError(`${sources[0]} cannot be combined with ${sources.slice(1).join(', ')}: give one of them`);
  if (values.email) return { people: checkPeople(values.email.map((email) => ({ email, where: '--email' }))) };
  if (values.people !== undefined) {
    return { people: checkPeople(parsePeople(await readInput(values.people), values.people)) };
  }
  if (values.batch !== undefined)
    return { targets: parseTargets(await readInput(values.batch), values.batch, registry) };
  if (single.length !== 3)
    throw new InputError('give --provider, --account and --user (or --email, --people <file.csv>, --batch <file.csv>)');
  const { provider, account, user } = values;
  return { targets: [registry.canonical({ provider, account, user } as Target)] };
}

/** Every provider's client options with the debug logger beneath them (the caller's own logger wins). */
function withLogger(
  registry: Registry,
  io: CliIO,
  clients: OffboardOptions['clients'],
): NonNullable<OffboardOptions['clients']> {
  const logger = debugLogger(io.stderr);
  const own = (clients ?? {}) as Readonly<Record<string, object | undefined>>;
  return Object.fromEntries(registry.names.map((name) => [name, { logger, ...own[name] }]));
}

/** The results of a run by email: per person, in the config's order, the ambiguous accounts with them. */
function byPerson(discovery: Discovery, ran: readonly TargetResult[]): TargetResult[] {
  const personAccount = (item: { email?: string; provider: string; account: string }) =>
    `${item.email}\0${item.provider}/${item.account}`;
  return inOrderOf([...ran, ...discovery.ambiguous], discovery.entries, personAccount);
}

/** `results` in the order `key` finds them in `order` (the ones it does not find last), stable. */
function inOrderOf<T>(
  results: readonly TargetResult[],
  order: readonly T[],
  key: (item: T | TargetResult) => string,
): TargetResult[] {
  const rankOf = new Map(order.map((item, index) => [key(item), index]));
  const rank = (result: TargetResult) => rankOf.get(key(result)) ?? rankOf.size;
  return [...results].sort((a, b) => rank(a) - rank(b));
}

/** The same file under two names (a symbolic or hard link, `./x` and `x`) counts as the same. */
function sameFile(a: string, b: string): boolean {
  try {
    const [first, second] = [statSync(a), statSync(b)];
    return first.dev === second.dev && first.ino === second.ino;
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

/**
 * The first SIGINT/SIGTERM stops starting targets and gives the requests in flight a grace
 * period before aborting them; a second quits at once (the journal is fsync'd line by line, so
 * nothing is lost). Returns the signal received, if any, and a function that uninstalls.
 */
function interruptible(
  io: CliIO,
  offboarder: Offboarder,
): { received: () => HandledSignal | undefined; uninstall: () => void } {
  let received: HandledSignal | undefined;
  let grace: ReturnType<typeof setTimeout> | undefined;
  const handler = (signal: HandledSignal) => {
    if (received) {
      io.exit?.(SIGNAL_EXIT_CODES[signal]);
      return;
    }
    received = signal;
    offboarder.stop();
    io.stderr.write(
      `offboard: ${signal}: starting no more targets; requests in flight get up to ${INTERRUPT_GRACE_MS / 1000} s (again to quit at once)\n`,
    );
    grace = setTimeout(() => offboarder.abort(), INTERRUPT_GRACE_MS);
    grace.unref?.();
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  io.signals?.on('SIGINT', onInt);
  io.signals?.on('SIGTERM', onTerm);
  return {
    received: () => received,
    uninstall: () => {
      if (grace) clearTimeout(grace);
      io.signals?.off('SIGINT', onInt);
      io.signals?.off('SIGTERM', onTerm);
    },
  };
}

function parseCliArgs(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      provider: { type: 'string' },
      account: { type: 'string' },
      user: { type: 'string' },
      batch: { type: 'string' },
      email: { type: 'string', multiple: true },
      people: { type: 'string' },
      config: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      journal: { type: 'string' },
      rate: { type: 'string' },
      // No defaults: giving them beside --plan is refused, so whether they were given counts.
      'revoke-tokens': { type: 'boolean' },
      'all-accounts': { type: 'boolean' },
      out: { type: 'string' },
      plan: { type: 'string' },
      'max-age': { type: 'string' },
      operator: { type: 'string' },
      ticket: { type: 'string' },
      'no-verify': { type: 'boolean' },
      format: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
    },
  });
}

type Values = ReturnType<typeof parseCliArgs>['values'];

/** Options that only make sense for some commands: a usage error anywhere else. */
const ONLY_FOR: Readonly<Record<string, { readonly modes: readonly string[]; readonly what: string }>> = {
  plan: { modes: ['apply'], what: 'apply (--plan <file> runs a saved plan)' },
  'max-age': { modes: ['apply'], what: 'apply --plan' },
  operator: { modes: ['apply'], what: 'apply (the journal records who ran it)' },
  ticket: { modes: ['apply'], what: 'apply (the journal records the ticket)' },
  'no-verify': { modes: ['apply'], what: 'apply (plan never verifies)' },
  out: { modes: ['plan', 'report'], what: 'plan (to save the plan) and report' },
  format: { modes: ['report'], what: 'report' },
};

/** What a saved plan fixes: given beside --plan, they could make the run differ from the reviewed plan. */
const FIXED_BY_PLAN = ['revoke-tokens', 'all-accounts', 'email', 'people', 'batch', 'provider', 'account', 'user'];

function checkUsage(mode: string | undefined, values: Values): void {
  for (const [name, { modes, what }] of Object.entries(ONLY_FOR)) {
    if (values[name as keyof Values] !== undefined && !modes.includes(mode ?? ''))
      throw new InputError(`--${name} is for ${what}`);
  }
  if (values['max-age'] !== undefined && values.plan === undefined)
    throw new InputError('--max-age is for apply --plan');
  if (values.plan !== undefined) {
    const given = FIXED_BY_PLAN.filter((name) => values[name as keyof Values] !== undefined);
    if (given.length > 0)
      throw new InputError(
        `--plan runs the plan with the targets and flags it was made with: --${given.join(', --')} cannot be given with it (make a new plan instead)`,
      );
  }
}

/** Refuses a file given twice, e.g. `--journal` that is the batch file (the journal is appended to). */
function checkFiles(values: Values): void {
  const written = [
    ['--journal', values.journal],
    ['--out', values.out],
  ] as const;
  const read = { batch: values.batch, people: values.people, config: values.config, plan: values.plan };
  for (const [flag, file] of written) {
    if (typeof file !== 'string') continue;
    for (const [kind, other] of Object.entries(read)) {
      if (typeof other === 'string' && sameFile(file, other))
        throw new InputError(`${flag} ${file} is the ${kind} file: give it a file of its own`);
    }
  }
  if (typeof values.journal === 'string' && typeof values.out === 'string' && sameFile(values.journal, values.out))
    throw new InputError(`--out ${values.out} is the journal: give it a file of its own`);
}

/** `offboard report <journal>`: the evidence, deterministic, to stdout or --out. */
async function report(positionals: readonly string[], values: Values, io: CliIO): Promise<number> {
  const [file, ...extra] = positionals;
  const others = Object.entries(values).filter(
    ([name, value]) => !['format', 'out', 'help', 'version', 'verbose', 'json'].includes(name) && value !== undefined,
  );
  if (others.length > 0) throw new InputError(`--${others[0]![0]} is not an option of report`);
  if (file === undefined || extra.length > 0) throw new InputError('give the journal: offboard report <journal>');
  // --json is --format json, as for plan and apply.
  if (values.json && values.format !== undefined && values.format !== 'json')
    throw new InputError(`--json and --format ${values.format} disagree: give one`);
  const format = values.format ?? (values.json ? 'json' : 'md');
  if (format !== 'md' && format !== 'json')
    throw new InputError(`--format must be md or json (got ${JSON.stringify(format)})`);
  if (values.out !== undefined && sameFile(values.out, file))
    throw new InputError(`--out ${values.out} is the journal: give the report a file of its own`);
  const built = buildReport(
    readJournal(file, (message) => io.stderr.write(`offboard: warning: ${printable(message)}\n`)),
  );
  const text = format === 'json' ? reportJson(built) : reportMarkdown(built);
  if (values.out === undefined) io.stdout.write(text);
  else {
    await writeFile(values.out, text, { mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot write ${values.out}: ${error.code ?? error.message}`);
    });
  }
  if (!built.complete) {
    const unfinished = built.targets.filter((target) => target.outcome === 'unfinished').length;
    io.stderr.write(
      `offboard: the apply did not finish: ${unfinished} target${unfinished === 1 ? '' : 's'} unfinished\n`,
    );
    return 1;
  }
  return 0;
}

/** A discovery as a saved plan keeps it, shown and judged like a fresh one. */
function asDiscovery(record: RunDiscovery): Discovery {
  return {
    entries: record.entries,
    unconfigured: record.notInConfig,
    warnings: record.warnings,
    targets: [],
    ambiguous: [],
  };
}

/** What the plan was made from, for the reviewer. */
function inputOf(values: Values, input: Input): PlanFlags['input'] {
  if ('people' in input) return values.people !== undefined ? { people: values.people } : { emails: input.people };
  if (values.batch !== undefined) return { batch: values.batch };
  const [target] = input.targets;
  return { target: { provider: target!.provider, account: target!.account, user: target!.user } };
}

/** The plan of a plan run's results: the blocked-by-discovery ones stay in its discovery. */
function planOf(
  results: readonly TargetResult[],
  flags: PlanFlags,
  config: OffboardConfig | undefined,
  discovery: Discovery | undefined,
  cwd: string,
  now: Date,
): PlanDocument {
  const targets: PlanTarget[] = results
    .filter((result) => result.facts !== undefined)
    .map(({ provider, account, user, email, outcome, reason, steps, facts }) => ({
      provider,
      account,
      user,
      ...(email === undefined ? {} : { email }),
      outcome: outcome === 'planned' ? 'planned' : 'failed',
      ...(reason ? { reason } : {}),
      steps: steps.map(stepJson),
      facts: facts ?? {},
    }));
  return createPlan({
    created: now.toISOString(),
    tool: TOOL,
    flags,
    ...(config ? { config: path.resolve(cwd, config.file) } : {}),
    ...(discovery ? { discovery: discoveryRecord(discovery) } : {}),
    targets,
  });
}

/** A saved plan as a run: the targets to apply, the plan each must match, and the results decided already. */
function runOfPlan(
  plan: PlanDocument,
  registry: Registry,
): { targets: Target[]; context: RunContext; decided: TargetResult[] } {
  const targets: Target[] = [];
  const plans = new Map<string, TargetPlan>();
  const decided: TargetResult[] = [];
  for (const planned of plan.targets) {
    const { provider, account, user, email } = planned;
    const target: Target = { provider, account, user, ...(email === undefined ? {} : { email }) };
    if (planned.outcome !== 'planned') {
      decided.push({
        ...target,
        outcome: 'blocked',
        steps: [],
        reason: `not applied: planning it ${planned.outcome}${planned.reason ? ` (${planned.reason})` : ''}; plan again`,
      });
      continue;
    }
    targets.push(target);
    plans.set(targetKey(target), { steps: planned.steps, facts: planned.facts });
  }
  // An address several users have, in the plan's discovery: blocked again, nothing guessed.
  for (const entry of plan.discovery?.entries ?? []) {
    const found = entryTarget(entry, registry);
    if (found && 'outcome' in found) decided.push(found);
  }
  return {
    targets,
    decided,
    context: {
      plan: { checksum: plan.checksum, created: plan.created, targets: plans },
      ...(plan.discovery ? { discovery: plan.discovery } : {}),
    },
  };
}

/** The exit code of a finished (not interrupted) run. */
function exitCode(
  mode: Mode,
  results: readonly TargetResult[],
  discovery: Discovery | undefined,
  verify: boolean,
): number {
  if (results.some((result) => result.outcome === 'blocked' || result.outcome === 'failed')) return 1;
  // A success the reads after it did not show: not proof yet.
  if (mode === 'apply' && verify && results.some((result) => result.verified === false)) return 1;
  if (discovery) {
    // Absence unproven, or access left in accounts this run did not touch.
    if (discovery.entries.some((entry) => entry.error !== undefined) || discovery.unconfigured.length > 0) return 1;
    const found = new Set(discovery.entries.filter((entry) => entry.users.length > 0).map((entry) => entry.email));
    if (discovery.entries.some((entry) => !found.has(entry.email))) return 3;
  }
  return 0;
}

export async function main(argv: readonly string[], io: CliIO = PROCESS_IO): Promise<number> {
  const registry = registryOf(io.options?.providers);
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`offboard: ${error instanceof Error ? error.message : String(error)}\n\n${usage(registry)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(usage(registry));
    return 0;
  }
  if (values.version) {
    io.stdout.write(`${TOOL.version}\n`);
    return 0;
  }

  const [mode, ...extra] = positionals;
  const cwd = io.cwd ?? process.cwd();
  const now = io.now?.() ?? new Date();
  const verify = values['no-verify'] !== true;
  // A progress bar on a terminal, for more than one target (made once the targets are known).
  let progress: cliProgress.SingleBar | undefined;
  let input: Input | undefined;
  let plan: PlanDocument | undefined;
  let config: OffboardConfig | undefined;
  let offboarder: Offboarder;
  try {
    if (mode === 'report') {
      checkUsage(mode, values);
      return await report(extra, values, io);
    }
    if ((mode !== 'plan' && mode !== 'apply') || extra.length > 0)
      throw new InputError('the first argument must be plan, apply or report');
    checkUsage(mode, values);
    checkFiles(values);
    if (values.plan !== undefined) {
      const maxAgeMs = parseDuration(values['max-age'] ?? '24h');
      plan = await readPlan(values.plan, { now, maxAgeMs, registry });
    } else {
      input = await inputFrom(values, registry);
    }
    // A saved plan's config, unless --config or OFFBOARD_CONFIG names one: the plan's accounts' credentials.
    const explicit = values.config ?? (io.env.OFFBOARD_CONFIG ? undefined : plan?.config);
    config = await loadConfig({ ...(explicit === undefined ? {} : { explicit }), env: io.env, cwd, registry });
    if (input && 'people' in input && !config) {
      throw new InputError(
        'finding people by email needs the accounts to search: give --config <file> (or OFFBOARD_CONFIG, or ./offboard.yaml)',
      );
    }
    offboarder = createOffboarder({
      ...io.options,
      ...(debugEnabled(io.env, values.verbose) ? { clients: withLogger(registry, io, io.options?.clients) } : {}),
      ...(config ? { config } : {}),
      revokeTokens: plan ? plan.flags.revokeTokens : (values['revoke-tokens'] ?? false),
      allAccounts: plan ? plan.flags.allAccounts : (values['all-accounts'] ?? false),
      ...(plan ? { maxRevisionRetries: plan.flags.maxRevisionRetries } : {}),
      ...(values.concurrency === undefined ? {} : { concurrency: positiveInteger('concurrency', values.concurrency)! }),
      ...(values.journal === undefined ? {} : { journal: values.journal }),
      ...(values.rate === undefined ? {} : { maxRequestsPerSecond: positiveInteger('rate', values.rate)! }),
      ...(values.operator === undefined ? {} : { operator: values.operator }),
      ...(values.ticket === undefined ? {} : { ticket: values.ticket }),
      verify,
      env: io.env,
      onResult: () => progress?.increment(),
      onWarning: (message) => io.stderr.write(`offboard: warning: ${printable(message)}\n`),
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`offboard: ${printable(error.message)}\nRun offboard --help for usage.\n`);
    return 2;
  }

  const signals = interruptible(io, offboarder);
  try {
    let discovery: Discovery | undefined;
    let targets: readonly Target[];
    let context: RunContext = {};
    let decided: readonly TargetResult[] = [];
    if (plan) {
      ({ targets, context, decided } = runOfPlan(plan, registry));
      if (plan.discovery) discovery = asDiscovery(plan.discovery);
    } else if (input && 'people' in input) {
      discovery = await offboarder.discover(input.people);
      for (const warning of discovery.warnings) io.stderr.write(`offboard: warning: ${printable(warning)}\n`);
      targets = discovery.targets;
      context = { discovery: discoveryRecord(discovery) };
    } else {
      targets = input!.targets;
    }
    if (!values.json && io.stderr.isTTY === true && targets.length > 1) {
      progress = new cliProgress.SingleBar(
        { stream: io.stderr as NodeJS.WriteStream, format: `${mode} [{bar}] {value}/{total} targets` },
        cliProgress.Presets.shades_classic,
      );
      progress.start(targets.length, 0);
    }
    const ran = offboarder.stopped ? [] : await offboarder.run(mode as Mode, targets, mode === 'apply' ? context : {});
    progress?.stop();
    const results = plan ? inPlanOrder(plan, [...ran, ...decided]) : discovery ? byPerson(discovery, ran) : ran;
    const signal = signals.received();
    const summary: RunSummary = {
      ...(signal ? { interrupted: { signal, notStarted: targets.length - ran.length } } : {}),
      ...(discovery ? { discovery } : {}),
    };
    io.stdout.write(values.json ? toJson(mode as Mode, results, summary) : toTable(mode as Mode, results, summary));
    if (signal) {
      if (values.out !== undefined) io.stderr.write(`offboard: the plan was not saved: the run was interrupted\n`);
      return SIGNAL_EXIT_CODES[signal];
    }
    if (offboarder.journalError) {
      io.stderr.write(
        `offboard: ${printable(offboarder.journalError)}; ${targets.length - ran.length} targets not started\n`,
      );
      return 1;
    }
    if (mode === 'plan' && values.out !== undefined && input) {
      const saved = planOf(
        results,
        {
          revokeTokens: values['revoke-tokens'] ?? false,
          allAccounts: values['all-accounts'] ?? false,
          maxRevisionRetries: 3,
          input: inputOf(values, input),
        },
        config,
        discovery,
        cwd,
        now,
      );
      await writePlan(values.out, saved);
      io.stderr.write(
        `offboard: plan saved to ${printable(values.out)} (${saved.checksum}); review it, then run it within ${formatDuration(24 * 3600 * 1000)} with: offboard apply --plan ${printable(values.out)} --journal <file>\n`,
      );
    }
    return exitCode(mode as Mode, results, discovery, verify);
  } catch (error) {
    progress?.stop();
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`offboard: ${printable(error.message)}\n`);
    return 2;
  } finally {
    signals.uninstall();
    await offboarder.close();
  }
}

/** The results of a saved plan's run in the plan's order (its targets, then the ones its discovery blocked). */
function inPlanOrder(plan: PlanDocument, results: readonly TargetResult[]): TargetResult[] {
  return inOrderOf(results, plan.targets, targetKey);
}
