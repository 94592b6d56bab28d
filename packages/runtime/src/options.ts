// Client options checked where they are given (at creation, and per call), so a typo fails
// loudly before anything is sent instead of as a strange wait or an immediate timeout.
import { ValidationError } from './errors.js';
import type { RequestOptions } from './transport.js';

/** setTimeout fires at once for a delay above 2^31 - 1 ms (it is a signed 32-bit int in Node). */
const MAX_DELAY_MS = 2_147_483_647;

interface NumberRule {
  readonly min: number;
  /** `min` itself is refused. */
  readonly exclusive?: boolean;
  readonly max: number;
  readonly integer?: boolean;
}

const RULES = {
  maxRetries: { min: 0, max: 100, integer: true },
  timeout: { min: 0, exclusive: true, max: MAX_DELAY_MS },
  initialRetryDelayMs: { min: 0, max: MAX_DELAY_MS },
  maxRetryDelayMs: { min: 0, max: MAX_DELAY_MS },
  maxRetryAfterMs: { min: 0, max: MAX_DELAY_MS },
  maxRequestsPerSecond: { min: 0, exclusive: true, max: Number.MAX_VALUE },
} as const satisfies Record<string, NumberRule>;

export type NumericOption = keyof typeof RULES;

const PER_CALL: readonly NumericOption[] = [
  'timeout',
  'maxRetries',
  'initialRetryDelayMs',
  'maxRetryDelayMs',
  'maxRetryAfterMs',
];

function describe(rule: NumberRule): string {
  const kind = 'integer' in rule && rule.integer ? 'an integer' : 'a finite number';
  const low = rule.exclusive ? `> ${rule.min}` : `>= ${rule.min}`;
  return rule.max === Number.MAX_VALUE ? `${kind} ${low}` : `${kind} ${low} and <= ${rule.max}`;
}

/** The value of `name`, or a ValidationError naming it. */
export function checkNumber(name: NumericOption, value: unknown): number {
  const rule: NumberRule = RULES[name];
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.exclusive ? value > rule.min : value >= rule.min) &&
    value <= rule.max &&
    (!rule.integer || Number.isInteger(value));
  if (!ok) throw new ValidationError(`${name} must be ${describe(rule)} (got ${String(value)})`, name, describe(rule));
  return value;
}

/** What `pickOptions` returns when there is nothing to pick (most calls): one object, never changed. */
export const NO_OPTIONS: RequestOptions = Object.freeze({});

/** The per-call options present in `source` (client options or a call's init), checked. */
export function pickOptions(source: object): RequestOptions {
  let picked: Record<string, number> | undefined;
  for (const key of PER_CALL) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== undefined) {
      picked ??= {};
      picked[key] = checkNumber(key, value);
    }
  }
  return picked ?? NO_OPTIONS;
}

/** Every numeric option of a client (the per-call ones and maxRequestsPerSecond), checked; the per-call ones returned. */
export function checkRequestOptions(source: object): RequestOptions {
  const rate = (source as Record<string, unknown>).maxRequestsPerSecond;
  if (rate !== undefined) checkNumber('maxRequestsPerSecond', rate);
  return pickOptions(source);
}

/**
 * A base URL as the client will use it (no trailing slash), or a ValidationError naming `name`
 * (the option, its environment variable, or the hook that resolved it). The message never
 * repeats the value: a mistyped variable may hold a token.
 */
export function checkBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(`${name} is not an absolute URL (https://host/...)`, name, 'an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(`${name} must be an http or https URL`, name, 'an absolute http(s) URL');
  }
  // RFC 9110 §4.2.4: userinfo in an http(s) URI is deprecated, and it would leak into logs and errors.
  if (url.username !== '' || url.password !== '') {
    throw new ValidationError(
      `${name} must not contain credentials (user:password@): pass them as options`,
      name,
      'an http(s) URL without credentials',
    );
  }
  return value.endsWith('/') ? value.slice(0, -1) : value;
}
