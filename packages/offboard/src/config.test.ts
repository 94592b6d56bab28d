import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { acme } from '../test/acme-provider.js';
import {
  type AccountConfig,
  accountClientOptions,
  clientKey,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  type OffboardConfig,
  parseConfig,
} from './config.js';
import type { Env } from './provider.js';
import { BUILT_IN_PROVIDERS } from './providers/index.js';
import { builtInRegistry, Registry } from './registry.js';
import { InputError } from './types.js';

const FILE = 'offboard.yaml';
const NSCALE_ORG = '79f64482-1271-44b8-a1d4-d83e418eddf2';
const ENV: Env = {
  GCORE_API_KEY_B: 'gcore-key-b',
  CF_TOKEN: 'cf-token',
  CF_EMAIL: 'ops@example.com',
  CF_KEY: 'cf-global-key',
  EMPTY: '',
  BLANK: ' \n',
  BROKEN: 'line\nbreak',
};

const EXAMPLE = `accounts:
  - provider: gcore
    account: "200001"
  - provider: gcore
    account: "200002"
    credentials: { apiKey: GCORE_API_KEY_B }      # client option → NAME of the environment variable holding it
  - provider: cloudflare
    account: 0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b
  - provider: nscale
    account: 79f64482-1271-44b8-a1d4-d83e418eddf2
  - provider: liveperson
    account: "12345678"
    baseUrl: https://va.agentvep.liveperson.net    # optional
`;

function parse(text: string, env: Env = ENV, registry: Registry = builtInRegistry): OffboardConfig {
  return parseConfig(text, FILE, registry, env);
}

