// A saved plan: `offboard plan … --out plan.json` writes what planning decided, and
// `offboard apply --plan plan.json` runs exactly that (Terraform's `plan -out` model). This module
// is only the file: make it, write it, read it back and verify it. What a plan means (which
// writes apply may send, when it is stale) is the engine's.
//
// Guarantees:
// - The checksum covers everything: `sha256:` + hex over the canonical JSON of every other key
//   (object keys sorted by code point, no whitespace, arrays in order). Re-indenting the file or
//   reordering its keys keeps it valid; changing any value, adding or removing a key breaks it.
// - Written atomically: a temp file in the same directory, fsync'd, renamed over the target, the
//   directory fsync'd where the platform allows. Mode 0600 (a plan names people). A failed write
//   leaves the old file as it was and no temp file behind.
// - Read with every check before anything is used, in this order: the file can be read, it is
//   JSON (unique keys, at most 100 levels deep), its format is offboard-plan/1, it fits the shipped
//   schema (schema/offboard-plan.schema.json), its checksum matches, it is neither from the future
//   nor older than --max-age, and its targets are known providers' canonical ids, each once.
//   Every refusal is an InputError that starts with the file name and says what to do; a value
//   from the file is shown quoted, escaped and cut (showValue), never raw.
// - Linear in the size of the plan: no check compares a target with all the others.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OffboardError } from '@offboard/runtime';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import {
  findNodeAtLocation,
  type Node as JsonNode,
  type ParseErrorCode,
  parseTree,
  printParseErrorCode,
  visit,
} from 'jsonc-parser';
import { printable } from './format.js';
import type { RunDiscovery } from './journal.js';
import { keyPath, lineAndColumn, type Segment, segmentsOf } from './key-path.js';
import { showValue } from './provider.js';
import { readUpTo } from './read-file.js';
import type { Registry } from './registry.js';
import { type Facts, InputError, type Step, targetKey } from './types.js';

// ajv-formats is CommonJS: under NodeNext the plugin is the module's `default` property.
const addFormats = ajvFormats.default;

export const PLAN_FORMAT = 'offboard-plan/1';

/** One target of a plan: what planning decided for it, and what that rests on. */
export interface PlanTarget {
  readonly provider: string;
  readonly account: string;
  readonly user: string;
  readonly email?: string;
  /** `blocked` or `failed` when planning could not decide (e.g. an ambiguous email): apply then refuses it. */
  readonly outcome: 'planned' | 'blocked' | 'failed';
  readonly reason?: string;
  /** Reads with their statuses, writes with status null: those are the only writes apply may send. */
  readonly steps: readonly Step[];
  /** What the decision rests on (JSON values by name). */
  readonly facts: Facts;
}

/** The options a plan was made with: apply runs with these. */
export interface PlanFlags {
  readonly revokeTokens: boolean;
  readonly allAccounts: boolean;
  readonly maxRevisionRetries: number;
  /** What the plan was made from, for the reviewer: exactly one of these. */
  readonly input:
    | { readonly emails: readonly string[] }
    | { readonly people: string }
    | { readonly batch: string }
    | { readonly target: { readonly provider: string; readonly account: string; readonly user: string } };
}

export interface PlanDocument {
  readonly format: typeof PLAN_FORMAT;
  /** When the plan was made: ISO 8601 UTC (`new Date().toISOString()`). */
  readonly created: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly flags: PlanFlags;
  /** The config file the plan was made with (as given). */
  readonly config?: string;
  readonly discovery?: RunDiscovery;
  readonly targets: readonly PlanTarget[];
  /** `sha256:` + hex over the canonical JSON of everything else. */
  readonly checksum: string;
}

export interface ReadPlanOptions {
  /** The time to judge the plan's age by (the run's clock). */
  readonly now: Date;
  /** The oldest plan accepted (--max-age), in ms; Infinity for no limit. */
  readonly maxAgeMs: number;
  /** The providers targets may name; ids must be in their canonical form. */
  readonly registry: Registry;
}

