import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { OffboardError } from '@offboard/runtime';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPlan,
  formatDuration,
  PLAN_FORMAT,
  type PlanDocument,
  type PlanTarget,
  parseDuration,
  planChecksum,
  readPlan,
  writePlan,
} from './plan-file.js';
import { builtInRegistry } from './registry.js';
import { InputError } from './types.js';

const NOW = new Date('2025-06-01T12:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const OPTIONS = { now: NOW, maxAgeMs: DAY, registry: builtInRegistry };

const CLOUDFLARE_ACCOUNT = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const CLOUDFLARE_USER = '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b';
const NSCALE_ORG = '79f64482-1271-44b8-a1d4-d83e418eddf2';
const NSCALE_USER = 'cef8afbf-976c-4b28-ab01-216c3aed0b7a';

type Content = Omit<PlanDocument, 'format' | 'checksum'>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function targets(): PlanTarget[] {
  return [
    {
      provider: 'gcore',
      account: '200001',
      user: '1001',
      email: 'ada@example.com',
      outcome: 'planned',
      reason: 'would remove the user from account 200001',
      steps: [
        { method: 'GET', path: '/iam/users/1001', status: 200, at: '2025-06-01T10:59:58.120Z', requestId: 'req-1' },
        { method: 'GET', path: '/iam/users/1001/api_tokens?client_id=200001', status: 200 },
        { method: 'DELETE', path: '/iam/clients/200001/client-users/1001', status: null },
      ],
      facts: { present: true, accounts: [200001], 'tokens in 200001': [] },
    },
    {
      provider: 'cloudflare',
      account: CLOUDFLARE_ACCOUNT,
      user: CLOUDFLARE_USER,
      email: 'ada@example.com',
      outcome: 'planned',
      steps: [
        { method: 'GET', path: `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`, status: 200 },
        { method: 'DELETE', path: `/accounts/${CLOUDFLARE_ACCOUNT}/access/users/${CLOUDFLARE_USER}`, status: null },
      ],
      facts: { present: true, seat: { access: true, gateway: false } },
    },
    {
      provider: 'nscale',
      account: NSCALE_ORG,
      user: NSCALE_USER,
      outcome: 'planned',
      steps: [{ method: 'DELETE', path: `/api/v1/organizations/${NSCALE_ORG}/users/${NSCALE_USER}`, status: null }],
      facts: { present: true },
    },
    {
      provider: 'liveperson',
      account: '12345678',
      user: '4085930212',
      outcome: 'blocked',
      reason: 'two users have this address: plan by id',
      steps: [{ method: 'GET', path: '/api/account/12345678/configuration/le-users/users', status: 200 }],
      facts: { matches: ['4085930212', '4085930213'], revision: null, ratio: 0.5 },
    },
  ];
}

function content(): Content {
  return {
    created: '2025-06-01T11:00:00.000Z',
    tool: { name: '@offboard/offboard', version: '0.1.0' },
    flags: { revokeTokens: true, allAccounts: false, maxRevisionRetries: 3, input: { emails: ['ada@example.com'] } },
    config: 'offboard.yaml',
    discovery: {
      entries: [
        { email: 'ada@example.com', provider: 'gcore', account: '200001', users: ['1001'] },
        { email: 'ada@example.com', provider: 'liveperson', account: '12345678', users: [], error: 'HTTP 503' },
      ],
      notInConfig: [{ email: 'ada@example.com', provider: 'gcore', accounts: ['200002'] }],
      warnings: ['gcore: 2 users listed twice'],
    },
    targets: targets(),
  };
}

/** A plan as JSON that can be changed at will. */
function mutable(plan: PlanDocument = createPlan(content())): Record<string, Json> {
  return JSON.parse(JSON.stringify(plan)) as Record<string, Json>;
}

/** `data` with its checksum recomputed: then only the schema or the later checks can refuse it. */
function sealed(data: Record<string, Json>): Record<string, Json> {
  return { ...data, checksum: planChecksum(data as unknown as PlanDocument) };
}

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'offboard-plan-'));
  file = path.join(dir, 'plan.json');
});

