// The `offboard` command: a thin shell over createOffboarder. Exit codes: 0 every target ended
// deleted/removed/already-absent (or planned), 1 any blocked or failed, 2 usage or input error
// (then nothing was sent).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { parseTargets } from './csv.js';
import { toJson, toTable } from './format.js';
import { createOffboarder, validateTarget } from './offboard.js';
import { InputError, PROVIDERS, type Mode, type Target } from './types.js';

const USAGE = `Usage:
  offboard plan|apply --provider <${PROVIDERS.join('|')}> --account <id> --user <id> [--revoke-tokens] [--all-accounts] [--json]
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

Credentials and base URLs come from the environment: GCORE_API_KEY, GCORE_BASE_URL,
CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY), CLOUDFLARE_BASE_URL,
NSCALE_ACCESS_TOKEN, NSCALE_BASE_URL, LIVEPERSON_ACCESS_TOKEN, LIVEPERSON_BASE_URL.

Exit codes: 0 all deleted, removed, already-absent or planned; 1 any blocked or failed; 2 usage or input error (nothing sent).
`;

export interface CliIO {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

function version(): string {
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new InputError(`--${name} must be a positive integer (got ${JSON.stringify(value)})`);
  return Number(value);
}

async function targetsFrom(values: Record<string, string | boolean | undefined>): Promise<Target[]> {
  const single = ['provider', 'account', 'user'].filter((name) => values[name] !== undefined);
  if (typeof values['batch'] === 'string') {
    if (single.length > 0) throw new InputError(`--batch cannot be combined with --${single.join(', --')}`);
    const file = values['batch'];
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read ${file}: ${error.code ?? error.message}`);
    });
    return parseTargets(text, file);
  }
  if (single.length !== 3) throw new InputError('give --provider, --account and --user (or --batch <file.csv>)');
  const target = { provider: values['provider'], account: values['account'], user: values['user'] } as Target;
  validateTarget(target);
  return [target];
}

export async function main(argv: readonly string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
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
  } catch (error) {
    io.stderr.write(`offboard: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`${version()}\n`);
    return 0;
  }

  const [mode, ...extra] = positionals;
  const showProgress = values.batch !== undefined && !values.json && io.stderr.isTTY === true;
  const progress = showProgress
    ? new cliProgress.SingleBar({ stream: io.stderr as NodeJS.WriteStream, format: `${mode} [{bar}] {value}/{total} targets` }, cliProgress.Presets.shades_classic)
    : undefined;
  let targets: Target[];
  let offboarder;
  try {
    if ((mode !== 'plan' && mode !== 'apply') || extra.length > 0) throw new InputError('the first argument must be plan or apply');
    targets = await targetsFrom(values);
    offboarder = createOffboarder({
      revokeTokens: values['revoke-tokens'],
      allAccounts: values['all-accounts'],
      ...(values.concurrency === undefined ? {} : { concurrency: positiveInteger('concurrency', values.concurrency)! }),
      ...(values.journal === undefined ? {} : { journal: values.journal }),
      ...(values.rate === undefined ? {} : { maxRequestsPerSecond: positiveInteger('rate', values.rate)! }),
      env: io.env,
      onResult: () => progress?.increment(),
    });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`offboard: ${error.message}\nRun offboard --help for usage.\n`);
    return 2;
  }

  progress?.start(targets.length, 0);
  try {
    const results = await offboarder.run(mode as Mode, targets);
    progress?.stop();
    io.stdout.write(values.json ? toJson(mode as Mode, results) : toTable(mode as Mode, results));
    return results.some((result) => result.outcome === 'blocked' || result.outcome === 'failed') ? 1 : 0;
  } catch (error) {
    progress?.stop();
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`offboard: ${error.message}\n`);
    return 2;
  } finally {
    offboarder.close();
  }
}