/** A plan is a list of targets, not data: anything larger is refused before it is parsed. */
const MAX_PLAN_BYTES = 256 * 1024 * 1024;
/** Deeper nesting is refused before parsing (facts are shallow; a deep file is not a plan). */
const MAX_DEPTH = 100;
/** Clocks differ a little between the machine that planned and the one that applies. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** The longest duration parseDuration accepts. */
const MAX_DURATION_MS = 365 * 24 * 60 * 60 * 1000;

const EDITED = 'plan again; do not edit a plan by hand';

// ---- making and checksumming ------------------------------------------------------------------

/**
 * A plan of `content`, with its format and checksum. The content is taken as JSON (what
 * JSON.stringify keeps), and must fit the schema with each target once: anything else is a bug
 * in the caller, an OffboardError (not an InputError) naming the key.
 */
export function createPlan(content: Omit<PlanDocument, 'format' | 'checksum'>): PlanDocument {
  const {
    format: _format,
    checksum: _checksum,
    ...rest
  } = content as Omit<PlanDocument, 'format' | 'checksum'> & {
    format?: unknown;
    checksum?: unknown;
  };
  const body = JSON.parse(JSON.stringify({ format: PLAN_FORMAT, ...rest })) as Omit<PlanDocument, 'checksum'>;
  const plan: PlanDocument = { ...body, checksum: planChecksum(body) };
  const validate = planValidator();
  if (!validate(plan)) {
    const problem = schemaProblem(validate.errors?.[0], plan);
    throw new OffboardError(`createPlan: ${keyPath(problem.path)}: ${problem.text}`);
  }
  const seen = new Map<string, number>();
  plan.targets.forEach((target, index) => {
    const key = JSON.stringify([target.provider, target.account, target.user]);
    const first = seen.get(key);
    if (first !== undefined)
      throw new OffboardError(
        `createPlan: targets[${index}]: ${printable(targetKey(target))} is listed twice (targets[${first}] and targets[${index}])`,
      );
    seen.set(key, index);
  });
  return plan;
}

/** `sha256:` + hex over the canonical JSON of `plan` without its `checksum` key. */
export function planChecksum(plan: Omit<PlanDocument, 'checksum'> | PlanDocument): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson(plan, 'checksum'), 'utf8');
  return `sha256:${hash.digest('hex')}`;
}

/**
 * JSON with object keys sorted by code point, recursively, no whitespace, arrays in order;
 * `omit` is left out of the top-level object. Values as JSON.stringify writes them (an undefined
 * property is left out, NaN is null), so the checksum of a plan in memory is that of its file.
 */
function canonicalJson(value: unknown, omit?: string): string {
  const out: string[] = [];
  const write = (item: unknown, top: boolean): void => {
    if (item !== null && typeof item === 'object' && typeof (item as { toJSON?: unknown }).toJSON === 'function')
      item = (item as { toJSON: () => unknown }).toJSON();
    if (item === null || typeof item !== 'object') {
      out.push(JSON.stringify(item) ?? 'null');
      return;
    }
    if (Array.isArray(item)) {
      out.push('[');
      for (let index = 0; index < item.length; index++) {
        if (index > 0) out.push(',');
        write(item[index], false);
      }
      out.push(']');
      return;
    }
    const record = item as Record<string, unknown>;
    out.push('{');
    let first = true;
    for (const key of Object.keys(record).sort(byCodePoint)) {
      const member = record[key];
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      if (top && key === omit) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(key), ':');
      write(member, false);
    }
    out.push('}');
  };
  write(value, true);
  return out.join('');
}

/**
 * Code-point order. JavaScript's default sort compares UTF-16 code units, which puts a character
 * beyond U+FFFF (a surrogate pair, 0xD800–0xDFFF) before U+E000–U+FFFF; in code-point order it
 * comes after every character of the Basic Multilingual Plane.
 */
