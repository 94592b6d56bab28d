// Numeric options are checked when an offboarder is created, for every provider whether or not
// a run touches it (the client options by the runtime's own rules, which also cover the run-wide
// maxRequestsPerSecond): NaN, Infinity or a fraction would otherwise hang a run or spin it (a
// `concurrency` of NaN starts nothing; a revision retry count of Infinity never gives up).
import { checkRequestOptions, ValidationError } from '@offboard/runtime';
import { hasControlCharacter } from './format.js';
import { showValue } from './provider.js';
import type { Registry } from './registry.js';
import { InputError } from './types.js';

/** An integer in [min, max], or undefined when not given. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${name} must be an integer from ${min} to ${max} (got ${String(value)})`);
  }
  return value;
}

/** The runtime's numeric rules on `options`, as an InputError prefixed with `where`. */
function checkNumbers(where: string, options: object): void {
  try {
    checkRequestOptions(options);
  } catch (error) {
    if (error instanceof ValidationError) throw new InputError(`${where}${error.message}`);
    throw error;
  }
}

/** The pace of every client of a run, by the runtime's rule (a finite number > 0). */
export function checkRate(value: number | undefined): number | undefined {
  if (value !== undefined) checkNumbers('', { maxRequestsPerSecond: value });
  return value;
}

/** Every provider's client options: registered providers only, and the runtime's numeric rules. */
export function checkClientOptions(clients: object, registry: Registry): void {
  for (const [provider, options] of Object.entries(clients)) {
    if (!registry.names.includes(provider)) {
      throw new InputError(
        `clients: unknown provider ${JSON.stringify(provider)} (expected one of ${registry.names.join(', ')})`,
      );
    }
    if (options !== undefined) checkNumbers(`clients.${provider}: `, options);
  }
}

/** A short text for the record (an operator's name, a ticket id): 1..200 characters, no control characters. */
export function checkText(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InputError(`${name} must be a string (got ${typeof value})`);
  const text = value.trim();
  if (text === '' || text.length > 200 || hasControlCharacter(text))
    throw new InputError(`${name} must be 1 to 200 characters without control characters (got ${showValue(value)})`);
  return text;
}
