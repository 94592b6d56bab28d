// The config file (offboard.yaml): the accounts a run works on and, per account, the NAMES of the
// environment variables that hold its credentials (never a secret itself), and its base URL.
// Everything is checked before anything is sent, each problem an InputError that points at the
// file, line and column and names the key: first the shipped JSON Schema (schema/
// offboard.schema.json, which editors use too), then what a schema cannot say (the provider's
// account id rules, that the variables are set, duplicates). A message never shows a credential:
// not a variable's value, nor a value the file should not hold.

import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Redactor } from '@offboard/runtime';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { printable } from './format.js';
import { keyPath, type Segment, segmentsOf } from './key-path.js';
import { type Env, showValue } from './provider.js';
import { readUpTo } from './read-file.js';
import type { AnyProvider, Registry } from './registry.js';
import { InputError } from './types.js';

// ajv-formats is CommonJS: under NodeNext the plugin is the module's `default` property.
const addFormats = ajvFormats.default;

export interface AccountConfig {
  readonly provider: string;
  /** Canonical (as the provider's canonicalAccount returns it). */
  readonly account: string;
  /** Client option → the NAME of the environment variable holding it. */
  readonly credentials?: Readonly<Record<string, string>>;
  readonly baseUrl?: string;
  /** Where the account is listed: `offboard.yaml:12` (file:line of the list item). */
  readonly where: string;
}

export interface OffboardConfig {
  readonly file: string;
  readonly accounts: readonly AccountConfig[];
}

export const DEFAULT_CONFIG_FILE = 'offboard.yaml';

/** A config lists accounts, not data: anything larger is refused before it is parsed. */
const MAX_CONFIG_BYTES = 1024 * 1024;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables whose names say they hold a secret: their values are never shown either. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS_?PHRASE|CREDENTIAL|AUTH/i;
const SURROUNDING_WHITESPACE = /^[ \t\r\n\f\v]+|[ \t\r\n\f\v]+$/g;
// RFC 9110 §5.5: what a header can carry (the runtime refuses anything else at send time).
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/**
 * Per account read from a file, its provider's credential options that its `credentials` leave
 * out: accountClientOptions sets them empty, so the runtime never completes an account's
 * credentials from the provider's default variables (another account's credentials).
 */
const unusedOptions = new WeakMap<AccountConfig, readonly string[]>();

/** A located problem: where in the file, which key, what is wrong. */
class Problem {
  constructor(
    readonly offset: number,
    readonly path: readonly Segment[],
    readonly text: string,
  ) {}
}

/** What one parse knows about its file, for messages. */
interface Source {
  readonly file: string;
  readonly text: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** Parses and checks a config (throws InputError as above). `env` is where variables are looked up. */
export function parseConfig(text: string, file: string, registry: Registry, env: Env): OffboardConfig {
  const shown = printable(file);
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES)
    throw new InputError(`${shown}: is larger than 1 MB; a config lists accounts, nothing more`);
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = new LineCounter();
  const doc = parseDocument(body, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: false });
  const source: Source = { file: shown, text: body, doc, lines };
  // Whatever goes wrong, the values of the variables the file names (and the providers' default
  // ones) are scrubbed from the message: a check that echoes a value must not leak one.
  const redactor = new Redactor(secretsOf(doc, registry, env));
  try {
    return check(source, registry, env, redactor);
  } catch (error) {
    if (error instanceof Problem) throw new InputError(redactor.text(describe(source, error)));
    if (error instanceof InputError) throw new InputError(redactor.text(error.message));
    throw error;
  }
}