afterEach(async () => {
  await chmod(dir, 0o700).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function put(data: unknown, indent = 2): Promise<void> {
  await writeFile(file, typeof data === 'string' ? data : JSON.stringify(data, null, indent));
}

/** The message readPlan refuses the current file with (it must refuse with an InputError). */
async function refusal(options = OPTIONS): Promise<string> {
  const error = await readPlan(file, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).message;
}

/** What a message must never hold: a raw control character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('createPlan, writePlan, readPlan', () => {
  it('reads back exactly what it wrote, as pretty JSON with a newline, mode 0600', async () => {
    const plan = createPlan(content());
    expect(plan.format).toBe(PLAN_FORMAT);
    expect(plan.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    await writePlan(file, plan);
    expect(await readPlan(file, OPTIONS)).toEqual(plan);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`${JSON.stringify(plan, null, 2)}\n`);
    expect(text.startsWith('{\n  "format": "offboard-plan/1",')).toBe(true);
  });

  it('keeps content as JSON keeps it, and its checksum is the file`s', async () => {
    const raw = { ...content(), config: undefined } as unknown as Content;
    const plan = createPlan(raw);
    expect('config' in plan).toBe(false);
    expect(plan.checksum).toBe(planChecksum(mutable(plan) as unknown as PlanDocument));
  });

  it('reads a re-indented, minified or reordered plan', async () => {
    const plan = createPlan(content());
    for (const text of [
      JSON.stringify(plan),
      JSON.stringify(plan, null, '\t'),
      JSON.stringify(plan, null, 7).replace(/\n/g, '\r\n'),
      `\uFEFF${JSON.stringify(plan)}\n\n`,
      JSON.stringify(Object.fromEntries(Object.entries(plan).reverse())),
    ]) {
      await put(text);
      expect(await readPlan(file, OPTIONS)).toEqual(plan);
    }
  });

  it('reads plans with no targets, no config, no discovery, and each kind of input', async () => {
    const { config: _config, discovery: _discovery, ...rest } = content();
    const inputs: PlanDocument['flags']['input'][] = [
      { emails: ['a@example.com', 'b@example.com'] },
      { people: 'people.csv' },
      { batch: 'batch.csv' },
      { target: { provider: 'gcore', account: '0200001', user: ' 1001' } },
    ];
    for (const input of inputs) {
      const plan = createPlan({ ...rest, flags: { ...rest.flags, input }, targets: [] });
      await writePlan(file, plan);
      expect(await readPlan(file, OPTIONS)).toEqual(plan);
    }
  });

  it('accepts a plan exactly --max-age old, and one up to 5 minutes in the future', async () => {
    for (const created of ['2025-05-31T12:00:00.000Z', '2025-06-01T12:04:59.000Z', '2025-06-01T12:00:00Z']) {
      await writePlan(file, createPlan({ ...content(), created }));
      await expect(readPlan(file, OPTIONS)).resolves.toMatchObject({ created });
    }
    await writePlan(file, createPlan({ ...content(), created: '2020-01-01T00:00:00.000Z' }));
    await expect(readPlan(file, { ...OPTIONS, maxAgeMs: Number.POSITIVE_INFINITY })).resolves.toBeDefined();
  });

  it('createPlan refuses content that does not fit the schema, or a target listed twice (a caller bug)', () => {
    const bad = content();
    const steps = [{ method: 'GET', path: '/x', status: 200.5 }];
    expect(() => createPlan({ ...bad, targets: [{ ...bad.targets[0]!, steps }] })).toThrow(
      /^createPlan: targets\[0\]\.steps\[0\]\.status: must be an integer or null \(got 200\.5\)$/,
    );
    expect(() => createPlan({ ...bad, targets: [...bad.targets, bad.targets[2]!] })).toThrow(
      new OffboardError(
        `createPlan: targets[4]: nscale/${NSCALE_ORG}/${NSCALE_USER} is listed twice (targets[2] and targets[4])`,
      ),
    );
    expect(() => createPlan({ ...bad, created: 'yesterday' })).not.toThrow(InputError);
    expect(() => createPlan({ ...bad, created: 'yesterday' })).toThrow(/^createPlan: created: must be a time/);
  });

  it('writePlan refuses a plan whose checksum does not match it', async () => {
    const plan = createPlan(content());
    await expect(writePlan(file, { ...plan, config: 'other.yaml' })).rejects.toThrow(
      /^writePlan: the plan does not match its checksum/,
    );
    await expect(writePlan(file, { ...plan, format: 'offboard-plan/2' as typeof PLAN_FORMAT })).rejects.toThrow(
      OffboardError,
    );
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a 10,000-target plan back', async () => {
    const many: PlanTarget[] = Array.from({ length: 10_000 }, (_, index) => ({
      provider: 'gcore',
      account: String(200_000 + (index % 7)),
      user: String(10_000 + index),
      email: `person${index}@example.com`,
      outcome: 'planned',
      steps: [
        { method: 'GET', path: `/iam/users/${10_000 + index}`, status: 200, at: '2025-06-01T10:59:58.120Z' },
        { method: 'GET', path: `/iam/users/${10_000 + index}/api_tokens`, status: 200 },
        { method: 'DELETE', path: `/iam/clients/${200_000 + (index % 7)}/users/${10_000 + index}`, status: null },
      ],
      facts: { present: true, accounts: [200_000 + (index % 7)], tokens: [] },
    }));
    const plan = createPlan({ ...content(), targets: many });
    await writePlan(file, plan);
    const read = await readPlan(file, OPTIONS);
    expect(read.targets).toHaveLength(10_000);
    expect(read).toEqual(plan);
    // The last target duplicating the first is still found.
    const data = mutable(plan);
    (data.targets as Json[]).push((data.targets as Json[])[0]!);
    await put(sealed(data));
    expect(await refusal()).toMatch(/: targets\[10000\]: gcore\/200000\/10000 is listed twice \(targets\[0\] and/);
  });
});

describe('writePlan is atomic', () => {
  it('replaces an existing plan and leaves only the plan in the directory', async () => {
    await writePlan(file, createPlan(content()));
    const second = createPlan({ ...content(), config: 'second.yaml' });
    await writeFile(file, 'old', { mode: 0o644 });
    await writePlan(file, second);
    expect(await readPlan(file, OPTIONS)).toEqual(second);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['plan.json']);
  });

  it('refuses a directory that does not exist with an InputError naming the path and code', async () => {
    const missing = path.join(dir, 'no-such-dir', 'plan.json');
    const error = await writePlan(missing, createPlan(content())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      `${missing}: cannot write the plan (ENOENT): check that the directory exists and is writable, or write it elsewhere`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no temp file when the rename fails (the target is a directory)', async () => {
    const target = path.join(dir, 'plan.json');
    await mkdir(target);
    await writeFile(path.join(target, 'keep'), 'x');
    const error = await writePlan(target, createPlan(content())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^.*plan\.json: cannot write the plan \((EISDIR|ENOTEMPTY|EEXIST)\)/);
    expect(await readdir(dir)).toEqual(['plan.json']);
    expect(await readdir(target)).toEqual(['keep']);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a directory it cannot write, leaving the old plan', async () => {
    const plan = createPlan(content());
    await writePlan(file, plan);
    await chmod(dir, 0o500);
    const error = await writePlan(file, createPlan({ ...content(), config: 'x.yaml' })).catch((caught) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('(EACCES)');
    await chmod(dir, 0o700);
    expect(await readdir(dir)).toEqual(['plan.json']);
    expect(await readPlan(file, OPTIONS)).toEqual(plan);
  });
});

describe('readPlan refuses', () => {
  const plan = () => createPlan(content());

  it('a file it cannot read, with the errno code', async () => {
    expect(await refusal()).toBe(
      `${file}: cannot read the plan (ENOENT): check the file name, or make one with offboard plan --out`,
    );
    await mkdir(file);
    expect(await refusal()).toMatch(/^.*plan\.json: cannot read the plan \(EISDIR\)/);
  });

  it('an empty file', async () => {
    await put(' \n');
    expect(await refusal()).toBe(`${file}: is empty, not a plan: plan again`);
  });

  it('text that is not JSON, with its line and column', async () => {
    const cases: [string, string][] = [
      ['{\n  "format": "offboard-plan/1",\n}', ':3:1: not valid JSON (expected a key in double quotes, got "}")'],
      ['{"a": [1, 2,]}', ':1:13: not valid JSON (expected a value, got "]")'],
      ['{"a": 1', ':1:8: not valid JSON (it ends early, expected "}")'],
      ['{"a": "b', ':1:7: not valid JSON (a string is not closed: "\\"b")'],
      ['{"a": 01}', ':1:8: not valid JSON (expected ",", got "1")'],
      ['{"a": tru}', ':1:7: not valid JSON (not a JSON value: "tru")'],
      ['{"a": "\\x"}', ':1:7: not valid JSON (an invalid escape in a string: "\\"\\\\x\\"")'],
      ['{"a": "\\u12"}', ':1:7: not valid JSON (a \\u escape needs 4 hex digits: "\\"\\\\u12\\"")'],
      ['{} {}', ':1:4: not valid JSON (more after the end of the plan, got "{")'],
      ["{'a': 1}", ':1:2: not valid JSON (not a JSON value: "\'a\'")'],
      ['{"a": NaN}', ':1:7: not valid JSON (not a JSON value: "NaN")'],
    ];
    for (const [text, message] of cases) {
      await put(text);
      expect(await refusal()).toBe(`${file}${message}: plan again`);
    }
  });

  it('a raw control character or escape sequence, shown escaped', async () => {
    await put('{"a": "x\u001b[31mred"}');
    const message = await refusal();
    expect(message).toBe(
      `${file}:1:9: not valid JSON (a control character inside a string (it must be escaped): "\\u001b"): plan again`,
    );
    expect(message).not.toMatch(CONTROL);
  });

  it('a key written twice, even with the same value', async () => {
    const text = JSON.stringify(plan(), null, 2).replace('"user": "1001",', '"user": "1001",\n      "user": "1001",');
    await put(text);
    expect(await refusal()).toMatch(
      /^.*plan\.json:\d+:7: targets\[0\]: key "user" appears twice: plan again; do not edit a plan by hand$/,
    );
    await put('{"a": {"\\u0062": 1, "b": 2}}');
    expect(await refusal()).toBe(`${file}:1:21: a: key "b" appears twice: plan again; do not edit a plan by hand`);
  });

  it('nesting deeper than 100 levels', async () => {
    await put(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(await refusal()).toMatch(/^.*plan\.json:1:101: nests deeper than 100 levels: plan again$/);
  });

  it('a file that is not an offboard plan', async () => {
    const notAPlan = `${file}: not an offboard plan (it has no "format": "offboard-plan/1"): make one with offboard plan --out`;
    for (const data of [[], '"plan"', 'null', 1, { targets: [] }, { format: 1 }, { format: null }])
      await put(data).then(async () => expect(await refusal()).toBe(notAPlan));
    await put({ format: 'terraform-plan/1' });
    expect(await refusal()).toBe(
      `${file}: not an offboard plan (format "terraform-plan/1", expected "offboard-plan/1"): make one with offboard plan --out`,
    );
    await put({ format: `offboard-plan/1\u001b[2J${'x'.repeat(200)}` });
    const message = await refusal();
    expect(message).not.toMatch(CONTROL);
    expect(message.length).toBeLessThan(250);
    expect(message).toContain('"offboard-plan/1\\u001b[2Jxxx');
  });

  it('a plan made by another version of offboard', async () => {
    await put(sealed({ ...mutable(plan()), format: 'offboard-plan/2' }));
    expect(await refusal()).toBe(
      `${file}: made by a different version of offboard (format "offboard-plan/2"): this one reads offboard-plan/1; plan again with this version`,
    );
  });

  describe('what does not fit the schema (checksum recomputed: the schema refuses it)', () => {
    type Edit = (data: Record<string, Json>) => void;
    const target = (data: Record<string, Json>, index: number) =>
      (data.targets as Record<string, Json>[])[index] as Record<string, Json>;
    const step = (data: Record<string, Json>, index: number, at: number) =>
      (target(data, index).steps as Record<string, Json>[])[at] as Record<string, Json>;
    const cases: [string, Edit, RegExp][] = [
      [
        'a status that is a string',
        (data) => {
          step(data, 3, 0).status = '200';
        },
        /:\d+:\d+: targets\[3\]\.steps\[0\]\.status: must be an integer or null \(got "200"\)/,
      ],
      [
        'a status out of range',
        (data) => {
          step(data, 0, 1).status = 600;
        },
        /: targets\[0\]\.steps\[1\]\.status: must be at most 599 \(got 600\)/,
      ],
      [
        'a status that is not an integer',
        (data) => {
          step(data, 0, 1).status = 200.5;
        },
        /: targets\[0\]\.steps\[1\]\.status: must be an integer or null \(got 200\.5\)/,
      ],
      [
        'an unknown key at the top',
        (data) => {
          data.approvedBy = 'me';
        },
        /:\d+:3: approvedBy: unknown key \(expected format, created, tool, flags, config, discovery, targets, checksum\)/,
      ],
      [
        'an unknown key in a step',
        (data) => {
          step(data, 1, 0).body = {};
        },
        /: targets\[1\]\.steps\[0\]\.body: unknown key \(expected method, path, status, at, requestId\)/,
      ],
      [
        'a missing key',
        (data) => {
          delete target(data, 2).user;
        },
        /: targets\[2\]: missing user/,
      ],
      [
        'an outcome a plan cannot have',
        (data) => {
          target(data, 0).outcome = 'deleted';
        },
        /: targets\[0\]\.outcome: must be one of "planned", "blocked", "failed" \(got "deleted"\)/,
      ],
      [
        'two inputs',
        (data) => {
          (data.flags as Record<string, Json>).input = { emails: ['a@example.com'], batch: 'b.csv' };
        },
        /: flags\.input: must have exactly one of emails, people, batch, target/,
      ],
      [
        'a created time that is not UTC',
        (data) => {
          data.created = '2025-06-01T13:00:00+01:00';
        },
        /: created: must be a time in ISO 8601 in UTC, like 2025-01-31T09:00:00\.000Z \(got "2025-06-01T13:00:00\+01:00"\)/,
      ],
      [
        'an impossible date',
        (data) => {
          data.created = '2025-02-30T10:00:00.000Z';
        },
        /: created: must be a time in ISO 8601 in UTC/,
      ],
      [
        'a method in lower case',
        (data) => {
          step(data, 0, 2).method = 'delete';
        },
        /: targets\[0\]\.steps\[2\]\.method: must be an HTTP method in upper case, like GET or DELETE \(got "delete"\)/,
      ],
      [
        'facts that are not an object',
        (data) => {
          target(data, 1).facts = [];
        },
        /: targets\[1\]\.facts: must be an object \(got an array\)/,
      ],
      [
        'maxRevisionRetries out of range',
        (data) => {
          (data.flags as Record<string, Json>).maxRevisionRetries = -1;
        },
        /: flags\.maxRevisionRetries: must be at least 0 \(got -1\)/,
      ],
      [
        'an empty user id',
        (data) => {
          target(data, 1).user = '';
        },
        /: targets\[1\]\.user: must not be empty/,
      ],
      [
        'a discovery entry without users',
        (data) => {
          delete ((data.discovery as Record<string, Json>).entries as Record<string, Json>[])[1]!.users;
        },
        /: discovery\.entries\[1\]: missing users/,
      ],
    ];
    it.each(cases)('%s', async (_, edit, message) => {
      const data = mutable(plan());
      edit(data);
      await put(sealed(data));
      const refused = await refusal();
      expect(refused.startsWith(file)).toBe(true);
      expect(refused).toMatch(message);
      expect(refused).toMatch(/: plan again; do not edit a plan by hand$/);
    });

    it('points at the line and column of the value', async () => {
      const data = mutable(plan());
      step(data, 3, 0).status = '200';
      const text = JSON.stringify(sealed(data), null, 2);
      await put(text);
      const lines = text.split('\n');
      const line = lines.findIndex((candidate) => candidate.includes('"status": "200"'));
      const column = lines[line]!.indexOf('"status"') + 1;
      expect(await refusal()).toBe(
        `${file}:${line + 1}:${column}: targets[3].steps[0].status: must be an integer or null (got "200"): plan again; do not edit a plan by hand`,
      );
    });

    it('shows a long or control-character value escaped and cut', async () => {
      const data = mutable(plan());
      step(data, 0, 0).method = `GET\u001b]0;pwned\u0007${'A'.repeat(500)}`;
      await put(sealed(data));
      const message = await refusal();
      expect(message).not.toMatch(CONTROL);
      expect(message).toContain('(got "GET\\u001b]0;pwned\\u0007AAA');
      expect(message).not.toContain('A'.repeat(100));
    });

    it('quotes a key that is not an identifier', async () => {
      const data = mutable(plan());
      (data.flags as Record<string, Json>)['max age\n'] = 1;
      await put(sealed(data));
      expect(await refusal()).toMatch(/: flags\["max age\\n"\]: unknown key/);
    });

    it('lets facts hold any JSON', async () => {
      const data = mutable(plan());
      target(data, 0).facts = { '': null, 'a b': [1, [2, { c: 'd' }]], n: -1.5e300, '\u{1F600}': 'x', t: true };
      await put(sealed(data));
      const read = await readPlan(file, OPTIONS);
      expect(read.targets[0]!.facts).toEqual(target(data, 0).facts);
    });
  });

  it('a plan without a checksum, or with a malformed one', async () => {
    const { checksum: _checksum, ...rest } = mutable(plan());
    await put(rest);
    expect(await refusal()).toBe(
      `${file}: was changed after it was written (it has no checksum): plan again; do not edit a plan by hand`,
    );
    await put({ ...rest, checksum: 'md5:abc' });
    expect(await refusal()).toBe(
      `${file}: was changed after it was written (must be "sha256:" and 64 lower-case hex digits (got "md5:abc")): plan again; do not edit a plan by hand`,
    );
  });

  it('a plan changed after it was written', async () => {
    const data = mutable(plan());
    (data.flags as Record<string, Json>).allAccounts = true;
    await put(data);
    expect(await refusal()).toBe(
      `${file}: was changed after it was written (checksum mismatch): plan again; do not edit a plan by hand`,
    );
  });

  it('a plan created more than 5 minutes in the future', async () => {
    await put(sealed({ ...mutable(plan()), created: '2025-06-01T15:00:00.000Z' }));
    expect(await refusal()).toBe(
      `${file}: created in the future (2025-06-01T15:00:00.000Z, 3 h ahead of this machine): check this machine's clock (and the one that made the plan)`,
    );
    await put(sealed({ ...mutable(plan()), created: '2025-06-01T12:05:01.000Z' }));
    expect(await refusal()).toMatch(/created in the future \(2025-06-01T12:05:01\.000Z, 5 min ahead/);
  });

  it('a plan older than --max-age, saying how to allow it', async () => {
    await put(sealed({ ...mutable(plan()), created: '2025-05-31T10:00:00.000Z' }));
    expect(await refusal()).toBe(
      `${file}: is 26 h old, older than --max-age 24 h: plan again (or allow it with --max-age 26h)`,
    );
    await put(sealed({ ...mutable(plan()), created: '2025-05-29T07:30:00.000Z' }));
    expect(await refusal()).toBe(
      `${file}: is 3 d 4 h old, older than --max-age 24 h: plan again (or allow it with --max-age 4d)`,
    );
    await put(sealed({ ...mutable(plan()), created: '2025-06-01T11:58:30.000Z' }));
    expect(await refusal({ ...OPTIONS, maxAgeMs: 60_000 })).toBe(
      `${file}: is 90 s old, older than --max-age 60 s: plan again (or allow it with --max-age 2m)`,
    );
    await put(sealed({ ...mutable(plan()), created: '2025-05-31T11:59:59.000Z' }));
    expect(await refusal()).toBe(`${file}: is older than --max-age 24 h: plan again (or allow it with --max-age 25h)`);
    await put(sealed({ ...mutable(plan()), created: '2020-01-01T00:00:00.000Z' }));
    expect(await refusal()).toMatch(/: is 1978 d 12 h old, older than --max-age 24 h: plan again$/);
  });

  it('a leap second, which the schema allows but no clock reads', async () => {
    await put(sealed({ ...mutable(plan()), created: '2016-12-31T23:59:60.000Z' }));
    expect(await refusal()).toBe(
      `${file}: created: "2016-12-31T23:59:60.000Z" is not a time this machine can read: plan again`,
    );
  });

  it('a target at a provider the registry does not know', async () => {
    const data = mutable(plan());
    (data.targets as Record<string, Json>[])[1]!.provider = 'okta';
    await put(sealed(data));
    expect(await refusal()).toMatch(
      /^.*plan\.json:\d+:\d+: targets\[1\]\.provider: unknown provider "okta" \(expected one of gcore, cloudflare, nscale, liveperson\): plan again with this version of offboard$/,
    );
  });

  it('a target whose ids are not canonical, or break the provider`s rules', async () => {
    const cases: [number, string, string, RegExp][] = [
      [
        0,
        'account',
        '0200001',
        /targets\[0\]\.account: "0200001" is not in canonical form \(offboard writes "200001"\)/,
      ],
      [0, 'user', ' 1001', /targets\[0\]\.user: " 1001" is not in canonical form \(offboard writes "1001"\)/],
      [
        2,
        'user',
        NSCALE_USER.toUpperCase(),
        /targets\[2\]\.user: "CEF8AFBF-976C-4B28-AB01-216C3AED0B7A" is not in canonical form \(offboard writes "cef8afbf-976c-4b28-ab01-216c3aed0b7a"\)/,
      ],
      [0, 'account', 'acme', /targets\[0\]: gcore: account "acme" is not valid/],
      [1, 'user', '42', /targets\[1\]: cloudflare: user "42" is not valid/],
    ];
    for (const [index, field, value, message] of cases) {
      const data = mutable(plan());
      (data.targets as Record<string, Json>[])[index]![field] = value;
      await put(sealed(data));
      const refused = await refusal();
      expect(refused).toMatch(message);
      expect(refused).toMatch(/^.*plan\.json:\d+:\d+: .*: plan again with this version of offboard$/);
    }
  });

  it('a target listed twice', async () => {
    const data = mutable(plan());
    (data.targets as Json[]).push({ ...((data.targets as Json[])[0] as Record<string, Json>), outcome: 'blocked' });
    await put(sealed(data));
    expect(await refusal()).toMatch(
      /^.*plan\.json:\d+:5: targets\[4\]: gcore\/200001\/1001 is listed twice \(targets\[0\] and targets\[4\]\): plan again with this version of offboard$/,
    );
  });

  it('in order: read, JSON, format, schema, checksum, age, targets', async () => {
    const old = '2025-05-01T00:00:00.000Z';
    const badTarget = (data: Record<string, Json>) => {
      (data.targets as Record<string, Json>[])[0]!.account = '0200001';
      return data;
    };
    // targets after age
    await put(sealed(badTarget({ ...mutable(plan()), created: old })));
    expect(await refusal()).toMatch(/older than --max-age/);
    // age after checksum
    await put({ ...badTarget({ ...mutable(plan()), created: old }) });
    expect(await refusal()).toMatch(/checksum mismatch/);
    // checksum after schema
    await put({ ...badTarget({ ...mutable(plan()), created: old }), extra: 1 });
    expect(await refusal()).toMatch(/extra: unknown key/);
    // schema after format
    await put({ ...mutable(plan()), format: 'offboard-plan/9', extra: 1 });
    expect(await refusal()).toMatch(/different version of offboard/);
    // format after JSON
    await put(`${JSON.stringify({ format: 'offboard-plan/9' })},`);
    expect(await refusal()).toMatch(/not valid JSON/);
  });
});

describe('the checksum', () => {
  it('is sha256 over the canonical JSON: keys sorted by code point, no whitespace', () => {
    const plan = createPlan({
      ...content(),
      targets: [{ ...targets()[0]!, facts: { b: 1, '\u{1F600}': 2, '\uE000': 3, a: [{ z: 1, y: 'é' }] } }],
    });
    const facts = '{"a":[{"y":"é","z":1}],"b":1,"\uE000":3,"\u{1F600}":2}';
    const expected = createHash('sha256')
      .update(
        `{"config":"offboard.yaml","created":"2025-06-01T11:00:00.000Z","discovery":${canonical(plan.discovery)},` +
          `"flags":{"allAccounts":false,"input":{"emails":["ada@example.com"]},"maxRevisionRetries":3,"revokeTokens":true},` +
          `"format":"offboard-plan/1","targets":[{"account":"200001","email":"ada@example.com","facts":${facts},` +
          '"outcome":"planned","provider":"gcore","reason":"would remove the user from account 200001",' +
          `"steps":${canonical(plan.targets[0]!.steps)},"user":"1001"}],"tool":{"name":"@offboard/offboard","version":"0.1.0"}}`,
        'utf8',
      )
      .digest('hex');
    expect(plan.checksum).toBe(`sha256:${expected}`);
    expect(planChecksum({ ...plan, checksum: 'anything' })).toBe(plan.checksum);
  });

  /** Canonical JSON the simple way, for the parts of the vector above with ASCII keys only. */
  function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
    if (value && typeof value === 'object')
      return `{${Object.keys(value)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
        .join(',')}}`;
    return JSON.stringify(value);
  }

  /** `value` with every object's keys in an order drawn from `seed`. */
  function shuffled(value: unknown, seed: number): unknown {
    let state = seed >>> 0 || 1;
    const next = () => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state;
    };
    const walk = (item: unknown): unknown => {
      if (Array.isArray(item)) return item.map(walk);
      if (!item || typeof item !== 'object') return item;
      const entries = Object.entries(item);
      for (let index = entries.length - 1; index > 0; index--) {
        const other = next() % (index + 1);
        [entries[index], entries[other]] = [entries[other]!, entries[index]!];
      }
      const out: Record<string, unknown> = {};
      for (const [key, member] of entries) Object.defineProperty(out, key, { value: walk(member), enumerable: true });
      return out;
    };
    return walk(value);
  }

  it('does not depend on key order or whitespace (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }),
        fc.integer(),
        fc.constantFrom<string | number>(0, 1, 2, 7, '\t', ' \t '),
        fc.boolean(),
        (facts, seed, indent, crlf) => {
          const plan = createPlan({ ...content(), targets: [{ ...targets()[0]!, facts: facts as never }] });
          const text = JSON.stringify(shuffled(plan, seed), null, indent);
          const reread = JSON.parse(crlf ? text.replace(/\n/g, '\r\n') : text) as PlanDocument;
          expect(planChecksum(reread)).toBe(plan.checksum);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('tampering is always refused (property)', () => {
  type Path = (string | number)[];

  /** Every path in `value`: leaves, objects and arrays (the root excluded). */
  function pathsOf(value: Json, prefix: Path = []): Path[] {
    if (value === null || typeof value !== 'object') return [];
    const children: [string | number, Json][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    return children.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
  }

  function parentOf(root: Json, at: Path): { parent: Json[] | Record<string, Json>; key: string | number } {
    let parent = root as Json[] | Record<string, Json>;
    for (const segment of at.slice(0, -1)) parent = (parent as Record<string, Json>)[segment] as never;
    return { parent, key: at[at.length - 1]! };
  }

  type Tamper =
    | { readonly kind: 'set'; readonly value: Json }
    | { readonly kind: 'remove' }
    | { readonly kind: 'add'; readonly key: string; readonly value: Json };

  function tamper(data: Record<string, Json>, at: Path, change: Tamper): void {
    const { parent, key } = parentOf(data, at);
    if (change.kind === 'set') (parent as Record<string, Json>)[key] = change.value;
    else if (change.kind === 'remove') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else {
      const node = (parent as Record<string, Json>)[key]!;
      if (Array.isArray(node)) node.push(change.value);
      else if (node !== null && typeof node === 'object')
        Object.defineProperty(node, change.key, { value: change.value, enumerable: true, writable: true });
      else (parent as Record<string, Json>)[key] = change.value;
    }
  }

  const REFUSED =
    /was changed after it was written|: must |unknown key|: missing |not an offboard plan|different version of offboard/;

  it('changing, adding or removing anything makes readPlan refuse (checksum or schema)', async () => {
    const base = mutable();
    const paths = pathsOf(base);
    const change: fc.Arbitrary<Tamper> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> }),
      fc.record({ kind: fc.constant('remove' as const) }),
      fc.record({
        kind: fc.constant('add' as const),
        key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'checksum', 'present', 'status', 'x')),
        value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: paths.length - 1 }), change, async (index, tampering) => {
        const data = structuredClone(base);
        tamper(data, paths[index]!, tampering);
        const text = JSON.stringify(data, null, 2);
        fc.pre(!isDeepStrictEqual(JSON.parse(text), base));
        await writeFile(file, text);
        const error = await readPlan(file, OPTIONS).then(
          () => new Error(`accepted a tampered plan: ${JSON.stringify(paths[index])} ${JSON.stringify(tampering)}`),
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(InputError);
        expect((error as Error).message).toMatch(REFUSED);
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, (data: Record<string, Json>) => void]>([
    ['a fact', (data) => tamper(data, ['targets', 0, 'facts', 'present'], { kind: 'set', value: false })],
    ['a fact added', (data) => tamper(data, ['targets', 2, 'facts'], { kind: 'add', key: 'x', value: 1 })],
    ['a fact removed', (data) => tamper(data, ['targets', 3, 'facts', 'revision'], { kind: 'remove' })],
    ['a step path', (data) => tamper(data, ['targets', 0, 'steps', 2, 'path'], { kind: 'set', value: '/iam/users/1' })],
    ['a step removed', (data) => tamper(data, ['targets', 0, 'steps', 0], { kind: 'remove' })],
    ['an outcome', (data) => tamper(data, ['targets', 3, 'outcome'], { kind: 'set', value: 'planned' })],
    ['a reason removed', (data) => tamper(data, ['targets', 3, 'reason'], { kind: 'remove' })],
    ['created', (data) => tamper(data, ['created'], { kind: 'set', value: '2025-06-01T11:30:00.000Z' })],
    ['a flag', (data) => tamper(data, ['flags', 'revokeTokens'], { kind: 'set', value: false })],
    ['a target removed', (data) => tamper(data, ['targets', 1], { kind: 'remove' })],
    ['the email', (data) => tamper(data, ['targets', 0, 'email'], { kind: 'set', value: 'eve@example.com' })],
    ['discovery', (data) => tamper(data, ['discovery', 'warnings', 0], { kind: 'remove' })],
    ['the config removed', (data) => tamper(data, ['config'], { kind: 'remove' })],
  ])('%s changed is refused', async (_, edit) => {
    const data = mutable();
    edit(data);
    await put(data);
    expect(await refusal()).toMatch(REFUSED);
  });
});

describe('parseDuration and formatDuration', () => {
  it.each<[string, number]>([
    ['24h', DAY],
    [' 24h ', DAY],
    ['90m', 90 * 60_000],
    ['7d', 7 * DAY],
    ['30s', 30_000],
    ['500ms', 500],
    ['1ms', 1],
    ['1h30m', 90 * 60_000],
    ['1d12h', 36 * HOUR],
    ['2d3h4m5s6ms', 2 * DAY + 3 * HOUR + 4 * 60_000 + 5_000 + 6],
    ['1h0m', HOUR],
    ['365d', 365 * DAY],
    ['8760h', 365 * DAY],
    ['007h', 7 * HOUR],
  ])('parses %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each<[string, string]>([
    ['abc', 'must be a duration like 24h, 90m or 7d (got "abc")'],
    ['', 'must be a duration like 24h, 90m or 7d (got "")'],
    ['24', 'must be a duration like 24h, 90m or 7d (got "24")'],
    ['-1h', 'must be a duration like 24h, 90m or 7d (got "-1h")'],
    ['1.5h', 'must be a duration like 24h, 90m or 7d (got "1.5h")'],
    ['30m1h', 'must be a duration like 24h, 90m or 7d (got "30m1h")'],
    ['1h1h', 'must be a duration like 24h, 90m or 7d (got "1h1h")'],
    ['1h 30m', 'must be a duration like 24h, 90m or 7d (got "1h 30m")'],
    ['24H', 'must be a duration like 24h, 90m or 7d (got "24H")'],
    ['1w', 'must be a duration like 24h, 90m or 7d (got "1w")'],
    ['h', 'must be a duration like 24h, 90m or 7d (got "h")'],
    ['24h\u001b[2J', 'must be a duration like 24h, 90m or 7d (got "24h\\u001b[2J")'],
    ['0h', 'must be more than 0 (got "0h")'],
    ['0d0h0m', 'must be more than 0 (got "0d0h0m")'],
    ['366d', 'must be at most 365d (got "366d")'],
    ['8761h', 'must be at most 365d (got "8761h")'],
    ['99999999999999999999999d', 'must be at most 365d (got "99999999999999999999999d")'],
    [`${'9'.repeat(400)}d`, `must be at most 365d (got "${'9'.repeat(77)}...")`],
  ])('refuses %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(new InputError(`--max-age ${message}`));
  });

  it('names the option it parses', () => {
    expect(() => parseDuration('soon', '--lock-timeout')).toThrow(
      new InputError('--lock-timeout must be a duration like 24h, 90m or 7d (got "soon")'),
    );
  });

  it.each<[number, string]>([
    [0, '0 ms'],
    [1_500, '1500 ms'],
    [90_000, '90 s'],
    [45 * 60_000, '45 min'],
    [HOUR, '60 min'],
    [26 * HOUR + 59 * 60_000, '26 h'],
    [DAY, '24 h'],
    [2 * DAY, '2 d'],
    [3 * DAY + 4 * HOUR + 59 * 60_000, '3 d 4 h'],
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('the shipped schema', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../schema/offboard-plan.schema.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

  it('has a title and a description on every key, and closes every object but facts', () => {
    const missing: string[] = [];
    const open: string[] = [];
    const visit = (node: Record<string, unknown>, where: string) => {
      if (typeof node.title !== 'string' || typeof node.description !== 'string') missing.push(where);
      if (node.type === 'object' && node.additionalProperties !== false && !where.endsWith('.facts')) open.push(where);
      for (const [key, child] of Object.entries((node.properties as object | undefined) ?? {}))
        visit(child as Record<string, unknown>, `${where}.${key}`);
      for (const [key, child] of Object.entries((node.$defs as object | undefined) ?? {}))
        visit(child as Record<string, unknown>, `$defs.${key}`);
      if (node.items && typeof node.items === 'object' && !('$ref' in node.items))
        visit(node.items as Record<string, unknown>, `${where}[]`);
      if (node.additionalProperties && typeof node.additionalProperties === 'object')
        visit(node.additionalProperties as Record<string, unknown>, `${where}.*`);
    };
    visit(schema, 'plan');
    expect(missing).toEqual([]);
    expect(open).toEqual([]);
    expect(schema.$id).toBe(
      'https://github.com/offboard-dev/offboard/blob/main/packages/offboard/schema/offboard-plan.schema.json',
    );
    expect((schema.properties as Record<string, { const?: string }>).format!.const).toBe(PLAN_FORMAT);
  });
});
