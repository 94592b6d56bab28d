// The id a provider gives each request, for its support and our logs. The header differs per
// provider and nothing in the specs names it, so every answer is checked for the same names, in
// this order: the app's own id before the edge's (Cloudflare's API answers with `cf-ray` on
// every response; LivePerson's APIs trace requests by a `Request-ID` header; a gateway may add
// `x-request-id`). nscale puts a `trace_id` in its error bodies instead (errors.ts reads it).
// The value is provider-controlled text: it is cut short and its control characters escaped
// before anyone stores or prints it.

/** Response headers a request id is looked for in, first match wins. The one list. */
export const REQUEST_ID_HEADERS: readonly string[] = [
  'x-request-id',
  'request-id',
  'x-trace-id',
  'x-correlation-id',
  'cf-ray',
];

/** Longer ids are cut: real ones are UUIDs, hex trace ids or `<hex>-<colo>` rays, far shorter. */
export const MAX_REQUEST_ID_LENGTH = 128;

/** The first request-id header `headers` carries, as sent (empty counts as absent). */
export function requestIdHeader(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value) return value;
  }
  return undefined;
}

// C0 and C1 controls, DEL, line/paragraph separators and the bidirectional overrides: the same
// set offboard's `printable` escapes, so an id cannot rewrite a terminal line or a log.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A request id fit to store and print: at most MAX_REQUEST_ID_LENGTH characters (the cut marked
 * with `…`), control characters as `\uXXXX`. Redact before this: a cut could split a secret.
 */
export function safeRequestId(value: string): string {
  const cut = value.length > MAX_REQUEST_ID_LENGTH ? `${value.slice(0, MAX_REQUEST_ID_LENGTH)}…` : value;
  return cut.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** For each answer a client returned, how to redact it: that client's credentials (read only if asked). */
const redactors = new WeakMap<object, (text: string) => string>();

/** Records how to redact the request id of an answer a client returns (nothing is read until requestIdOf asks). */
export function rememberRedaction(response: object, redact: (text: string) => string): void {
  redactors.set(response, redact);
}

/**
 * The provider's id for the request a response answers (`x-request-id`, `request-id`,
 * `x-trace-id`, `x-correlation-id`, then `cf-ray`), cut to 128 characters with control
 * characters escaped; undefined when it sent none. For `const { response } = await client.GET(…)`:
 * an answer a client returned gives its id with the client's credentials redacted (a server
 * that echoes a credential in that header cannot get it stored or printed).
 */
export function requestIdOf(response: Pick<Response, 'headers'>): string | undefined {
  const value = requestIdHeader(response.headers);
  if (value === undefined) return undefined;
  // Redacted before it is cut: a cut could split a secret.
  const redact = redactors.get(response);
  return safeRequestId(redact ? redact(value) : value);
}
