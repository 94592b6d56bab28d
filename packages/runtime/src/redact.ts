// The one choke point for secrets: every message, header set and log line the runtime produces
// goes through a Redactor that knows the client's credentials.

const SENSITIVE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-auth-key',
  'x-auth-email',
  'x-api-key',
]);

export const REDACTED = '[REDACTED]';

export class Redactor {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Remembers a secret (e.g. a freshly issued access token) so it is scrubbed from now on. */
  add(secret: string | undefined): void {
    // Very short values would scrub ordinary words; credentials are never that short.
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  text(value: string): string {
    let result = value;
    for (const secret of this.#secrets) result = result.split(secret).join(REDACTED);
    return result;
  }

  /** A plain copy of the headers with sensitive names and any secret-bearing value masked. */
  headers(headers: Headers | Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (!headers) return out;
    const entries = headers instanceof Headers ? headers.entries() : Object.entries(headers);
    for (const [name, value] of entries) {
      out[name.toLowerCase()] = SENSITIVE_HEADERS.has(name.toLowerCase()) ? REDACTED : this.text(value);
    }
    return out;
  }

  /** Deep copy of a parsed body with secrets scrubbed from every string. */
  value(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.value(item)]));
    }
    return value;
  }
}

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADERS.has(name.toLowerCase());
}