function byCodePoint(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

// ---- writing ----------------------------------------------------------------------------------

/**
 * Writes `plan` to `file` as pretty JSON (2 spaces) and a newline, atomically, mode 0600: a temp
 * file beside it, fsync'd, renamed over `file`, then the directory fsync'd where possible. An
 * InputError naming the file and the errno code when it cannot be written (no temp file is left);
 * an OffboardError when `plan` is not what createPlan makes (its checksum does not match).
 */
export async function writePlan(file: string, plan: PlanDocument): Promise<void> {
  if (plan.format !== PLAN_FORMAT || plan.checksum !== planChecksum(plan))
    throw new OffboardError('writePlan: the plan does not match its checksum: make it with createPlan');
  const text = `${JSON.stringify(plan, null, 2)}\n`;
  const directory = dirname(file);
  // Hidden, unique and short enough for any file system's name limit, whatever the target's name.
  const temp = join(directory, `.${basename(file).slice(0, 160)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(temp, 'wx', 0o600);
    // The mode given to open is reduced by the umask; a plan is the owner's only, whatever it is.
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw new InputError(
      `${printable(file)}: cannot write the plan (${errnoOf(error)}): check that the directory exists and is writable, or write it elsewhere`,
    );
  }
  await syncDirectory(directory);
}

/** Makes the rename durable; not every platform can open a directory (Windows cannot). */
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // The file is in place either way; only its durability across a power loss is weaker.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function errnoOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? printable(code) : printable(String(error));
}

// ---- reading ----------------------------------------------------------------------------------

/** Reads and verifies a plan file (see the guarantees above); an InputError for every refusal. */
export async function readPlan(file: string, options: ReadPlanOptions): Promise<PlanDocument> {
  const { now, maxAgeMs, registry } = options;
  if (!(maxAgeMs > 0)) throw new OffboardError(`readPlan: maxAgeMs must be more than 0 (got ${maxAgeMs})`);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new OffboardError('readPlan: now must be a Date');
  const shown = printable(file);
  const raw = await readText(file, shown);
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const data = parseJson(text, shown);
  // The tree, for where a problem is: only built when there is one.
  let tree: JsonNode | undefined;
  const root = () => (tree ??= parseTree(text)!);
  checkFormat(data, shown);

  const validate = planValidator();
  if (!validate(data)) {
    const problem = schemaProblem(validate.errors?.[0], data);
    if (problem.path.length === 1 && problem.path[0] === 'checksum')
      throw new InputError(`${shown}: was changed after it was written (${problem.text}): ${EDITED}`);
    if (problem.missing === 'checksum' && problem.path.length === 0)
      throw new InputError(`${shown}: was changed after it was written (it has no checksum): ${EDITED}`);
    throw new InputError(`${where(shown, text, root, problem.path)}: ${problem.text}: ${EDITED}`);
  }
  const plan = data as PlanDocument;

  if (planChecksum(plan) !== plan.checksum)
    throw new InputError(`${shown}: was changed after it was written (checksum mismatch): ${EDITED}`);

  checkAge(plan, shown, now.getTime(), maxAgeMs);
  checkTargets(plan, text, root, shown, registry);
  return plan;
}

/** A plan file's text, read up to the size limit (a pipe such as `--plan <(…)` included). */
async function readText(file: string, shown: string): Promise<string> {
  let text: string | undefined;
  try {
    text = await readUpTo(file, MAX_PLAN_BYTES);
  } catch (error) {
    throw new InputError(
      `${shown}: cannot read the plan (${errnoOf(error)}): check the file name, or make one with offboard plan --out`,
    );
  }
  if (text === undefined)
    throw new InputError(`${shown}: is larger than 256 MB, too large for a plan: plan fewer targets at a time`);
  return text;
}

/** What each of jsonc-parser's syntax errors means, for a person. */
const SYNTAX: Readonly<Record<string, string>> = {
  InvalidSymbol: 'not a JSON value',
  InvalidNumberFormat: 'a number JSON does not allow',
  PropertyNameExpected: 'expected a key in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'more after the end of the plan',
  InvalidCommentToken: 'a comment (JSON has none)',
  UnexpectedEndOfComment: 'a comment (JSON has none)',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'a \\u escape needs 4 hex digits',
  InvalidEscapeCharacter: 'an invalid escape in a string',
  InvalidCharacter: 'a control character inside a string (it must be escaped)',
};

/** A syntax error as a refusal: what it is, where (a raw control character: the character itself). */
function syntaxError(text: string, shown: string, error: ParseErrorCode, offset: number, length: number): InputError {
  const code = printParseErrorCode(error);
  let token = text.slice(offset, offset + length);
  let where = offset;
  if (code === 'InvalidCharacter') {
    // The string's first raw control character, where it is.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding the control character is the point.
    const inside = token.search(/[\u0000-\u001f]/);
    if (inside >= 0) {
      where += inside;
      token = token.charAt(inside);
    }
  }
  const ended = where >= text.length;
  const shownToken =
    token === '' || ended ? '' : code.endsWith('Expected') ? `, got ${showValue(token)}` : `: ${showValue(token)}`;
  const { line, column } = lineAndColumn(text, where);
  return new InputError(
    `${shown}:${line}:${column}: not valid JSON (${ended ? 'it ends early, ' : ''}${SYNTAX[code] ?? code}${shownToken}): plan again`,
  );
}

/**
 * The plan's text parsed (RFC 8259). One pass of jsonc-parser's visitor first refuses, with its
 * line and column, the first syntax error, a key written twice in an object (else a reviewer
 * could read one value and apply another) and nesting deeper than MAX_DEPTH (refused as it is
 * entered, before the parser goes deeper).
 */
function parseJson(text: string, shown: string): unknown {
  if (/^[ \t\r\n]*$/.test(text)) throw new InputError(`${shown}: is empty, not a plan: plan again`);
  // Per open object its keys so far; undefined for an open array.
  const open: (Set<string> | undefined)[] = [];
  const enter = (keys: Set<string> | undefined, line: number, character: number) => {
    if (open.length >= MAX_DEPTH)
      throw new InputError(`${shown}:${line + 1}:${character + 1}: nests deeper than ${MAX_DEPTH} levels: plan again`);
    open.push(keys);
  };
  visit(
    text,
    {
      onObjectBegin: (_offset, _length, line, character) => enter(new Set(), line, character),
      onArrayBegin: (_offset, _length, line, character) => enter(undefined, line, character),
      onObjectEnd: () => void open.pop(),
      onArrayEnd: () => void open.pop(),
      onObjectProperty: (name, _offset, _length, line, character, path) => {
        const keys = open.at(-1)!;
        if (keys.has(name))
          throw new InputError(
            `${shown}:${line + 1}:${character + 1}: ${keyPath(path())}: key ${showValue(name)} appears twice: ${EDITED}`,
          );
        keys.add(name);
      },
      onError: (error, offset, length) => {
        throw syntaxError(text, shown, error, offset, length);
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  try {
    return JSON.parse(text);
  } catch (error) {
    // jsonc-parser with comments and trailing commas refused accepts what JSON.parse does; a safety net.
    throw new InputError(`${shown}: not valid JSON (${printable((error as Error).message)}): plan again`);
  }
}

function checkFormat(data: unknown, shown: string): void {
  const format = isObject(data) ? data.format : undefined;
  if (typeof format !== 'string')
    throw new InputError(
      `${shown}: not an offboard plan (it has no "format": "${PLAN_FORMAT}"): make one with offboard plan --out`,
    );
  if (format === PLAN_FORMAT) return;
  if (/^offboard-plan\/[0-9]+$/.test(format))
    throw new InputError(
      `${shown}: made by a different version of offboard (format ${showValue(format)}): this one reads ${PLAN_FORMAT}; plan again with this version`,
    );
  throw new InputError(
    `${shown}: not an offboard plan (format ${showValue(format)}, expected "${PLAN_FORMAT}"): make one with offboard plan --out`,
  );
}

function checkAge(plan: PlanDocument, shown: string, now: number, maxAgeMs: number): void {
  const created = Date.parse(plan.created);
  // The schema's date-time admits a leap second (23:59:60), which Date cannot hold.
  if (Number.isNaN(created))
    throw new InputError(
      `${shown}: created: ${showValue(plan.created)} is not a time this machine can read: plan again`,
    );
  const age = now - created;
  if (-age > CLOCK_SKEW_MS)
    throw new InputError(
      `${shown}: created in the future (${plan.created}, ${formatDuration(-age)} ahead of this machine): check this machine's clock (and the one that made the plan)`,
    );
  if (age <= maxAgeMs) return;
  const shownAge = formatDuration(age);
  const shownMax = formatDuration(maxAgeMs);
  const old = shownAge === shownMax ? 'is older than' : `is ${shownAge} old, older than`;
  const allowance = allowanceFor(age);
  throw new InputError(
    `${shown}: ${old} --max-age ${shownMax}: plan again${allowance ? ` (or allow it with --max-age ${allowance})` : ''}`,
  );
}

/** The shortest round --max-age that accepts a plan of `age` (none beyond parseDuration's limit). */
function allowanceFor(age: number): string | undefined {
  const minutes = Math.ceil(age / MINUTE);
  const hours = Math.ceil(age / HOUR);
  const days = Math.ceil(age / DAY);
  if (age < 2 * HOUR) return `${minutes}m`;
  if (age < 2 * DAY) return `${hours}h`;
  return days * DAY <= MAX_DURATION_MS ? `${days}d` : undefined;
}

/** Known providers, canonical ids, each target once: what a correct writer always produces. */
function checkTargets(plan: PlanDocument, text: string, root: () => JsonNode, shown: string, registry: Registry): void {
  const names = new Set(registry.names);
  const seen = new Map<string, number>();
  const refusal = (path: readonly Segment[], problem: string): InputError =>
    new InputError(`${where(shown, text, root, path)}: ${problem}: plan again with this version of offboard`);
  for (const [index, target] of plan.targets.entries()) {
    if (!names.has(target.provider))
      throw refusal(
        ['targets', index, 'provider'],
        `unknown provider ${showValue(target.provider)} (expected one of ${registry.names.join(', ')})`,
      );
    let canonical: { account: string; user: string };
    try {
      canonical = registry.canonical(target);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw refusal(['targets', index], error.message);
    }
    for (const field of ['account', 'user'] as const)
      if (canonical[field] !== target[field])
        throw refusal(
          ['targets', index, field],
          `${showValue(target[field])} is not in canonical form (offboard writes ${showValue(canonical[field])})`,
        );
    const key = JSON.stringify([target.provider, target.account, target.user]);
    const first = seen.get(key);
    if (first !== undefined)
      throw refusal(
        ['targets', index],
        `${printable(targetKey(target))} is listed twice (targets[${first}] and targets[${index}])`,
      );
    seen.set(key, index);
  }
}

// ---- the schema -------------------------------------------------------------------------------

let validator: ValidateFunction | undefined;

/** The shipped schema (schema/offboard-plan.schema.json), compiled once. */
function planValidator(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(
      readFileSync(new URL('../schema/offboard-plan.schema.json', import.meta.url), 'utf8'),
    ) as object;
    const ajv = new Ajv2020({ allErrors: false, verbose: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  return validator;
}

interface SchemaProblem {
  readonly path: readonly Segment[];
  readonly text: string;
  /** For a missing key: its name (the path is the object's). */
  readonly missing?: string;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

/** What the rule of a pattern or format means, by the key it applies to. */
const RULES: Record<string, string> = {
  created: 'must be a time in ISO 8601 in UTC, like 2025-01-31T09:00:00.000Z',
  at: 'must be a time in ISO 8601 in UTC, like 2025-01-31T09:00:00.000Z',
  checksum: 'must be "sha256:" and 64 lower-case hex digits',
  provider: 'must be a provider name (lower-case letters, digits and dashes)',
  method: 'must be an HTTP method in upper case, like GET or DELETE',
  path: 'must be a request path starting with "/", without spaces',
};

/** What a JSON value is, for a message: short values as they are, others by their type. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return showValue(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : 'nothing';
}

function schemaProblem(error: ErrorObject | undefined, data: unknown): SchemaProblem {
  if (!error) return { path: [], text: 'does not fit the plan schema' };
  const path = segmentsOf(error.instancePath, data);
  const last = path[path.length - 1];
  const got = ` (got ${describeValue(error.data)})`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return { path: [...path, key], text: `unknown key (expected ${known.join(', ')})` };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      return { path, text: `missing ${missing}`, missing };
    }
    case 'type': {
      const expected = ([] as string[]).concat(params.type as string | string[]);
      return { path, text: `must be ${expected.map((type) => TYPE_NAMES[type] ?? type).join(' or ')}${got}` };
    }
    case 'enum':
      return {
        path,
        text: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}${got}`,
      };
    case 'const':
      return { path, text: `must be ${JSON.stringify(params.allowedValue)}${got}` };
    case 'pattern':
    case 'format':
      return {
        path,
        text: `${(typeof last === 'string' ? RULES[last] : undefined) ?? `must match ${String(params.pattern ?? params.format)}`}${got}`,
      };
    case 'minimum':
      return { path, text: `must be at least ${String(params.limit)}${got}` };
    case 'maximum':
      return { path, text: `must be at most ${String(params.limit)}${got}` };
    case 'minLength':
      return { path, text: 'must not be empty' };
    case 'minItems':
      return { path, text: `must list at least ${String(params.limit)}` };
    case 'minProperties':
    case 'maxProperties': {
      const keys = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return { path, text: `must have exactly one of ${keys.join(', ')}` };
    }
  }
  return { path, text: printable(error.message ?? `breaks the schema's ${error.keyword} rule`) };
}

/** `plan.json:12:7: targets[0].user`: the file, where `path` is in it (its key, in an object), and the key path. */
function where(shown: string, text: string, root: () => JsonNode, path: readonly Segment[]): string {
  const node = findNodeAtLocation(root(), [...path]);
  if (node === undefined) return `${shown}: ${keyPath(path)}`;
  const offset = node.parent?.type === 'property' ? node.parent.offset : node.offset;
  const { line, column } = lineAndColumn(text, offset);
  return `${shown}:${line}:${column}: ${keyPath(path)}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---- durations --------------------------------------------------------------------------------

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const DURATION = /^\s*(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m(?!s))?(?:([0-9]+)s)?(?:([0-9]+)ms)?\s*$/;

/**
 * A duration such as `24h`, `90m`, `7d`, `500ms` or `1h30m` (units d, h, m, s, ms in that order,
 * each at most once), in ms: more than 0 and at most 365 days. An InputError naming `option` and
 * showing the text otherwise.
 */
export function parseDuration(text: string, option = '--max-age'): number {
  const shown = typeof text === 'string' ? showValue(text) : String(text);
  const match = typeof text === 'string' ? DURATION.exec(text) : null;
  if (!match || match.slice(1).every((part) => part === undefined))
    throw new InputError(`${option} must be a duration like 24h, 90m or 7d (got ${shown})`);
  const [, days, hours, minutes, seconds, ms] = match;
  const total =
    Number(days ?? 0) * DAY +
    Number(hours ?? 0) * HOUR +
    Number(minutes ?? 0) * MINUTE +
    Number(seconds ?? 0) * SECOND +
    Number(ms ?? 0);
  if (total === 0) throw new InputError(`${option} must be more than 0 (got ${shown})`);
  if (!(total <= MAX_DURATION_MS)) throw new InputError(`${option} must be at most 365d (got ${shown})`);
  return total;
}

/**
 * A duration for messages, in the largest unit it holds at least twice of, rounded down:
 * `500 ms`, `90 s`, `45 min`, `26 h`, `3 d 4 h`.
 */
export function formatDuration(ms: number): string {
  if (Number.isNaN(ms)) return 'an unknown time';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === Number.POSITIVE_INFINITY) return 'forever';
  if (ms < 2 * SECOND) return `${Math.floor(ms)} ms`;
  if (ms < 2 * MINUTE) return `${Math.floor(ms / SECOND)} s`;
  if (ms < 2 * HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < 2 * DAY) return `${Math.floor(ms / HOUR)} h`;
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms - days * DAY) / HOUR);
  return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
}
