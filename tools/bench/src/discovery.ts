// 6. Discovery (offboarding people by email): the library's `discover` searching 1,000 people in 4
// accounts (one per provider) of 50,000 users each, half of the people in every directory, in a
// child process (its wall time and peak RSS) against a loopback fake in this one that counts every
// request and byte. Beside it, what asking per person costs: Cloudflare filters server-side
// (`?email=`, one request a person: all of them run); Gcore, nscale and LivePerson cannot filter
// their user lists, so per person means reading the directory per person (a sample of people run,
// the rest extrapolated: requests and bytes per person are fixed, so those totals are exact).
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { answers, repoRoot, startLoopbackServer, tempDir } from '@offboard/test-utils';
import { timed } from './measure.js';

export const PROVIDERS = ['gcore', 'cloudflare', 'nscale', 'liveperson'] as const;
export type Provider = (typeof PROVIDERS)[number];

// One account per provider, each id in its canonical form.
const ACCOUNTS: Readonly<Record<Provider, string>> = {
  gcore: '200001',
  cloudflare: '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b',
  nscale: '79f64482-1271-44b8-a1d4-d83e418eddf2',
  liveperson: '12345678',
};

/** What each provider's requests are called (singular), by route: reads of its directory, and per-person look-ups. */
const KINDS = {
  gcore: { directory: 'directory page', perPerson: 'Reseller look-up' },
  cloudflare: { directory: 'page', perPerson: '`?email=` look-up' },
  nscale: { directory: 'user list', perPerson: 'organization look-up' },
  liveperson: { directory: 'user list', perPerson: 'look-up' },
} as const satisfies Record<Provider, { directory: string; perPerson: string }>;

/** The page size the library reads Gcore's and Cloudflare's directories with (their maximum). */
const PAGE_SIZE = 1000;

const hex12 = (n: number) => n.toString(16).padStart(12, '0');
const personEmail = (person: number) => `person${person}@example.com`;

/**
 * The directories of the fake: `users` users per account, the first `present` people spread
 * evenly through them (person p is user p × stride, so every page holds some), everyone else a
 * filler address. Ids follow the user's index, per provider in that provider's id form.
 */
class Directory {
  readonly stride: number;
  constructor(
    readonly users: number,
    readonly present: number,
  ) {
    if (present < 1 || present > users) throw new Error(`present (${present}) must be 1..${users}`);
    this.stride = Math.floor(users / present);
  }

  email(index: number): string {
    const person = index / this.stride;
    return Number.isInteger(person) && person < this.present ? personEmail(person) : `user${index}@directory.example`;
  }

  /** The user index holding `email` (any case), if one does. */
  indexOf(email: string): number | undefined {
    const lower = email.toLowerCase();
    const person = /^person(\d+)@example\.com$/.exec(lower);
    if (person) {
      const p = Number(person[1]);
      return p < this.present ? p * this.stride : undefined;
    }
    const filler = /^user(\d+)@directory\.example$/.exec(lower);
    const index = filler ? Number(filler[1]) : Number.NaN;
    return index < this.users && this.email(index) === lower ? index : undefined;
  }

  /** The id of user `index` as `discover` reports it. */
  static id(provider: Provider, index: number): string {
    switch (provider) {
      case 'gcore':
        return String(1_000_000 + index);
      case 'cloudflare':
        return `3f7a2c1e-9b4d-4e6f-8a2b-${hex12(index)}`;
      case 'nscale':
        return `a142f641-7fd6-4ab9-a875-${hex12(index)}`;
      case 'liveperson':
        return String(4_000_000 + index);
    }
  }
}

// The answers, in the shapes the specs give (the builders the offboard tests' spec-checked fake uses).
const gcoreUser = (directory: Directory, index: number) =>
  answers.gcoreUser(1_000_000 + index, directory.email(index), [Number(ACCOUNTS.gcore)]);

/**
 * The account holding the user, as the Reseller API lists it for `users_email`. Gcore does not
 * say whether that filter also narrows each account's `users`; the fake narrows it to the match
 * (otherwise every answer would carry the account's 50,000 users).
 */
const gcoreResellerAccount = (directory: Directory, index: number) => {
  const account = Number(ACCOUNTS.gcore);
  return answers.gcoreClient(account, [answers.gcoreResellerUser(1_000_000 + index, directory.email(index), account)]);
};