function check(source: Source, registry: Registry, env: Env, redactor: Redactor): OffboardConfig {
  const { doc } = source;
  const [syntax] = [...doc.errors, ...doc.warnings];
  if (syntax) {
    const { line, col } = source.lines.linePos(syntax.pos[0]);
    throw new InputError(`${source.file}:${line}:${col}: invalid YAML: ${printable(syntax.message)}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses an alias explosion (a "billion laughs" document) here.
    throw new InputError(`${source.file}: invalid YAML: ${printable((error as Error).message)}`);
  }

  const validate = validatorFor(registry);
  if (!validate(data)) throw firstSchemaProblem(source, validate.errors ?? [], data, registry);

  const root = data as { accounts: Record<string, unknown>[] };
  const accounts: AccountConfig[] = [];
  const seen = new Map<string, number>();
  root.accounts.forEach((item, index) => {
    const at = (...rest: Segment[]): readonly Segment[] => ['accounts', index, ...rest];
    const module = registry.module(item.provider);
    const itemLine = lineOf(source, locate(doc, at()).offset);

    const account = canonicalAccount(module, accountText(source, item.account, at('account')), source, at('account'));
    const key = `${module.name}/${account}`;
    const first = seen.get(key);
    if (first !== undefined)
      throw problemAt(
        source,
        at('account'),
        `${module.name} account ${account} is listed twice (lines ${first} and ${itemLine})`,
      );
    seen.set(key, itemLine);

    const credentials = item.credentials as Record<string, string> | undefined;
    if (credentials !== undefined) checkCredentials(source, module, credentials, env, redactor, at);
    const baseUrl = item.baseUrl as string | undefined;
    if (baseUrl !== undefined) {
      const problem = baseUrlProblem(baseUrl);
      if (problem) throw problemAt(source, at('baseUrl'), problem);
    }

    const config: AccountConfig = {
      provider: module.name,
      account,
      ...(credentials === undefined ? {} : { credentials: Object.freeze({ ...credentials }) }),
      ...(baseUrl === undefined ? {} : { baseUrl }),
      where: `${source.file}:${itemLine}`,
    };
    if (credentials !== undefined)
      unusedOptions.set(
        config,
        credentialOptions(module).filter((option) => !Object.hasOwn(credentials, option)),
      );
    accounts.push(Object.freeze(config));
  });
  return Object.freeze({ file: source.file, accounts: Object.freeze(accounts) });
}

/** The account id as text: a string as written, a YAML integer as its decimal digits. */
function accountText(source: Source, value: unknown, path: readonly Segment[]): string {
  if (typeof value === 'string') return value;
  const number = value as number;
  const { node } = locate(source.doc, path);
  const raw = node?.range ? source.text.slice(node.range[0], node.range[1]) : String(number);
  // Only a plain decimal integer that a number holds exactly: 0x10, 0o17, 1e3 and 2^53 + 1 are
  // numbers YAML reads into another id than the digits written.
  if (/^[+-]?[0-9]+$/.test(raw) && Number.isSafeInteger(number)) return String(number);
  throw problemAt(source, path, numberProblem(raw));
}

function numberProblem(raw: string): string {
  return `${printable(raw)} is a YAML number that is not an exact decimal integer: write the id as a string (${showValue(raw)})`;
}

function canonicalAccount(module: AnyProvider, account: string, source: Source, path: readonly Segment[]): string {
  try {
    return module.canonicalAccount(account);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw problemAt(source, path, error.message.replace(/^account /, ''));
  }
}

function checkCredentials(
  source: Source,
  module: AnyProvider,
  credentials: Readonly<Record<string, string>>,
  env: Env,
  redactor: Redactor,
  at: (...rest: Segment[]) => readonly Segment[],
): void {
  const incomplete = alternativeProblem(module, Object.keys(credentials));
  if (incomplete) throw problemAt(source, at('credentials'), incomplete);
  for (const [option, variable] of Object.entries(credentials)) {
    const problem = variableProblem(variable, env, redactor);
    if (problem) throw problemAt(source, at('credentials', option), problem);
  }
}

/** What is wrong with reading a credential from `variable` in `env`; never its value. */
function variableProblem(variable: string, env: Env, redactor: Redactor): string | undefined {
  if (!VARIABLE_NAME.test(variable)) return 'must name an environment variable';
  // A name that is some credential's value: a secret pasted where its variable's name goes.
  if (redactor.text(variable) !== variable) return 'must name an environment variable, not hold a credential';
  const value = lookup(env, variable);
  if (value === undefined) {
    // Not a variable, but some variable's value: a pasted secret, perhaps. Not shown.
    if (Object.values(env).some((other) => other === variable))
      return 'must name an environment variable (this is the value of one)';
    return `environment variable ${variable} is not set`;
  }
  const trimmed = value.replace(SURROUNDING_WHITESPACE, '');
  if (trimmed === '') return `environment variable ${variable} is empty`;
  if (NOT_PRINTABLE_ASCII.test(trimmed))
    return `environment variable ${variable} contains a line break or other character that cannot be sent in a header`;
  return undefined;
}

/** A variable's value: only the environment's own strings (never `toString` from its prototype). */
function lookup(env: Env, name: string): string | undefined {
  if (!Object.hasOwn(env, name)) return undefined;
  const value = env[name];
  return typeof value === 'string' ? value : undefined;
}

/** The credential options of a provider's apis, in the order they declare them. */
function credentialOptions(module: AnyProvider): string[] {
  return [...new Set(module.apis.flatMap((api) => Object.values(api.credentials).map((source) => source.option)))];
}

/** Each api's security alternatives, as the client options that satisfy them. */
function alternativesOf(module: AnyProvider): (readonly (readonly string[])[])[] {
  return module.apis.map((api) =>
    api.security.map((schemes) =>
      schemes.map((scheme) => api.credentials[scheme]?.option).filter((option) => option !== undefined),
    ),
  );
}

/**
 * Unless `given` is exactly one alternative of every api's security (as the api's client options
 * go), what is missing or what does not go together.
 */
function alternativeProblem(module: AnyProvider, given: readonly string[]): string | undefined {
  for (const [index, alternatives] of alternativesOf(module).entries()) {
    if (alternatives.length === 0) continue;
    const own = new Set(Object.values(module.apis[index]!.credentials).map((source) => source.option));
    const mine = given.filter((option) => own.has(option));
    const exact = (alternative: readonly string[]) =>
      alternative.length === mine.length && mine.every((option) => alternative.includes(option));
    if (alternatives.some(exact)) continue;
    const takes = `${module.name} takes ${[...new Set(alternatives.map((alternative) => alternative.join(' + ')))].join(', or ')}`;
    const covering = alternatives
      .filter((alternative) => mine.every((option) => alternative.includes(option)))
      .sort((a, b) => a.length - b.length)[0];
    if (covering) return `missing ${covering.filter((option) => !mine.includes(option)).join(' and ')} (${takes})`;
    return `${mine.join(' and ')} do not go together (${takes})`;
  }
  return undefined;
}

/** What is wrong with a base URL, or undefined. Never shows it: a URL may carry a token. */
function baseUrlProblem(value: string): string | undefined {
  // The URL parser drops tabs and line breaks and trims spaces: the URL used would not be the one written.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(value)) return 'must not contain spaces or control characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http(s) URL (https://host/...)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  // RFC 9110 §4.2.4: userinfo in an http(s) URI is deprecated, and it would leak into logs and errors.
  if (url.username !== '' || url.password !== '' || /^[^:]+:\/\/[^/?#]*@/.test(value))
    return 'must not contain credentials (user:password@): name their variables in credentials';
  if (value.includes('?') || value.includes('#')) return 'must not have a query or a fragment';
  return undefined;
}

// ---- the schema -------------------------------------------------------------------------------

interface JsonSchema {
  [keyword: string]: unknown;
}

let shippedSchema: JsonSchema | undefined;

/** The schema shipped in the package (schema/offboard.schema.json), read once. */
function shipped(): JsonSchema {
  shippedSchema ??= JSON.parse(
    readFileSync(new URL('../schema/offboard.schema.json', import.meta.url), 'utf8'),
  ) as JsonSchema;
  return shippedSchema;
}

const validators = new WeakMap<Registry, ValidateFunction>();

/**
 * The shipped schema, fitted to `registry`: its providers, and for a provider the shipped schema
 * does not describe (one registered by a caller), its credential options from its api definitions.
 */
function validatorFor(registry: Registry): ValidateFunction {
  let validate = validators.get(registry);
  if (!validate) {
    const schema = structuredClone(shipped());
    delete schema.$id;
    const account = (schema.$defs as Record<string, JsonSchema>).account!;
    (account.properties as Record<string, JsonSchema>).provider!.enum = [...registry.names];
    const branches = new Map(
      (account.allOf as JsonSchema[]).map((branch) => [branchProvider(branch), branch] as const),
    );
    account.allOf = registry.names.map((name) => {
      const module = registry.module(name);
      const own = branches.get(name);
      const options = credentialOptions(module);
      const shippedOptions = own ? Object.keys(branchCredentials(own).properties as object) : [];
      const same =
        shippedOptions.length === options.length && options.every((option) => shippedOptions.includes(option));
      return own && same ? own : credentialsBranch(module);
    });
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    validate = ajv.compile(schema);
    validators.set(registry, validate);
  }
  return validate;
}

function branchProvider(branch: JsonSchema): unknown {
  return ((branch.if as JsonSchema).properties as Record<string, JsonSchema>).provider!.const;
}

function branchCredentials(branch: JsonSchema): JsonSchema {
  return ((branch.then as JsonSchema).properties as Record<string, JsonSchema>).credentials!;
}

/** The schema branch allowing exactly a provider's credential options under `credentials`. */
function credentialsBranch(module: AnyProvider): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const api of module.apis)
    for (const source of Object.values(api.credentials))
      properties[source.option] ??= {
        $ref: '#/$defs/variableName',
        title: source.option,
        description: `The environment variable holding ${source.option}${source.env ? ` (default ${source.env})` : ''}.`,
      };
  return {
    if: { type: 'object', required: ['provider'], properties: { provider: { const: module.name } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, never awaited.
    then: {
      properties: {
        credentials: {
          title: `${module.name} credentials`,
          description: `The environment variables holding ${module.name}'s credentials.`,
          type: 'object',
          additionalProperties: false,
          properties,
        },
      },
    },
  };
}

