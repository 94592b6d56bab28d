// The `offboard` command: a thin shell over createOffboarder. Exit codes: 0 every target ended
// deleted/removed/already-absent (or planned), 1 any blocked or failed (or, by email, an account
// that could not be searched or a person found in accounts the config does not list), 2 usage or
// input error (then nothing was sent), 3 a person found in no configured account (and nothing
// else wrong), 130/143 interrupted by SIGINT/SIGTERM.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig, type OffboardConfig } from './config.js';
import { parsePeople, parseTargets } from './csv.js';
import { debugEnabled, debugLogger } from './debug-log.js';
import { checkPeople, type Discovery } from './discover.js';
import { printable, type RunSummary, toJson, toTable } from './format.js';
import { createOffboarder, type Offboarder, type OffboardOptions, registryOf } from './offboard.js';
import type { Registry } from './registry.js';
import { InputError, type Mode, type Target, type TargetResult } from './types.js';

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

  plan     show the steps, reading but never writing
  apply    run them; a rerun of a finished target reports already-absent

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
  --journal <file>                append-only JSONL journal: a rerun skips finished targets and never resends a confirmed delete
  --json                          print one JSON document on stdout
  --verbose                       one line per request on stderr (also OFFBOARD_LOG=debug)
  --help, --version

Credentials and base URLs come from the environment:
${variables}

A config file's accounts use their own credentials (environment variable names in the file) and base URLs.

Exit codes: 0 all deleted, removed, already-absent or planned; 1 any blocked or failed, an account that could not
be searched, or a person also found in accounts the config does not list; 2 usage or input error (nothing sent);
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
  /** For embedding and tests: the providers (default the built-in ones) and client options beneath the CLI's own. */
  readonly options?: Pick<OffboardOptions, 'providers' | 'clients' | 'verifyDelaysMs'>;
  /** Where ./offboard.yaml is looked for. Default process.cwd(). */
  readonly cwd?: string;
}

const PROCESS_IO: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signals: process,
  exit: (code) => process.exit(code),
};

function version(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

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
  const all = [...ran, ...discovery.ambiguous];
  const order = new Map(
    discovery.entries.map((entry, index) => [`${entry.email}\0${entry.provider}/${entry.account}`, index]),
  );
  const rank = (result: TargetResult) =>
    order.get(`${result.email}\0${result.provider}/${result.account}`) ?? order.size;
  return all.sort((a, b) => rank(a) - rank(b));
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
      'revoke-tokens': { type: 'boolean', default: false },
      'all-accounts': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
    },
  });
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
    io.stdout.write(`${version()}\n`);
    return 0;
  }

  const [mode, ...extra] = positionals;
  // A progress bar on a terminal, for more than one target (made once the targets are known).
  let progress: cliProgress.SingleBar | undefined;
  let input: Input;
  let config: OffboardConfig | undefined;
  let offboarder: Offboarder;
  try {
    if ((mode !== 'plan' && mode !== 'apply') || extra.length > 0)
      throw new InputError('the first argument must be plan or apply');
    const inputs = { batch: values.batch, people: values.people, config: values.config };
    for (const [kind, file] of Object.entries(inputs)) {
      if (typeof values.journal === 'string' && typeof file === 'string' && sameFile(values.journal, file)) {
        throw new InputError(
          `--journal ${values.journal} is the ${kind} file: the journal is appended to, give it a file of its own`,
        );
      }
    }
    input = await inputFrom(values, registry);
    config = await loadConfig({
      ...(values.config === undefined ? {} : { explicit: values.config }),
      env: io.env,
      cwd: io.cwd ?? process.cwd(),
      registry,
    });
    if ('people' in input && !config) {
      throw new InputError(
        'finding people by email needs the accounts to search: give --config <file> (or OFFBOARD_CONFIG, or ./offboard.yaml)',
      );
    }
    offboarder = createOffboarder({
      ...io.options,
      ...(debugEnabled(io.env, values.verbose) ? { clients: withLogger(registry, io, io.options?.clients) } : {}),
      ...(config ? { config } : {}),
      revokeTokens: values['revoke-tokens'],
      allAccounts: values['all-accounts'],
      ...(values.concurrency === undefined ? {} : { concurrency: positiveInteger('concurrency', values.concurrency)! }),
      ...(values.journal === undefined ? {} : { journal: values.journal }),
      ...(values.rate === undefined ? {} : { maxRequestsPerSecond: positiveInteger('rate', values.rate)! }),
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
    if ('people' in input) {
      discovery = await offboarder.discover(input.people);
      for (const warning of discovery.warnings) io.stderr.write(`offboard: warning: ${printable(warning)}\n`);
      targets = discovery.targets;
    } else {
      targets = input.targets;
    }
    if (!values.json && io.stderr.isTTY === true && targets.length > 1) {
      progress = new cliProgress.SingleBar(
        { stream: io.stderr as NodeJS.WriteStream, format: `${mode} [{bar}] {value}/{total} targets` },
        cliProgress.Presets.shades_classic,
      );
      progress.start(targets.length, 0);
    }
    const ran = offboarder.stopped ? [] : await offboarder.run(mode as Mode, targets);
    progress?.stop();
    const results = discovery ? byPerson(discovery, ran) : ran;
    const signal = signals.received();
    const summary: RunSummary = {
      ...(signal ? { interrupted: { signal, notStarted: targets.length - ran.length } } : {}),
      ...(discovery ? { discovery } : {}),
    };
    io.stdout.write(values.json ? toJson(mode as Mode, results, summary) : toTable(mode as Mode, results, summary));
    if (signal) return SIGNAL_EXIT_CODES[signal];
    if (offboarder.journalError) {
      io.stderr.write(
        `offboard: ${printable(offboarder.journalError)}; ${targets.length - ran.length} targets not started\n`,
      );
      return 1;
    }
    if (results.some((result) => result.outcome === 'blocked' || result.outcome === 'failed')) return 1;
    if (discovery) {
      // Absence unproven, or access left in accounts this run did not touch.
      if (discovery.entries.some((entry) => entry.error !== undefined) || discovery.unconfigured.length > 0) return 1;
      const found = new Set(discovery.entries.filter((entry) => entry.users.length > 0).map((entry) => entry.email));
      if ('people' in input && input.people.some((email) => !found.has(email))) return 3;
    }
    return 0;
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