const cloudflareUser = (directory: Directory, index: number) =>
  answers.cloudflareUser(Directory.id('cloudflare', index), directory.email(index));

const cloudflareEnvelope = (
  result: unknown[],
  info: { page: number; per_page: number; total_count: number; total_pages: number },
) => ({ ...answers.cloudflareSuccess(result), result_info: { ...info, count: result.length } });

const nscaleUser = (directory: Directory, index: number) =>
  answers.nscaleUser(Directory.id('nscale', index), directory.email(index), ACCOUNTS.nscale);

const nscaleOrganization = answers.nscaleOrganization(ACCOUNTS.nscale);

// `select=id,loginName,email`: only those fields.
const livepersonUser = (directory: Directory, index: number) => ({
  id: 4_000_000 + index,
  loginName: `agent${4_000_000 + index}`,
  email: directory.email(index),
});

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, n) => from + n);

type Counts = Record<Provider, { directory: number; perPerson: number; bytes: number }>;

interface FakeDirectories {
  readonly url: string;
  /** Requests and bytes answered since the last call, by provider and kind; then starts again from 0. */
  take(): { counts: Counts; unexpected: string[] };
  /** Serialises every big answer the library asks for (pages of 1,000, whole lists) now, uncounted. */
  warm(): void;
  close(): Promise<void>;
}

/**
 * The four providers' list and search routes on one loopback server. Big answers (pages, whole
 * user lists) are serialised the first time they are asked for and then served from memory.
 */
