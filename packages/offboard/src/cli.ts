// The `offboard` command: a thin shell over createOffboarder. Exit codes: 0 every target ended
// deleted/removed/already-absent (or planned), 1 any blocked or failed, 2 usage or input error
// (then nothing was sent), 130/143 interrupted by SIGINT/SIGTERM.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { parseTargets } from './csv.js';
import { printable, type RunSummary, toJson, toTable } from './format.js';
import { createOffboarder, type Offboarder, type OffboardOptions, registryOf } from './offboard.js';
import type { Registry } from './registry.js';
import { InputError, type Mode, type Target } from './types.js';

/** The help text: the providers and their environment variables come from the registry. */
function usage(registry: Registry): string {
  const variables = registry
    .environment()
    .map(({ provider, variables }) => `  ${provider.padEnd(12)}${variables}`)
    .join('\n');
  return `Usage:
  offboard plan|apply --provider <${registry.names.join('|')}> --account <id> --user <id> [--revoke-tokens] [--all-accounts] [--json]
  offboard plan|apply --batch <file.csv> [--concurrency <n>] [--journal <file>] [--rate <n>] [--revoke-tokens] [--all-accounts] [--json]

  plan     show the steps, reading but never writing
  apply    run them; a rerun of a finished target reports already-absent

Options:
  --provider, --account, --user   one target
  --batch <file.csv>              many targets: a CSV with the header provider,account,user
  --revoke-tokens                 Gcore: delete the API tokens the user issued when they block the removal
  --all-accounts                  Gcore: remove the user from every account, then delete the user
  --concurrency <n>               targets in flight at once (default 8)
  --rate <n>                      at most n requests per second to each provider API (default: unpaced;
                                  a 429 with Retry-After pauses that API's requests either way)
  --journal <file>                append-only JSONL journal: a rerun skips finished targets and never resends a confirmed delete
  --json                          print one JSON document on stdout
  --help, --version

Credentials and base URLs come from the environment:
${variables}

Exit codes: 0 all deleted, removed, already-absent or planned; 1 any blocked or failed; 2 usage or input error (nothing sent);
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
  readonly options?: Pick<OffboardOptions, 'providers' | 'clients'>;
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

async function targetsFrom(
  values: Record<string, string | boolean | undefined>,
  registry: Registry,
): Promise<Target[]> {
  const single = ['provider', 'account', 'user'].filter((name) => values[name] !== undefined);
  if (typeof values.batch === 'string') {
    if (single.length > 0) throw new InputError(`--batch cannot be combined with --${single.join(', --')}`);
    const file = values.batch;
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read ${file}: ${error.code ?? error.message}`);
    });
    return parseTargets(text, file, registry);
  }
  if (single.length !== 3) throw new InputError('give --provider, --account and --user (or --batch <file.csv>)');
  return [registry.canonical({ provider: values.provider, account: values.account, user: values.user } as Target)];
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
  const showProgress = values.batch !== undefined && !values.json && io.stderr.isTTY === true;
  const progress = showProgress
    ? new cliProgress.SingleBar(
        { stream: io.stderr as NodeJS.WriteStream, format: `${mode} [{bar}] {value}/{total} targets` },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let targets: Target[];
  let offboarder: Offboarder;
  try {
    if ((mode !== 'plan' && mode !== 'apply') || extra.length > 0)
      throw new InputError('the first argument must be plan or apply');
    if (
      typeof values.journal === 'string' &&
      typeof values.batch === 'string' &&
      sameFile(values.journal, values.batch)
    ) {
      throw new InputError(
        `--journal ${values.journal} is the batch file: the journal is appended to, give it a file of its own`,
      );
    }
    targets = await targetsFrom(values, registry);
    offboarder = createOffboarder({
      ...io.options,
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

  progress?.start(targets.length, 0);
  const signals = interruptible(io, offboarder);
  try {
    const results = await offboarder.run(mode as Mode, targets);
    progress?.stop();
    const signal = signals.received();
    const summary: RunSummary = signal ? { interrupted: { signal, notStarted: targets.length - results.length } } : {};
    io.stdout.write(values.json ? toJson(mode as Mode, results, summary) : toTable(mode as Mode, results, summary));
    if (signal) return SIGNAL_EXIT_CODES[signal];
    if (offboarder.journalError) {
      io.stderr.write(
        `offboard: ${printable(offboarder.journalError)}; ${targets.length - results.length} targets not started\n`,
      );
      return 1;
    }
    return results.some((result) => result.outcome === 'blocked' || result.outcome === 'failed') ? 1 : 0;
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
