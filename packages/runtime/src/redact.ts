// The one choke point for secrets: every message, header set and log line the runtime produces
// goes through a Redactor that knows the client's credentials. A provider or a proxy may echo a
// secret in another form than it was sent in, so each secret is matched whatever mix of
// percent-encoding (RFC 3986 §2.1, any hex case, `+` for a space) and JSON string escapes
// (RFC 8259 §7, `\/` and `\u00XX` included) its characters come in, and so is its base64.

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

const SPECIAL = /[\\^$.*+?()[\]{}|/-]/;

/** Hex digits in either case (RFC 3986 §2.1: %2f and %2F are the same octet). */
function hex(code: number, width: number): string {
  return code
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
}

/** The alternatives one character may be echoed as: itself, percent-encoded, JSON-escaped. */
function charPattern(char: string): string {
  const forms = new Set<string>([SPECIAL.test(char) ? `\\${char}` : char]);
  if (!/[A-Za-z0-9]/.test(char)) forms.add([...Buffer.from(char, 'utf8')].map((byte) => `%${hex(byte, 2)}`).join(''));
  if (char === ' ') forms.add('\\+');
  const code = char.codePointAt(0)!;
  if (code <= 0xffff) forms.add(`\\\\u${hex(code, 4)}`);
  if (char === '"' || char === '\\' || char === '/') forms.add(`\\\\\\${char}`);
  return forms.size === 1 ? [...forms][0]! : `(?:${[...forms].join('|')})`;
}

function base64Forms(secret: string): string[] {
  const standard = Buffer.from(secret, 'utf8').toString('base64');
  const url = Buffer.from(secret, 'utf8').toString('base64url');
  return [standard, standard.replace(/=+$/, ''), url];
}

export class Redactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Remembers a secret (e.g. a freshly issued access token), and its base64, so they are scrubbed from now on. */
  add(secret: string | undefined): void {
    // No minimum length: an email used as a credential (a@b.co) is short and still secret.
    if (!secret || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    for (const form of base64Forms(secret)) this.#secrets.add(form);
    this.#pattern = undefined;
  }

  #compiled(): RegExp | undefined {
    if (this.#pattern || this.#secrets.size === 0) return this.#pattern;
    // Longest first, one pass: a secret inside another never leaves a piece of the longer one.
    const alternatives = [...this.#secrets]
      .sort((a, b) => b.length - a.length)
      .map((secret) => Array.from(secret, charPattern).join(''));
    this.#pattern = new RegExp(alternatives.join('|'), 'g');
    return this.#pattern;
  }

  /**
   * The most characters one secret's echo can take (each character in its longest escaped form,
   * up to 12 for a percent-encoded 4-byte UTF-8 sequence): text cut short with this much dropped
   * from its end keeps no piece of a secret.
   */
  get longestEcho(): number {
    let longest = 0;
    for (const secret of this.#secrets) longest = Math.max(longest, secret.length);
    return longest * 12;
  }

  text(value: string): string {
    const pattern = this.#compiled();
    return pattern ? value.replace(pattern, REDACTED) : value;
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

  /** Deep copy of a parsed body with secrets scrubbed from every string (keys included). */
  value(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.value(item)]));
    }
    return value;
  }
}

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADERS.has(name.toLowerCase());
}