async function startFakeDirectories(directory: Directory): Promise<FakeDirectories> {
  const cache = new Map<string, Buffer>();
  const cached = (key: string, build: () => unknown) => {
    let body = cache.get(key);
    if (!body) {
      body = Buffer.from(JSON.stringify(build()));
      cache.set(key, body);
    }
    return body;
  };
  const empty = (): Counts => ({
    gcore: { directory: 0, perPerson: 0, bytes: 0 },
    cloudflare: { directory: 0, perPerson: 0, bytes: 0 },
    nscale: { directory: 0, perPerson: 0, bytes: 0 },
    liveperson: { directory: 0, perPerson: 0, bytes: 0 },
  });
  const { users } = directory;
  // The directory answers: a page, or a whole list.
  const bodies = {
    gcore: (offset: number, limit: number) =>
      cached(`gcore:${offset}:${limit}`, () => ({
        count: users,
        next: offset + limit < users ? `/users?offset=${offset + limit}&limit=${limit}` : null,
        previous: offset > 0 ? `/users?offset=${Math.max(0, offset - limit)}&limit=${limit}` : null,
        results: range(offset, Math.min(users, offset + limit)).map((index) => gcoreUser(directory, index)),
      })),
    cloudflare: (page: number, perPage: number) =>
      cached(`cloudflare:${page}:${perPage}`, () =>
        cloudflareEnvelope(
          range((page - 1) * perPage, Math.min(users, page * perPage)).map((index) => cloudflareUser(directory, index)),
          { page, per_page: perPage, total_count: users, total_pages: Math.ceil(users / perPage) },
        ),
      ),
    nscale: () => cached('nscale', () => range(0, users).map((index) => nscaleUser(directory, index))),
    liveperson: () => cached('liveperson', () => range(0, users).map((index) => livepersonUser(directory, index))),
  };
  let counts = empty();
  let unexpected: string[] = [];
  const number = (value: string | null, fallback: number) =>
    value !== null && /^\d+$/.test(value) ? Number(value) : fallback;

  const answer = (
    response: ServerResponse,
    provider: Provider | undefined,
    kind: 'directory' | 'perPerson',
    status: number,
    body: unknown,
  ) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    if (provider) {
      counts[provider][kind]++;
      counts[provider].bytes += bytes.length;
    }
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
    response.end(bytes);
  };

  const route = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const query = url.searchParams;
    const { pathname } = url;
    const refuse = (status: number, body: unknown) => {
      unexpected.push(`${request.method} ${request.url} → ${status}`);
      answer(response, undefined, 'directory', status, body);
    };
    if (request.method !== 'GET') return refuse(405, { message: 'the fake only lists' });
    if (!request.headers.authorization) return refuse(401, { message: 'no credentials' });

    if (pathname === '/iam/users') {
      const offset = number(query.get('offset'), 0);
      const limit = Math.min(number(query.get('limit'), 100), PAGE_SIZE);
      return answer(response, 'gcore', 'directory', 200, bodies.gcore(offset, limit));
    }
    if (pathname === '/iam/clients') {
      const email = query.get('users_email');
      if (email === null) return refuse(400, { message: 'the fake only answers users_email' });
      const index = directory.indexOf(email);
      const results = index === undefined ? [] : [gcoreResellerAccount(directory, index)];
      return answer(response, 'gcore', 'perPerson', 200, {
        count: results.length,
        next: null,
        previous: null,
        results,
      });
    }
    const cloudflare = /^\/accounts\/([^/]+)\/access\/users$/.exec(pathname);
    if (cloudflare) {
      if (cloudflare[1] !== ACCOUNTS.cloudflare) return refuse(404, { success: false, errors: [], messages: [] });
      const page = Math.max(1, number(query.get('page'), 1));
      const perPage = Math.min(Math.max(1, number(query.get('per_page'), 25)), PAGE_SIZE);
      const email = query.get('email');
      if (email !== null) {
        // Filtered: exact (case aside) here; the library compares every address again anyway.
        const index = directory.indexOf(email);
        const result = index === undefined || page > 1 ? [] : [cloudflareUser(directory, index)];
        return answer(
          response,
          'cloudflare',
          'perPerson',
          200,
          cloudflareEnvelope(result, { page, per_page: perPage, total_count: users, total_pages: 1 }),
        );
      }
      return answer(response, 'cloudflare', 'directory', 200, bodies.cloudflare(page, perPage));
    }
    const nscale = /^\/api\/v1\/organizations\/([^/]+)\/users$/.exec(pathname);
    if (nscale) {
      if (nscale[1] !== ACCOUNTS.nscale) return refuse(404, { error: 'not_found', error_description: 'no such org' });
      return answer(response, 'nscale', 'directory', 200, bodies.nscale());
    }
    if (pathname === '/api/v1/organizations') {
      const email = query.get('email');
      if (email === null) return refuse(400, { error: 'invalid_request', error_description: 'the fake needs email' });
      // nscale: 404 when no user has the address.
      if (directory.indexOf(email) === undefined)
        return answer(response, 'nscale', 'perPerson', 404, {
          error: 'not_found',
          error_description: 'resource not found',
        });
      return answer(response, 'nscale', 'perPerson', 200, [nscaleOrganization]);
    }
    const liveperson = /^\/api\/account\/([^/]+)\/configuration\/le-users\/users$/.exec(pathname);
    if (liveperson) {
      if (liveperson[1] !== ACCOUNTS.liveperson || query.get('v') !== '4.0')
        return refuse(400, { message: 'unknown account, or v=4.0 missing' });
      return answer(response, 'liveperson', 'directory', 200, bodies.liveperson());
    }
    return refuse(404, { message: `no route ${pathname}` });
  };

  const server = await startLoopbackServer(route);
  return {
    url: server.url,
    take: () => {
      const taken = { counts, unexpected };
      counts = empty();
      unexpected = [];
      return taken;
    },
    warm: () => {
      for (let page = 0; page * PAGE_SIZE < users; page++) {
        bodies.gcore(page * PAGE_SIZE, PAGE_SIZE);
        bodies.cloudflare(page + 1, PAGE_SIZE);
      }
      bodies.nscale();
      bodies.liveperson();
    },
    close: () => server.close(),
  };
}