/** The InputError's message parsing `text` throws (the test fails when it does not throw one). */
function problem(text: string, env: Env = ENV, registry: Registry = builtInRegistry): string {
  try {
    parse(text, env, registry);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error(`no error for:\n${text}`);
}

/** One account entry under `accounts:`, in block style. */
function one(...lines: string[]): string {
  return `accounts:\n  - ${lines.join('\n    ')}\n`;
}

describe('parseConfig: a valid file', () => {
  it('reads every account, ids canonical, with where it is listed', () => {
    expect(parse(EXAMPLE)).toEqual({
      file: FILE,
      accounts: [
        { provider: 'gcore', account: '200001', where: 'offboard.yaml:2' },
        { provider: 'gcore', account: '200002', credentials: { apiKey: 'GCORE_API_KEY_B' }, where: 'offboard.yaml:4' },
        { provider: 'cloudflare', account: '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b', where: 'offboard.yaml:7' },
        { provider: 'nscale', account: '79f64482-1271-44b8-a1d4-d83e418eddf2', where: 'offboard.yaml:9' },
        {
          provider: 'liveperson',
          account: '12345678',
          baseUrl: 'https://va.agentvep.liveperson.net',
          where: 'offboard.yaml:11',
        },
      ],
    });
  });

  it('accepts integers as their decimal digits, quoted or not, with whitespace around', () => {
    const config = parse(`accounts:
  - { provider: gcore, account: 200001 }
  - { provider: gcore, account: "0200002" }
  - { provider: gcore, account: '  200003  ' }
  - { provider: gcore, account: 0200004 }
  - { provider: nscale, account: " 79F64482-1271-44B8-A1D4-D83E418EDDF2 " }
`);
    expect(config.accounts.map((account) => account.account)).toEqual([
      '200001',
      '200002',
      '200003',
      '200004',
      '79f64482-1271-44b8-a1d4-d83e418eddf2',
    ]);
  });

  it('follows anchors and aliases, and ignores comments', () => {
    const config = parse(`# the accounts we offboard from
accounts:
  - provider: cloudflare # comment after a value
    account: "a1"
    credentials: &cf { apiEmail: CF_EMAIL, apiKey: CF_KEY }
  # a comment between items
  - provider: cloudflare
    account: "a2"
    credentials: *cf
`);
    expect(config.accounts).toEqual([
      {
        provider: 'cloudflare',
        account: 'a1',
        credentials: { apiEmail: 'CF_EMAIL', apiKey: 'CF_KEY' },
        where: 'offboard.yaml:3',
      },
      {
        provider: 'cloudflare',
        account: 'a2',
        credentials: { apiEmail: 'CF_EMAIL', apiKey: 'CF_KEY' },
        where: 'offboard.yaml:7',
      },
    ]);
  });

  it('reads CRLF line endings and a BOM with the same lines and columns', () => {
    const crlf = `\uFEFF${EXAMPLE.replace(/\n/g, '\r\n')}`;
    expect(parse(crlf)).toEqual(parse(EXAMPLE));
    const bad = `\uFEFFaccounts:\r\n  - provider: gcore\r\n    account: "x1"\r\n`;
    expect(problem(bad)).toBe(
      'offboard.yaml:3:14: accounts[0].account: "x1" is not valid: clientId must be an integer >= 1',
    );
  });

  it('takes a provider a caller registered, with its credential options from its api definition', () => {
    const registry = new Registry([...BUILT_IN_PROVIDERS, acme]);
    const text = one(
      'provider: acme',
      'account: 79F64482-1271-44B8-A1D4-D83E418EDDF2',
      'credentials: { accessToken: ACME_TOKEN_B }',
    );
    expect(parse(text, { ACME_TOKEN_B: 'acme-token-b' }, registry).accounts[0]).toEqual({
      provider: 'acme',
      account: '79f64482-1271-44b8-a1d4-d83e418eddf2',
      credentials: { accessToken: 'ACME_TOKEN_B' },
      where: 'offboard.yaml:2',
    });
    expect(
      problem(
        one('provider: acme', 'account: 79f64482-1271-44b8-a1d4-d83e418eddf2', 'credentials: { apiKey: X }'),
        {},
        registry,
      ),
    ).toBe(
      'offboard.yaml:4:20: accounts[0].credentials.apiKey: unknown credential option for acme (expected accessToken)',
    );
    // ... and the built-in registry does not know it.
    expect(problem(text, { ACME_TOKEN_B: 'acme-token-b' })).toBe(
      'offboard.yaml:2:15: accounts[0].provider: unknown provider "acme" (expected one of gcore, cloudflare, nscale, liveperson)',
    );
  });
});

describe('parseConfig: every problem points at file:line:column and names the key', () => {
  it('YAML syntax errors, at their position', () => {
    expect(problem('accounts:\n  - provider: gcore\n    account: [1\n')).toBe(
      'offboard.yaml:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
    expect(problem('accounts:\n  - provider: gcore\n    provider: gcore\n    account: "1"\n')).toBe(
      'offboard.yaml:3:5: invalid YAML: Map keys must be unique',
    );
    expect(problem('accounts: []\n---\naccounts: []\n')).toMatch(/^offboard\.yaml:2:1: invalid YAML: /);
    expect(problem('accounts:\n  - provider: !secret gcore\n    account: "1"\n')).toBe(
      'offboard.yaml:2:15: invalid YAML: Unresolved tag: !secret',
    );
  });

  it('a top level that is not a mapping, or no accounts', () => {
    expect(problem('- provider: gcore\n')).toBe('offboard.yaml:1:1: top level: must be a mapping (got a list)');
    expect(problem('just text\n')).toBe('offboard.yaml:1:1: top level: must be a mapping (got a string)');
    expect(problem('')).toBe('offboard.yaml:1:1: top level: must be a mapping (got nothing)');
    expect(problem('# only a comment\n')).toBe('offboard.yaml:1:1: top level: must be a mapping (got nothing)');
    expect(problem('version: 1\n')).toBe('offboard.yaml:1:1: top level: missing accounts');
    expect(problem('accounts: []\n')).toBe('offboard.yaml:1:11: accounts: lists no accounts');
    expect(problem('accounts:\n')).toBe('offboard.yaml:1:10: accounts: must be a list (got nothing)');
    expect(problem('accounts: { provider: gcore }\n')).toBe(
      'offboard.yaml:1:11: accounts: must be a list (got a mapping)',
    );
  });

  it('unknown keys, at any level, with the keys expected', () => {
    expect(problem(`${EXAMPLE}dryRun: true\n`)).toBe('offboard.yaml:14:1: dryRun: unknown key (expected accounts)');
    expect(problem(one('provider: gcore', 'account: "1"', 'acount: "2"'))).toBe(
      'offboard.yaml:4:5: accounts[0].acount: unknown key (expected provider, account, credentials, baseUrl)',
    );
    expect(problem(one('provider: gcore', 'account: "1"', '"odd\\tkey": 1'))).toBe(
      'offboard.yaml:4:5: accounts[0]["odd\\tkey"]: unknown key (expected provider, account, credentials, baseUrl)',
    );
    expect(problem(one('provider: gcore', 'account: "1"', '<<: { baseUrl: "https://x.test" }'))).toBe(
      'offboard.yaml:4:5: accounts[0]["<<"]: unknown key (expected provider, account, credentials, baseUrl)',
    );
  });

  it('a missing provider or account, or an entry that is not a mapping', () => {
    expect(problem(one('account: "200001"'))).toBe('offboard.yaml:2:5: accounts[0]: missing provider');
    expect(problem(`${EXAMPLE}  - provider: gcore\n`)).toBe('offboard.yaml:14:5: accounts[5]: missing account');
    expect(problem('accounts:\n  - gcore\n')).toBe('offboard.yaml:2:5: accounts[0]: must be a mapping (got a string)');
    expect(problem(one('provider: gcore', 'account:'))).toBe(
      'offboard.yaml:3:13: accounts[0].account: must be a string or an integer (got nothing)',
    );
    expect(problem(one('provider: gcore', 'account: true'))).toBe(
      'offboard.yaml:3:14: accounts[0].account: must be a string or an integer (got true or false)',
    );
  });

  it('an unknown provider, listing the known ones', () => {
    expect(problem(one('provider: gcor', 'account: "200001"'))).toBe(
      'offboard.yaml:2:15: accounts[0].provider: unknown provider "gcor" (expected one of gcore, cloudflare, nscale, liveperson)',
    );
    expect(problem(one('provider: 7', 'account: "200001"'))).toBe(
      'offboard.yaml:2:15: accounts[0].provider: must be a string (got a number)',
    );
  });

  it("an account id that breaks the provider's rules", () => {
    expect(problem(one('provider: gcore', 'account: "0"'))).toBe(
      'offboard.yaml:3:14: accounts[0].account: "0" is not valid: clientId must be an integer >= 1',
    );
    expect(problem(one('provider: gcore', 'account: "9007199254740993"'))).toBe(
      'offboard.yaml:3:14: accounts[0].account: 9007199254740993 is not valid: Gcore ids must be at most 9007199254740991',
    );
    expect(problem(one('provider: nscale', 'account: not-a-uuid'))).toMatch(
      /^offboard\.yaml:3:14: accounts\[0\]\.account: "not-a-uuid" is not valid: organizationID must be /,
    );
    expect(problem(one('provider: cloudflare', `account: "${'a'.repeat(33)}"`))).toMatch(
      /^offboard\.yaml:3:14: accounts\[0\]\.account: "a{33}" is not valid: account_id must be /,
    );
  });

  it('shows unicode and control characters in values escaped', () => {
    const message = problem(one('provider: liveperson', 'account: "ab\\u001b[31m\\r\\u2028c"'));
    expect(message).toMatch(
      /^offboard\.yaml:3:14: accounts\[0\]\.account: "ab\\u001b\[31m\\r\\u2028c" is not valid: accountId must be /,
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserts no control character got through.
    expect(message).not.toMatch(/[\u0000-\u001f\u2028]/);
    expect(problem(one('provider: "gc\\u0007ore"', 'account: "1"'))).toBe(
      'offboard.yaml:2:15: accounts[0].provider: unknown provider "gc\\u0007ore" (expected one of gcore, cloudflare, nscale, liveperson)',
    );
  });

  it('YAML numbers that are not exact decimal integers: ids must be strings then', () => {
    for (const [written, shown] of [
      ['0x10', '0x10'],
      ['0o17', '0o17'],
      ['1e3', '1e3'],
      ['1.5', '1.5'],
      ['12345678901234567890', '12345678901234567890'],
      ['.inf', '.inf'],
    ])
      expect(problem(one('provider: gcore', `account: ${written}`))).toBe(
        `offboard.yaml:3:14: accounts[0].account: ${shown} is a YAML number that is not an exact decimal integer: write the id as a string ("${shown}")`,
      );
    // A cloudflare id that YAML reads as a number in exponent notation.
    expect(problem(one('provider: cloudflare', 'account: 123e4567'))).toBe(
      'offboard.yaml:3:14: accounts[0].account: 123e4567 is a YAML number that is not an exact decimal integer: write the id as a string ("123e4567")',
    );
    expect(parse(one('provider: gcore', 'account: 9007199254740991')).accounts[0]?.account).toBe('9007199254740991');
  });

  it('an unknown credential option, listing the valid ones', () => {
    expect(problem(one('provider: cloudflare', 'account: "a1"', 'credentials: { apiTokn: CF_TOKEN }'))).toBe(
      'offboard.yaml:4:20: accounts[0].credentials.apiTokn: unknown credential option for cloudflare (expected apiToken, apiEmail, apiKey)',
    );
    expect(problem(one('provider: nscale', `account: ${NSCALE_ORG}`, 'credentials:', '  apiKey: CF_KEY'))).toBe(
      'offboard.yaml:5:7: accounts[0].credentials.apiKey: unknown credential option for nscale (expected accessToken)',
    );
    expect(problem(one('provider: gcore', 'account: "1"', 'credentials: GCORE_API_KEY_B'))).toBe(
      'offboard.yaml:4:18: accounts[0].credentials: must be a mapping (got a string)',
    );
  });

  it('credentials that are not one complete alternative of the api security', () => {
    expect(problem(one('provider: cloudflare', 'account: "a1"', 'credentials: { apiEmail: CF_EMAIL }'))).toBe(
      'offboard.yaml:4:18: accounts[0].credentials: missing apiKey (cloudflare takes apiToken, or apiEmail + apiKey)',
    );
    expect(problem(one('provider: cloudflare', 'account: "a1"', 'credentials: { apiKey: CF_KEY }'))).toBe(
      'offboard.yaml:4:18: accounts[0].credentials: missing apiEmail (cloudflare takes apiToken, or apiEmail + apiKey)',
    );
    expect(
      problem(one('provider: cloudflare', 'account: "a1"', 'credentials: { apiToken: CF_TOKEN, apiKey: CF_KEY }')),
    ).toBe(
      'offboard.yaml:4:18: accounts[0].credentials: apiToken and apiKey do not go together (cloudflare takes apiToken, or apiEmail + apiKey)',
    );
    expect(problem(one('provider: gcore', 'account: "1"', 'credentials: {}'))).toBe(
      'offboard.yaml:4:18: accounts[0].credentials: missing apiKey (gcore takes apiKey)',
    );
    expect(
      parse(one('provider: cloudflare', 'account: "a1"', 'credentials: { apiToken: CF_TOKEN }')).accounts[0]
        ?.credentials,
    ).toEqual({ apiToken: 'CF_TOKEN' });
  });

  it('a credential that does not name an environment variable is refused without being shown', () => {
    for (const value of ['"sk-live-1234"', '"0123abc"', '"has space"', '"ends\\n"', '42', '{ a: b }']) {
      const message = problem(one('provider: gcore', 'account: "1"', 'credentials:', `  apiKey: ${value}`));
      expect(message).toBe('offboard.yaml:5:15: accounts[0].credentials.apiKey: must name an environment variable');
    }
    // A name-like value that is in fact another variable's value: not shown either.
    const message = problem(one('provider: gcore', 'account: "1"', 'credentials: { apiKey: Secr3tValue }'), {
      SOME_SETTING: 'Secr3tValue',
    });
    expect(message).toBe(
      'offboard.yaml:4:28: accounts[0].credentials.apiKey: must name an environment variable (this is the value of one)',
    );
    // ... or a default credential variable's value (which is then never shown anywhere).
    const pasted = problem(one('provider: gcore', 'account: "1"', 'credentials: { apiKey: Secr3tValue }'), {
      GCORE_API_KEY: 'Secr3tValue',
    });
    expect(pasted).not.toContain('Secr3tValue');
    expect(pasted).toMatch(
      /^offboard\.yaml:4:28: accounts\[0\]\.credentials\.apiKey: must name an environment variable/,
    );
  });

  it('a variable that is not set, empty, or unsendable: named, its value never shown', () => {
    const at = (variable: string) => one('provider: gcore', 'account: "1"', `credentials: { apiKey: ${variable} }`);
    expect(problem(at('toString'))).toBe(
      'offboard.yaml:4:28: accounts[0].credentials.apiKey: environment variable toString is not set',
    );
    expect(problem(at('GCORE_API_KEY_C'))).toBe(
      'offboard.yaml:4:28: accounts[0].credentials.apiKey: environment variable GCORE_API_KEY_C is not set',
    );
    expect(problem(at('EMPTY'))).toBe(
      'offboard.yaml:4:28: accounts[0].credentials.apiKey: environment variable EMPTY is empty',
    );
    expect(problem(at('BLANK'))).toBe(
      'offboard.yaml:4:28: accounts[0].credentials.apiKey: environment variable BLANK is empty',
    );
    const broken = problem(at('BROKEN'));
    expect(broken).toBe(
      'offboard.yaml:4:28: accounts[0].credentials.apiKey: environment variable BROKEN contains a line break or other character that cannot be sent in a header',
    );
    expect(problem(`${EXAMPLE.replace('GCORE_API_KEY_B', 'UNSET_B')}`)).toBe(
      'offboard.yaml:6:28: accounts[1].credentials.apiKey: environment variable UNSET_B is not set',
    );
  });

  it('a baseUrl that is not an absolute http(s) URL, or carries credentials, a query or a fragment', () => {
    const at = (url: string) => one('provider: liveperson', 'account: "1"', `baseUrl: ${url}`);
    const where = 'offboard.yaml:4:14: accounts[0].baseUrl:';
    expect(problem(at('/relative'))).toBe(`${where} must be an absolute http(s) URL (https://host/...)`);
    expect(problem(at('va.agentvep.liveperson.net'))).toBe(
      `${where} must be an absolute http(s) URL (https://host/...)`,
    );
    expect(problem(at('ftp://files.example.com'))).toBe(`${where} must be an http or https URL`);
    expect(problem(at('https://user:Pa55word@example.com'))).toBe(
      `${where} must not contain credentials (user:password@): name their variables in credentials`,
    );
    expect(problem(at('https://token@example.com/api'))).toBe(
      `${where} must not contain credentials (user:password@): name their variables in credentials`,
    );
    expect(problem(at('https://example.com/api?token=abc'))).toBe(`${where} must not have a query or a fragment`);
    expect(problem(at('https://example.com/api#x'))).toBe(`${where} must not have a query or a fragment`);
    expect(problem(at('"https://exa\\nmple.com"'))).toBe(`${where} must not contain spaces or control characters`);
    expect(problem(at('8080'))).toBe(`${where} must be a string (got a number)`);
    for (const url of ['https://user:Pa55word@example.com', 'https://example.com/api?token=abc'])
      expect(problem(at(url))).not.toMatch(/Pa55word|token=abc/);
    expect(parse(at('http://127.0.0.1:4010/')).accounts[0]?.baseUrl).toBe('http://127.0.0.1:4010/');
  });

  it('the same account twice, in canonical form, naming both lines', () => {
    expect(
      problem(`accounts:
  - provider: gcore
    account: "0200001"
  - provider: cloudflare
    account: "200001"
  - provider: gcore
    account: 200001
`),
    ).toBe('offboard.yaml:7:14: accounts[2].account: gcore account 200001 is listed twice (lines 2 and 6)');
    expect(
      problem(`accounts:
  - &one { provider: nscale, account: ${NSCALE_ORG} }
  - *one
`),
    ).toBe(`offboard.yaml:2:39: accounts[1].account: nscale account ${NSCALE_ORG} is listed twice (lines 2 and 3)`);
  });

  it('a file larger than 1 MB', () => {
    const huge = `${EXAMPLE}${'#'.repeat(1024 * 1024)}\n`;
    expect(problem(huge)).toBe('offboard.yaml: is larger than 1 MB; a config lists accounts, nothing more');
  });

  it('an alias explosion', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level++)
      lines.push(
        `a${level}: &a${level} [${Array(10)
          .fill(`*a${level - 1}`)
          .join(', ')}]`,
      );
    const message = problem(`${lines.join('\n')}\naccounts: *a7\n`);
    expect(message).toMatch(/^offboard\.yaml: invalid YAML: /);
  });
});

describe('no secret from the environment ever appears in a message', () => {
  const DEFAULTS = [
    'GCORE_API_KEY',
    'CLOUDFLARE_API_TOKEN',
    'CLOUDFLARE_EMAIL',
    'CLOUDFLARE_API_KEY',
    'NSCALE_ACCESS_TOKEN',
    'LIVEPERSON_ACCESS_TOKEN',
  ];
  const secret = fc
    .oneof(
      fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{5,30}$/),
      fc.string({ unit: 'binary', minLength: 6, maxLength: 30 }),
      fc.string({ unit: 'binary-ascii', minLength: 6, maxLength: 30 }),
    )
    .filter((value) => value.trim().length >= 6);

  it('whatever the file and the environment hold', () => {
    fc.assert(
      fc.property(
        fc.array(secret, { minLength: 1, maxLength: 6 }),
        fc.array(
          fc.record({
            provider: fc.constantFrom('gcore', 'cloudflare', 'nscale', 'liveperson', 'other'),
            account: fc.oneof(fc.constantFrom('200001', NSCALE_ORG, '12345678', 'abc'), fc.nat(), fc.nat({ max: 5 })),
            credentials: fc.option(
              fc.array(
                fc.tuple(
                  fc.oneof(fc.constantFrom('apiKey', 'apiToken', 'apiEmail', 'accessToken'), fc.nat({ max: 5 })),
                  fc.oneof(
                    fc.nat({ max: 7 }),
                    fc.nat({ max: 5 }).map((index) => ({ pasted: index })),
                  ),
                ),
                { maxLength: 3 },
              ),
            ),
            baseUrl: fc.option(fc.constantFrom('ok', 'userinfo', 'query', 'fragment', 'pasted')),
            extraKey: fc.option(fc.nat({ max: 5 })),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        fc.subarray(DEFAULTS),
        fc.boolean(),
        (secrets, entries, defaults, flow) => {
          const pick = (index: number) => secrets[index % secrets.length]!;
          // Variables TOKEN_0..TOKEN_7: some hold a secret, one is empty, some are not set.
          const env: Record<string, string> = { TOKEN_6: '' };
          for (let index = 0; index < 6; index += 2) env[`TOKEN_${index}`] = pick(index);
          for (const [index, name] of defaults.entries()) env[name] = pick(index + 1);
          const accounts = entries.map((entry) => {
            const item: Record<string, unknown> = {
              provider: entry.provider,
              account: typeof entry.account === 'number' && entry.account <= 5 ? pick(entry.account) : entry.account,
            };
            if (entry.credentials) {
              const credentials: Record<string, string> = {};
              for (const [option, variable] of entry.credentials) {
                const key = typeof option === 'number' ? pick(option) : option;
                credentials[key] = typeof variable === 'number' ? `TOKEN_${variable}` : pick(variable.pasted);
              }
              item.credentials = credentials;
            }
            if (entry.baseUrl) {
              const s = encodeURIComponent(pick(0));
              item.baseUrl = {
                ok: 'https://api.example.com',
                userinfo: `https://u:${s}@api.example.com`,
                query: `https://api.example.com/?token=${s}`,
                fragment: `https://api.example.com/#${s}`,
                pasted: pick(1),
              }[entry.baseUrl];
            }
            if (entry.extraKey !== null) item[pick(entry.extraKey)] = 'x';
            return item;
          });
          const text = flow ? JSON.stringify({ accounts }) : stringify({ accounts });
          let message = '';
          try {
            parseConfig(text, FILE, builtInRegistry, env);
          } catch (error) {
            expect(error).toBeInstanceOf(InputError);
            message = (error as Error).message;
          }
          for (const value of Object.values(env).filter((value) => value !== '')) {
            expect(message).not.toContain(value);
            expect(message).not.toContain(JSON.stringify(value).slice(1, -1));
            expect(message).not.toContain(encodeURIComponent(value));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## The config file'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';

  it('shows a valid config, and the message it quotes is the one given', () => {
    const env = { GCORE_API_KEY_B: 'b-key', CF_EMAIL_OPS: 'ops@example.com', CF_API_KEY_OPS: 'ops-key' };
    expect(parse(example, env).accounts).toHaveLength(5);
    const quoted = /`(offboard\.yaml:\d+:\d+: [^`]*)`/.exec(section)?.[1];
    expect(problem(example, { ...env, GCORE_API_KEY_B: undefined })).toBe(quoted);
  });
});

describe('the JSON Schema', () => {
  const schema = JSON.parse(readFileSync(new URL('../schema/offboard.schema.json', import.meta.url), 'utf8'));
  const account = schema.$defs.account;

  it('agrees with the built-in registry: its providers and their credential options', () => {
    expect(account.properties.provider.enum).toEqual(BUILT_IN_PROVIDERS.map((module) => module.name));
    const branches = new Map<string, string[]>(
      account.allOf.map(
        (branch: {
          if: { properties: { provider: { const: string } } };
          then: { properties: { credentials: { properties: object } } };
        }) => [branch.if.properties.provider.const, Object.keys(branch.then.properties.credentials.properties)],
      ),
    );
    expect([...branches.keys()]).toEqual(BUILT_IN_PROVIDERS.map((module) => module.name));
    for (const module of BUILT_IN_PROVIDERS) {
      const options = new Set(
        module.apis.flatMap((api) => Object.values(api.credentials).map((source) => source.option)),
      );
      expect(new Set(branches.get(module.name)), module.name).toEqual(options);
    }
  });

  it('describes every property (what editors show), and refuses unknown keys', () => {
    const properties: [string, { title?: unknown; description?: unknown }][] = [];
    const walk = (node: unknown, where: string): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value))
          for (const [name, property] of Object.entries(value as Record<string, { title?: unknown }>))
            properties.push([`${where}.${name}`, property]);
        walk(value, `${where}.${key}`);
      }
      const object = node as { type?: unknown; properties?: unknown; additionalProperties?: unknown };
      if (object.type === 'object' && object.properties && where !== '' && !where.endsWith('.if'))
        expect(object.additionalProperties, where).toBe(false);
    };
    walk(schema, '');
    expect(properties.length).toBeGreaterThan(10);
    for (const [where, property] of properties) {
      if (where.includes('.if.')) continue;
      expect(typeof property.title, where).toBe('string');
      expect(typeof property.description, where).toBe('string');
    }
    expect(schema.additionalProperties).toBe(false);
    expect(account.additionalProperties).toBe(false);
  });

  it('is draft 2020-12, compiles in strict mode, and accepts the example (as an editor validates it)', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    ajvFormats.default(ajv);
    const validate = ajv.compile(schema);
    const example = {
      accounts: parse(EXAMPLE).accounts.map(({ where: _, ...account }) => account),
    };
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ accounts: [{ provider: 'cloudflare', account: 'a', credentials: { accessToken: 'X' } }] })).toBe(
      false,
    );
    expect(validate({ accounts: [{ provider: 'gcore', account: '1', credentials: { apiKey: 'not a name' } }] })).toBe(
      false,
    );
    expect(validate({ accounts: [{ provider: 'liveperson', account: '1', baseUrl: 'https://u:p@x.example' }] })).toBe(
      false,
    );
  });

  it('is shipped with the package and exported', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifest.files).toContain('schema');
    expect(manifest.exports['./schema/offboard.schema.json']).toBe('./schema/offboard.schema.json');
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'offboard-config-'));
    await writeFile(path.join(dir, DEFAULT_CONFIG_FILE), EXAMPLE);
    await writeFile(path.join(dir, 'other.yaml'), one('provider: gcore', 'account: "7"'));
    await writeFile(path.join(dir, 'bad.yaml'), one('provider: gcore', 'account: "x"'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const load = (options: { explicit?: string; env?: Env; cwd?: string }) =>
    loadConfig({ env: ENV, cwd: dir, registry: builtInRegistry, ...options });

  it('reads --config, else OFFBOARD_CONFIG, else ./offboard.yaml, else nothing', async () => {
    expect((await load({ explicit: 'other.yaml', env: { ...ENV, OFFBOARD_CONFIG: 'bad.yaml' } }))?.accounts).toEqual([
      { provider: 'gcore', account: '7', where: 'other.yaml:2' },
    ]);
    expect((await load({ env: { ...ENV, OFFBOARD_CONFIG: path.join(dir, 'other.yaml') } }))?.file).toBe(
      path.join(dir, 'other.yaml'),
    );
    expect((await load({}))?.accounts).toHaveLength(5);
    expect((await load({}))?.file).toBe('offboard.yaml');
    const empty = await mkdtemp(path.join(tmpdir(), 'offboard-config-none-'));
    try {
      expect(await load({ cwd: empty })).toBeUndefined();
      expect(await load({ cwd: empty, env: { ...ENV, OFFBOARD_CONFIG: '' } })).toBeUndefined();
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('a named file must exist and be valid', async () => {
    await expect(load({ explicit: 'missing.yaml' })).rejects.toThrow(
      new InputError('cannot read missing.yaml: ENOENT'),
    );
    await expect(load({ env: { OFFBOARD_CONFIG: 'gone.yaml' } })).rejects.toThrow(
      new InputError('cannot read gone.yaml: ENOENT'),
    );
    await expect(load({ explicit: '.' })).rejects.toThrow(new InputError('cannot read .: EISDIR'));
    await expect(load({ explicit: 'bad.yaml' })).rejects.toThrow(
      new InputError('bad.yaml:3:14: accounts[0].account: "x" is not valid: clientId must be an integer >= 1'),
    );
  });

  it('refuses a file over 1 MB without reading it all', async () => {
    await writeFile(path.join(dir, 'huge.yaml'), Buffer.alloc(2 * 1024 * 1024, 0x23));
    await expect(load({ explicit: 'huge.yaml' })).rejects.toThrow(
      new InputError('huge.yaml: is larger than 1 MB; a config lists accounts, nothing more'),
    );
  });
});

describe('accountClientOptions and clientKey', () => {
  const config = parse(`accounts:
  - { provider: cloudflare, account: a1 }
  - { provider: cloudflare, account: a2, credentials: { apiEmail: CF_EMAIL, apiKey: CF_KEY } }
  - { provider: cloudflare, account: a3, credentials: { apiKey: CF_KEY, apiEmail: CF_EMAIL } }
  - { provider: cloudflare, account: a4, credentials: { apiToken: CF_TOKEN } }
  - { provider: cloudflare, account: a5, credentials: { apiToken: CF_TOKEN }, baseUrl: "http://127.0.0.1:4010/" }
  - { provider: cloudflare, account: a6, credentials: { apiToken: CF_TOKEN }, baseUrl: "http://127.0.0.1:4010" }
`);
  const [a1, a2, a3, a4, a5, a6] = config.accounts as [
    AccountConfig,
    AccountConfig,
    AccountConfig,
    AccountConfig,
    AccountConfig,
    AccountConfig,
  ];

  it("reads each credential from its variable, and blanks the provider's other options", () => {
    expect(accountClientOptions(a1, ENV)).toEqual({});
    expect(accountClientOptions(a2, ENV)).toEqual({
      apiEmail: 'ops@example.com',
      apiKey: 'cf-global-key',
      apiToken: '',
    });
    expect(accountClientOptions(a5, ENV)).toEqual({
      apiToken: 'cf-token',
      apiEmail: '',
      apiKey: '',
      baseUrl: 'http://127.0.0.1:4010/',
    });
    expect(() => accountClientOptions(a2, { CF_EMAIL: 'x' })).toThrow(
      new InputError('offboard.yaml:3: credentials.apiKey: environment variable CF_KEY is not set'),
    );
  });

  it("sends an account's own credentials, never the provider's defaults beside them", async () => {
    const sent: Record<string, string>[] = [];
    const fetch = (async (_url: string, init: { headers: Record<string, string> }) => {
      sent.push(init.headers);
      return new Response(JSON.stringify({ success: true, errors: [], messages: [], result: {} }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }) as unknown as typeof globalThis.fetch;
    // The default token is set too: the runtime would prefer it to an email + key it completes.
    const env = { ...ENV, CLOUDFLARE_API_TOKEN: 'default-token' };
    const client = builtInRegistry
      .module('cloudflare')
      .clients({ ...accountClientOptions(a2, env), fetch }, { env, signal: new AbortController().signal });
    await client.GET('/accounts/{account_id}/access/users/{user_id}', {
      params: { path: { account_id: 'a2', user_id: '9a7806e3-4fbb-4e1b-a0fb-8c2a3b7bd8b4' } },
    });
    const headers = Object.fromEntries(Object.entries(sent[0]!).map(([name, value]) => [name.toLowerCase(), value]));
    expect(headers).toMatchObject({ 'x-auth-email': 'ops@example.com', 'x-auth-key': 'cf-global-key' });
    expect(headers.authorization).toBeUndefined();
    expect(JSON.stringify(sent)).not.toContain('default-token');
  });

  it('is one key for accounts that can share a client, and holds no secret', () => {
    expect(clientKey(a1, 'cloudflare')).toBe(clientKey(undefined, 'cloudflare'));
    expect(clientKey(a2, 'cloudflare')).toBe(clientKey(a3, 'cloudflare'));
    expect(clientKey(a5, 'cloudflare')).toBe(clientKey(a6, 'cloudflare'));
    const keys = [a1, a2, a4, a5].map((account) => clientKey(account, 'cloudflare'));
    expect(new Set(keys).size).toBe(4);
    expect(clientKey(undefined, 'gcore')).not.toBe(clientKey(undefined, 'cloudflare'));
    for (const key of keys) for (const value of Object.values(ENV)) if (value) expect(key).not.toContain(value);
  });
});
