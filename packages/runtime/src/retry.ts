// When to retry and how long to wait. Defaults follow the Stainless SDKs (2 retries, 0.5 s
// initial backoff doubling to 8 s, with jitter); only idempotent methods are retried
// (RFC 9110 §9.2.2), because a lost answer to a POST may mean the POST happened.

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  readonly maxRetries?: number;
  /** First backoff delay in ms. Default 500. */
  readonly initialRetryDelayMs?: number;
  /** Longest backoff delay in ms. Default 8000. */
  readonly maxRetryDelayMs?: number;
  /** Longest Retry-After the client will wait, in ms; beyond it the call fails with the wait. Default 60000. */
  readonly maxRetryAfterMs?: number;
}

export const RETRY_DEFAULTS = {
  maxRetries: 2,
  initialRetryDelayMs: 500,
  maxRetryDelayMs: 8000,
  maxRetryAfterMs: 60_000,
} as const satisfies Required<RetryOptions>;

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** 408, 429 and 5xx may succeed later. 409/412 never: a conflict is the caller's to resolve. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must accept.
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`,
);
const ASCTIME = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${MONTH}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

function utc(
  year: number,
  month: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  const monthIndex = MONTHS.indexOf(month);
  const time = Date.UTC(year, monthIndex, day, hour, minute, second);
  const date = new Date(time);
  // Date.UTC rolls 31 Feb over into March: only a real calendar date counts.
  if (date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60) return undefined;
  return time;
}

/** An HTTP-date (RFC 9110 §5.6.7) as epoch ms; undefined for anything else. */
export function parseHttpDate(value: string, now: number = Date.now()): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match)
    return utc(Number(match[3]), match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  match = RFC850.exec(value);
  if (match) {
    // A two-digit year more than 50 years ahead is the most recent past year ending in those digits.
    const thisYear = new Date(now).getUTCFullYear();
    let year = thisYear - (thisYear % 100) + Number(match[3]);
    if (year > thisYear + 50) year -= 100;
    return utc(year, match[2]!, Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]));
  }
  match = ASCTIME.exec(value);
  if (match)
    return utc(
      Number(match[6]),
      match[1]!,
      Number(match[2]!.trim()),
      Number(match[3]),
      Number(match[4]),
      Number(match[5]),
    );
  return undefined;
}

/**
 * The wait a response asks for, in ms: `retry-after-ms`, or `Retry-After` as delta-seconds (a
 * non-negative integer) or an HTTP-date (RFC 9110 §10.2.3). Undefined when absent or anything
 * else (`-5`, `1.5`, `soon`): the caller then backs off exponentially.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = headers.get('retry-after-ms')?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds);
  const header = headers.get('retry-after')?.trim();
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const date = parseHttpDate(header, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter: up to a quarter shaved off, so clients spread out. */
export function backoffDelay(
  retry: number,
  options: Required<RetryOptions>,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.initialRetryDelayMs * 2 ** retry, options.maxRetryDelayMs);
  return Math.round(base * (1 - 0.25 * random()));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