// The measured side, in its own process: plain node, the built packages, nothing else loaded.
// `discover` runs the library on every person at once; `per-person` asks Cloudflare with
// `?email=` for every person, and runs `discover([email])` for each sampled person in each other
// account; both `concurrency` at a time.
const CHILD = `
import { readFileSync } from 'node:fs';
const input = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const mode = process.argv[2];
const { createOffboarder } = await import(input.modules.offboard);
const bounded = async (items, limit, work) => {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) { const index = next++; results[index] = await work(items[index]); }
  }));
  return results;
};
const configOf = (accounts) => ({ file: 'bench', accounts: accounts.map((a, n) => ({ ...a, where: 'bench:' + (n + 1) })) });
const timedRun = async (work) => { const started = performance.now(); const value = await work(); return { seconds: (performance.now() - started) / 1000, value }; };
const out = {};
if (mode === 'discover') {
  const offboarder = createOffboarder({ config: configOf(input.accounts), concurrency: input.concurrency });
  const { seconds, value } = await timedRun(() => offboarder.discover(input.emails));
  await offboarder.close();
  Object.assign(out, {
    seconds,
    entries: value.entries.map((e) => [e.email, e.provider, e.users, e.error ?? null]),
    targets: value.targets.length, ambiguous: value.ambiguous.length, unconfigured: value.unconfigured.length, warnings: value.warnings,
  });
} else {
  const { createClient } = await import(input.modules.cloudflare);
  const cloudflare = input.accounts.find((a) => a.provider === 'cloudflare');
  const client = createClient({ baseUrl: process.env.CLOUDFLARE_BASE_URL, apiToken: process.env.CLOUDFLARE_API_TOKEN });
  const filtered = await timedRun(() => bounded(input.emails, input.concurrency, async (email) => {
    const { data } = await client.GET('/accounts/{account_id}/access/users', {
      params: { path: { account_id: cloudflare.account }, query: { email, per_page: 1000 } },
    });
    return [email, 'cloudflare', (data.result ?? []).filter((u) => u.email?.toLowerCase() === email).map((u) => String(u.id)), null];
  }));
  out.cloudflare = { seconds: filtered.seconds, people: input.emails.length, entries: filtered.value };
  for (const account of input.accounts.filter((a) => a.provider !== 'cloudflare')) {
    const offboarder = createOffboarder({ config: configOf([account]), concurrency: input.concurrency });
    const sampled = await timedRun(() => bounded(input.sample, input.concurrency, (email) => offboarder.discover([email])));
    await offboarder.close();
    const entries = sampled.value.flatMap((d) => d.entries.map((e) => [e.email, e.provider, e.users, e.error ?? null]));
    out[account.provider] = { seconds: sampled.seconds, people: input.sample.length, entries };
  }
}
process.stdout.write(JSON.stringify(out));
`;

type Entry = [email: string, provider: string, users: string[], error: string | null];

export interface DiscoveryCost {
  readonly provider: Provider;
  /** What the kinds of requests are called for this provider (singular). */
  readonly kinds: { readonly directory: string; readonly perPerson: string };
  /** Requests of the discovery: reads of the directory, and per-person look-ups. */
  readonly directory: number;
  readonly lookups: number;
  readonly bytes: number;
  /** Asking each person on their own: for all the people, measured (Cloudflare) or extrapolated from a sample. */
  readonly perPerson: {
    readonly requests: number;
    readonly bytes: number;
    readonly seconds: number;
    /** How many people were actually asked (all of them, or the sample). */
    readonly asked: number;
    /** Of the people asked, how many came back wrong (a present person not found with their one id, an absent one found). */
    readonly wrong: number;
  };
}

export interface DiscoveryResult {
  readonly people: number;
  readonly present: number;
  readonly users: number;
  readonly concurrency: number;
  readonly sample: number;
  /** The `discover` call alone, and the child process as a whole (start-up and module loading included). */
  readonly seconds: number;
  readonly processSeconds: number;
  readonly peakMb: number;
  /** The same run under V8's `--optimize-for-size`, as the `offboard` CLI runs (packages/offboard/bin/offboard.js). */
  readonly optimizedForSize: { readonly seconds: number; readonly peakMb: number };
  /** Entries of a present person with exactly their one user id, of `present × accounts` (the lower of the two runs). */
  readonly found: number;
  /** Entries that are wrong, in either run: a present person without exactly their id, an absent one with any user. */
  readonly wrong: number;
  readonly errors: number;
  readonly targets: number;
  readonly warnings: readonly string[];
  /** Requests the fake did not expect, or runs whose requests differ (any: the bench and the library drifted apart). */
  readonly unexpected: readonly string[];
  readonly costs: readonly DiscoveryCost[];
}

/** How many entries are right and wrong: a present person must come back with exactly their own id, an absent one with none. */
function check(directory: Directory, entries: readonly Entry[]): { found: number; wrong: number; errors: number } {
  let found = 0;
  let wrong = 0;
  let errors = 0;
  for (const [email, provider, users, error] of entries) {
    if (error !== null) errors++;
    const index = directory.indexOf(email);
    const expected = index === undefined ? [] : [Directory.id(provider as Provider, index)];
    if (users.length === expected.length && users.every((user, n) => user === expected[n])) {
      if (expected.length > 0) found++;
    } else wrong++;
  }
  return { found, wrong, errors };
}

