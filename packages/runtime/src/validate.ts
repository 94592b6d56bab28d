// Path parameters are checked against the rules the generator took from the spec before any
// request is built, so a bad id never reaches a provider. Whatever the schema says, a parameter is
// one path segment: no "/" or "\\", no control characters, and not "." or ".." (URL parsers
// resolve dot segments, even percent-encoded, and would change the target; RFC 3986 §5.2.4).
// Integers are compared as exact decimal digit strings (BigInt), never through a JS number, so an
// int64 id above 2^53 keeps every digit.
import type { OperationDefinition, ParamRule } from './definition.js';
import { ValidationError } from './errors.js';
import type { Redactor } from './redact.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refuses control characters in a path segment.
const NOT_ONE_SEGMENT = /[/\\\u0000-\u001f\u007f]/;

/** Describes the rule in words, for error messages ("an integer >= 1", "a UUID of at most 36 characters"). */
export function describeRule(rule: ParamRule): string {
  const parts: string[] = [];
  if (rule.enum) return `one of ${rule.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  if (rule.type === 'integer' || rule.type === 'number') {
    parts.push(rule.type === 'integer' ? 'an integer' : 'a number');
    if (rule.minimum !== undefined) parts.push(`>= ${rule.minimum}`);
    if (rule.exclusiveMinimum !== undefined) parts.push(`> ${rule.exclusiveMinimum}`);
    if (rule.maximum !== undefined) parts.push(`<= ${rule.maximum}`);
    return parts.join(' ');
  }
  if (rule.type === 'boolean') return 'true or false';
  parts.push(rule.format === 'uuid' ? 'a UUID' : 'a single path segment');
  if (rule.minLength !== undefined) parts.push(`of at least ${rule.minLength} characters`);
  if (rule.maxLength !== undefined) parts.push(`of at most ${rule.maxLength} characters`);
  if (rule.pattern !== undefined) parts.push(`matching ${rule.pattern}`);
  return parts.join(' ');
}

/** The range a `format` gives an integer (OpenAPI 3.1 §4.2 data types). */
const FORMAT_RANGE: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** The integer a value stands for, exactly; undefined when it is not one (or not exactly one). */
function integerOf(value: string | number | boolean): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  return typeof value === 'string' && INTEGER.test(value) ? BigInt(value) : undefined;
}

function breaksInteger(rule: ParamRule, value: string | number | boolean): boolean {
  const integer = integerOf(value);
  if (integer === undefined) return true;
  const range = rule.format ? FORMAT_RANGE[rule.format] : undefined;
  if (range && (integer < range[0] || integer > range[1])) return true;
  // Bounds are JSON numbers: an integer n is >= m exactly when n >= ceil(m), and so on.
  if (rule.minimum !== undefined && integer < BigInt(Math.ceil(rule.minimum))) return true;
  if (rule.exclusiveMinimum !== undefined && integer <= BigInt(Math.floor(rule.exclusiveMinimum))) return true;
  return rule.maximum !== undefined && integer > BigInt(Math.floor(rule.maximum));
}

/**
 * The one form of a path parameter that passed its rule: integers in decimal without leading
 * zeros or a sign on zero ("007" → "7", "-0" → "0"), UUIDs lower-case, anything else as given.
 * The client sends this form; compare ids in it.
 */
export function canonicalParam(rule: ParamRule, value: string | number): string {
  if (rule.type === 'integer' && !rule.enum) {
    const integer = integerOf(value);
    if (integer === undefined) throw new TypeError(`not an integer: ${JSON.stringify(String(value))}`);
    return integer.toString();
  }
  const text = String(value);
  return rule.type === 'string' && rule.format === 'uuid' ? text.toLowerCase() : text;
}

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regexp = patterns.get(pattern);
  if (!regexp) {
    regexp = new RegExp(pattern, 'u');
    patterns.set(pattern, regexp);
  }
  return regexp;
}

function breaks(rule: ParamRule, value: unknown): boolean {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return true;
  const text = String(value);
  if (rule.enum) return !rule.enum.some((allowed) => String(allowed) === text);
  switch (rule.type) {
    case 'boolean':
      return text !== 'true' && text !== 'false';
    case 'integer':
      return breaksInteger(rule, value);
    case 'number': {
      if (typeof value === 'boolean') return true;
      if (typeof value === 'string' && !NUMBER.test(value)) return true;
      const number = Number(value);
      if (!Number.isFinite(number)) return true;
      if (rule.minimum !== undefined && number < rule.minimum) return true;
      if (rule.exclusiveMinimum !== undefined && number <= rule.exclusiveMinimum) return true;
      return rule.maximum !== undefined && number > rule.maximum;
    }
    case 'string': {
      if (text.length === 0 || text === '.' || text === '..' || NOT_ONE_SEGMENT.test(text)) return true;
      // JSON Schema lengths count code points, never more than the UTF-16 units: counted only
      // when the units alone do not settle it.
      if (rule.maxLength !== undefined && text.length > rule.maxLength && codePoints(text) > rule.maxLength)
        return true;
      if (rule.minLength !== undefined && (text.length < rule.minLength || codePoints(text) < rule.minLength))
        return true;
      if (rule.format === 'uuid' && !UUID.test(text)) return true;
      return rule.pattern !== undefined && !compiled(rule.pattern).test(text);
    }
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The rules of an operation's path parameters as a list, computed once per operation. */
const ruleLists = new WeakMap<OperationDefinition['pathParams'], readonly (readonly [string, ParamRule])[]>();
function rulesOf(operation: OperationDefinition): readonly (readonly [string, ParamRule])[] {
  let rules = ruleLists.get(operation.pathParams);
  if (!rules) {
    rules = Object.entries(operation.pathParams);
    ruleLists.set(operation.pathParams, rules);
  }
  return rules;
}

function refuse(operation: OperationDefinition, name: string, rule: ParamRule, value: unknown, redactor: Redactor) {
  const expected = describeRule(rule);
  return new ValidationError(
    redactor.text(
      `${operation.operationId}: path parameter "${name}" must be ${expected} (got ${show(value)}); nothing was sent`,
    ),
    name,
    expected,
  );
}

/** Throws a ValidationError naming the first parameter that breaks its rule. */
export function validatePathParams(
  operation: OperationDefinition,
  values: Readonly<Record<string, unknown>> | undefined,
  redactor: Redactor,
): void {
  for (const [name, rule] of rulesOf(operation)) {
    const value = values?.[name];
    if (value === undefined || value === null || breaks(rule, value))
      throw refuse(operation, name, rule, value, redactor);
  }
}

/**
 * The path parameters as they are sent: each checked (a ValidationError naming the first that
 * breaks its rule) and in its canonical form (`canonicalParam`); other keys as given.
 */
export function canonicalPathParams(
  operation: OperationDefinition,
  values: Readonly<Record<string, unknown>> | undefined,
  redactor: Redactor,
): Record<string, unknown> | undefined {
  const rules = rulesOf(operation);
  if (rules.length === 0) return values as Record<string, unknown> | undefined;
  const out: Record<string, unknown> = { ...values };
  for (const [name, rule] of rules) {
    const value = out[name];
    if (value === undefined || value === null || breaks(rule, value))
      throw refuse(operation, name, rule, value, redactor);
    if (typeof value === 'string' || typeof value === 'number') out[name] = canonicalParam(rule, value);
  }
  return out;
}