/** Where ajv's errors come out in the file; the first one (by position) is reported. */
function firstSchemaProblem(
  source: Source,
  errors: readonly ErrorObject[],
  data: unknown,
  registry: Registry,
): Problem {
  const problems = errors
    .filter((error) => error.keyword !== 'if')
    .map((error, order) => ({ problem: schemaProblem(source, error, data, registry), order }));
  problems.sort((a, b) => a.problem.offset - b.problem.offset || a.order - b.order);
  return problems[0]?.problem ?? new Problem(0, [], 'does not match the config schema');
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'nothing',
};

function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'boolean') return 'true or false';
  return `a ${typeof value}`;
}

function schemaProblem(source: Source, error: ErrorObject, data: unknown, registry: Registry): Problem {
  const path = segmentsOf(error.instancePath, data);
  const [top, index, field, option] = path;
  const inAccount = top === 'accounts' && typeof index === 'number';
  const value = error.data;

  if (error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const at = locate(source.doc, [...path, key], true);
    if (inAccount && field === 'credentials' && path.length === 3) {
      const provider = (data as { accounts: { provider: string }[] }).accounts[index]!.provider;
      const options = credentialOptions(registry.module(provider));
      return new Problem(
        at.offset,
        [...path, key],
        `unknown credential option for ${provider} (expected ${options.join(', ')})`,
      );
    }
    const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
    return new Problem(at.offset, [...path, key], `unknown key (expected ${known.join(', ')})`);
  }
  const { offset } = locate(source.doc, path);
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return new Problem(offset, path, `missing ${missing}`);
  }
  if (inAccount && field === 'credentials' && path.length === 4 && option !== undefined)
    return new Problem(offset, path, 'must name an environment variable');
  if (inAccount && field === 'baseUrl' && path.length === 3 && typeof value === 'string')
    return new Problem(
      offset,
      path,
      baseUrlProblem(value) ?? 'must be an absolute http(s) URL without credentials, query or fragment',
    );
  if (inAccount && field === 'account' && path.length === 3 && typeof value === 'number') {
    const { node } = locate(source.doc, path);
    const raw = node?.range ? source.text.slice(node.range[0], node.range[1]) : String(value);
    return new Problem(offset, path, numberProblem(raw));
  }
  switch (error.keyword) {
    case 'type': {
      const expected = ([] as string[]).concat((error.params as { type: string | string[] }).type);
      const words = expected.map((type) => TYPE_NAMES[type] ?? type).join(' or ');
      return new Problem(offset, path, `must be ${words} (got ${typeOf(value)})`);
    }
    case 'enum':
      if (inAccount && field === 'provider') {
        try {
          registry.module(value);
        } catch (problem) {
          if (problem instanceof InputError) return new Problem(offset, path, problem.message);
          throw problem;
        }
      }
      return new Problem(
        offset,
        path,
        `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
      );
    case 'minItems':
      if (path.length === 1 && top === 'accounts') return new Problem(offset, path, 'lists no accounts');
      break;
  }
  return new Problem(offset, path, error.message ?? `breaks the schema's ${error.keyword} rule`);
}

// ---- positions --------------------------------------------------------------------------------

function deref(doc: Document, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 100; hops++) current = current.resolve(doc);
  return current;
}