interface DiscoverOutput {
  readonly seconds: number;
  readonly entries: Entry[];
  readonly targets: number;
  readonly warnings: string[];
}

type PerPersonOutput = Record<Provider, { seconds: number; people: number; entries: Entry[] }>;

export async function benchDiscovery({
  people = 1000,
  present = 500,
  users = 50_000,
  sample = 16,
  concurrency = 8,
} = {}): Promise<DiscoveryResult> {
  const directory = new Directory(users, present);
  const emails = range(0, people).map(personEmail);
  // Half of the sample present, half absent, as in the whole.
  const half = Math.ceil(sample / 2);
  const sampled = [...range(0, Math.min(half, present)), ...range(present, Math.min(people, present + sample - half))]
    .slice(0, sample)
    .map(personEmail);
  const require = createRequire(path.join(repoRoot, 'tools/bench/package.json'));
  const modules = {
    offboard: pathToFileURL(require.resolve('@offboard/offboard')).href,
    cloudflare: pathToFileURL(require.resolve('@offboard/cloudflare-access')).href,
  };
  const accounts = PROVIDERS.map((provider) => ({ provider, account: ACCOUNTS[provider] }));
  const fake = await startFakeDirectories(directory);
  const scratch = await tempDir('bench-discovery');
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      GCORE_API_KEY: 'bench-key-123',
      GCORE_BASE_URL: fake.url,
      CLOUDFLARE_API_TOKEN: 'bench-token-123',
      CLOUDFLARE_BASE_URL: fake.url,
      NSCALE_ACCESS_TOKEN: 'bench-token-123',
      NSCALE_BASE_URL: fake.url,
      LIVEPERSON_ACCESS_TOKEN: 'bench-token-123',
      LIVEPERSON_BASE_URL: fake.url,
    };
    const input = path.join(scratch.dir, 'input.json');
    await writeFile(input, JSON.stringify({ modules, accounts, emails, sample: sampled, concurrency }));
    const runChild = async <Output>(mode: 'discover' | 'per-person', flags: readonly string[] = []) => {
      const run = await timed(process.execPath, [...flags, '--input-type=module', '-e', CHILD, input, mode], { env });
      return { run, output: JSON.parse(run.stdout) as Output, ...fake.take() };
    };

    // The fake serialises its pages before anything is timed, so no run pays for that.
    fake.warm();
    const discovered = await runChild<DiscoverOutput>('discover');
    const small = await runChild<DiscoverOutput>('discover', ['--optimize-for-size']);
    const asked = await runChild<PerPersonOutput>('per-person');
    const unexpected = [...discovered.unexpected, ...small.unexpected, ...asked.unexpected];
    if (JSON.stringify(small.counts) !== JSON.stringify(discovered.counts))
      unexpected.push(`the run under --optimize-for-size sent other requests: ${JSON.stringify(small.counts)}`);

    const costs = PROVIDERS.map((provider): DiscoveryCost => {
      const own = discovered.counts[provider];
      const alone = asked.counts[provider];
      const { seconds, people: askedPeople, entries } = asked.output[provider];
      const scale = people / askedPeople;
      return {
        provider,
        kinds: KINDS[provider],
        directory: own.directory,
        lookups: own.perPerson,
        bytes: own.bytes,
        perPerson: {
          requests: Math.round((alone.directory + alone.perPerson) * scale),
          bytes: Math.round(alone.bytes * scale),
          seconds: seconds * scale,
          asked: askedPeople,
          wrong: check(directory, entries).wrong,
        },
      };
    });
    const first = check(directory, discovered.output.entries);
    const second = check(directory, small.output.entries);
    return {
      people,
      present,
      users,
      concurrency,
      sample: sampled.length,
      seconds: discovered.output.seconds,
      processSeconds: discovered.run.seconds,
      peakMb: discovered.run.peakMb,
      optimizedForSize: { seconds: small.output.seconds, peakMb: small.run.peakMb },
      found: Math.min(first.found, second.found),
      wrong: first.wrong + second.wrong,
      errors: first.errors + second.errors,
      targets: discovered.output.targets,
      warnings: discovered.output.warnings,
      unexpected,
      costs,
    };
  } finally {
    await fake.close();
    await scratch.remove();
  }
}