/**
 * The node at `path` (aliases followed), or the nearest one above it that exists; with `key`,
 * the key of the last segment rather than its value.
 */
function locate(doc: Document, path: readonly Segment[], key = false): { node: Node | undefined; offset: number } {
  let node: unknown = doc.contents;
  let offset = startOf(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    const current = deref(doc, node);
    let next: unknown;
    let keyNode: unknown;
    if (isMap(current)) {
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      keyNode = pair?.key;
      next = pair?.value ?? undefined;
      if (pair && (next === undefined || (isScalar(next) && next.value === null && startOf(next) === undefined)))
        next = pair.key;
    } else if (isSeq(current) && typeof segment === 'number') {
      next = current.items[segment];
    }
    if (key && index === path.length - 1 && keyNode !== undefined) return found(keyNode, offset);
    if (next === undefined) return { node: undefined, offset };
    node = next;
    offset = startOf(node) ?? offset;
  }
  return found(node, offset);
}

function found(node: unknown, fallback: number): { node: Node | undefined; offset: number } {
  return { node: node as Node | undefined, offset: startOf(node) ?? fallback };
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function lineOf(source: Source, offset: number): number {
  return source.lines.linePos(offset).line;
}

function problemAt(source: Source, path: readonly Segment[], text: string): Problem {
  return new Problem(locate(source.doc, path).offset, path, text);
}

function describe(source: Source, problem: Problem): string {
  const { line, col } = source.lines.linePos(problem.offset);
  return `${source.file}:${line}:${col}: ${keyPath(problem.path)}: ${problem.text}`;
}

/**
 * The values a message must never show: those of the variables the file names under any
 * `credentials`, of the providers' default credential variables, and of any variable whose name
 * says it holds a secret (…_KEY, …_TOKEN, …_SECRET, …_PASSWORD, …).
 */
function secretsOf(doc: Document, registry: Registry, env: Env): string[] {
  const names = new Set<string>(Object.keys(env).filter((name) => SECRET_NAME.test(name)));
  for (const name of registry.names)
    for (const api of registry.module(name).apis)
      for (const source of Object.values(api.credentials)) if (source.env) names.add(source.env);
  // Each node once, where it is written: an alias is not followed (an alias explosion would be
  // walked exponentially), except one hop for an aliased `credentials` mapping.
  const visit = (node: unknown, depth: number): void => {
    if (depth > 64) return;
    if (isMap(node))
      for (const pair of node.items) {
        const value = isScalar(pair.key) && pair.key.value === 'credentials' ? deref(doc, pair.value) : undefined;
        if (isMap(value))
          for (const credential of value.items)
            if (isScalar(credential.value) && typeof credential.value.value === 'string')
              names.add(credential.value.value);
        visit(pair.value, depth + 1);
      }
    else if (isSeq(node)) for (const item of node.items) visit(item, depth + 1);
  };
  visit(doc.contents, 0);
  const values = [...names]
    .map((name) => lookup(env, name))
    .filter((value): value is string => value !== undefined && value !== '');
  // The forms showValue prints a value in, beside the Redactor's own (`\b` is not `\u0008`).
  return values.flatMap((value) => {
    const escaped = JSON.stringify(value).slice(1, -1);
    return [value, escaped, printable(escaped)];
  });
}

// ---- loading and using a config --------------------------------------------------------------

/**
 * The config of a run: `explicit` (--config) or env.OFFBOARD_CONFIG must exist (InputError otherwise: "cannot read <file>: ENOENT");
 * else ./offboard.yaml in `cwd` when it exists; else undefined.
 */
export async function loadConfig(options: {
  explicit?: string | undefined;
  env: Env;
  cwd: string;
  registry: Registry;
}): Promise<OffboardConfig | undefined> {
  const { explicit, env, cwd, registry } = options;
  const named = explicit ?? (env.OFFBOARD_CONFIG === '' ? undefined : env.OFFBOARD_CONFIG);
  if (named !== undefined) {
    if (named === '') throw new InputError('--config needs a file name');
    return parseConfig(await readConfig(resolve(cwd, named), named), named, registry, env);
  }
  const fallback = resolve(cwd, DEFAULT_CONFIG_FILE);
  try {
    await stat(fallback);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${DEFAULT_CONFIG_FILE}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return parseConfig(await readConfig(fallback, DEFAULT_CONFIG_FILE), DEFAULT_CONFIG_FILE, registry, env);
}

/** A config file's text, read up to the size limit (a pipe such as `--config <(…)` included). */
async function readConfig(file: string, shown: string): Promise<string> {
  const name = printable(shown);
  let text: string | undefined;
  try {
    text = await readUpTo(file, MAX_CONFIG_BYTES);
  } catch (error) {
    throw new InputError(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (text === undefined) throw new InputError(`${name}: is larger than 1 MB; a config lists accounts, nothing more`);
  return text;
}

/**
 * The client options an account's requests use: each credential option read from its variable, and baseUrl. Never logged.
 * The provider's other credential options are set empty, so the client cannot fill the account's
 * credentials in from the provider's default variables.
 */
export function accountClientOptions(account: AccountConfig, env: Env): Record<string, string> {
  const options: Record<string, string> = {};
  for (const option of unusedOptions.get(account) ?? []) options[option] = '';
  for (const [option, variable] of Object.entries(account.credentials ?? {})) {
    const value = lookup(env, variable);
    if (value === undefined || value.replace(SURROUNDING_WHITESPACE, '') === '')
      throw new InputError(
        `${account.where}: credentials.${option}: environment variable ${variable} is ${value === undefined ? 'not set' : 'empty'}`,
      );
    options[option] = value;
  }
  if (account.baseUrl !== undefined) options.baseUrl = account.baseUrl;
  return options;
}

/** A key equal for accounts that can share one client: same provider, same credential variables (their names and values), same baseUrl. */
export function clientKey(account: AccountConfig | undefined, provider: string): string {
  // Variable names only: within a run the environment is fixed, so the same names mean the same
  // values, and the key never holds a secret.
  const credentials = Object.entries(account?.credentials ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const baseUrl = account?.baseUrl?.replace(/\/$/, '');
  if (credentials.length === 0 && baseUrl === undefined) return provider;
  return JSON.stringify([provider, credentials, baseUrl ?? null]);
}
