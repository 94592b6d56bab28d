// Credentials from the spec's security schemes: each scheme is fed by one client option (or its
// environment variable), and a request carries the first alternative of its security requirement
// whose schemes all have a credential. Bearer schemes also take an async token provider; concurrent
// requests share one in-flight refresh. Every credential is normalised where it is read: surrounding
// whitespace (a `$(cat token.txt)` newline) is trimmed, and one that still holds a character a
// header cannot carry (RFC 9110 §5.5: field values are visible ASCII and inner spaces here) is
// refused before anything is sent, without its value in the message.
import type { ApiDefinition, CredentialSource, SecurityRequirement, SecuritySchemeDefinition } from './definition.js';
import { ValidationError } from './errors.js';
import type { Redactor } from './redact.js';

export interface IssuedToken {
  readonly token: string;
  /** Epoch ms or Date after which the token is refreshed before use. */
  readonly expiresAt?: number | Date;
}

/** Returns a fresh access token; called lazily, once at a time, and again after a 401 or expiry. */
export type TokenProvider = () => Promise<string | IssuedToken>;

export type CredentialValue = string | TokenProvider;

/** Refresh a token this long before it expires. */
const EXPIRY_SKEW_MS = 30_000;

const SURROUNDING_WHITESPACE = /^[ \t\r\n\f\v]+|[ \t\r\n\f\v]+$/g;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;

/** Where a credential came from, for messages: `CLOUDFLARE_API_TOKEN (option apiToken)`. */
function sourceName(source: CredentialSource, fromEnv: boolean): string {
  if (!source.env) return `option ${source.option}`;
  return fromEnv ? `${source.env} (option ${source.option})` : `option ${source.option} (or ${source.env})`;
}

/** The credential as sent: trimmed, or a ValidationError naming where it came from (never the value). */
function normalise(value: string, where: string, parameter: string): string {
  const trimmed = value.replace(SURROUNDING_WHITESPACE, '');
  if (NOT_PRINTABLE_ASCII.test(trimmed)) {
    throw new ValidationError(
      `${where} contains a line break or other character that cannot be sent in a header`,
      parameter,
      'printable ASCII (0x20-0x7E)',
    );
  }
  return trimmed;
}

/**
 * Teaches the redactor every form a credential travels in: as given and as sent, the whole
 * header value, and for Basic auth (whose value is the base64 of `user:password`) the decoded
 * pair and the password alone. Base64, percent and JSON forms are the Redactor's own.
 */
function remember(
  redactor: Redactor,
  given: string,
  sent: string,
  scheme: SecuritySchemeDefinition,
  apiKeyPrefix: string | undefined,
): void {
  redactor.add(given);
  redactor.add(sent);
  redactor.add(headerFor(scheme, sent, apiKeyPrefix)[1]);
  if (scheme.type === 'http' && scheme.scheme.toLowerCase() === 'basic' && /^[A-Za-z0-9+/]+={0,2}$/.test(sent)) {
    const decoded = Buffer.from(sent, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      redactor.add(decoded);
      redactor.add(decoded.slice(colon + 1));
    }
  }
}

class TokenSource {
  #current: { token: string; expiresAt: number } | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(
    private readonly provider: TokenProvider,
    private readonly redactor: Redactor,
    private readonly scheme: SecuritySchemeDefinition,
    private readonly where: string,
    private readonly parameter: string,
  ) {}

  get(): Promise<string> {
    if (this.#current && this.#current.expiresAt - EXPIRY_SKEW_MS > Date.now()) {
      return Promise.resolve(this.#current.token);
    }
    this.#inFlight ??= this.#refresh().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** Forgets `token` (a 401 answered it), unless a newer one has replaced it already. */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }

  async #refresh(): Promise<string> {
    const issued = await this.provider();
    const given = typeof issued === 'string' ? issued : issued?.token;
    if (typeof given === 'string') this.redactor.add(given);
    const token =
      typeof given === 'string' ? normalise(given, `the token provider of ${this.where}`, this.parameter) : '';
    if (token.length === 0) {
      throw new ValidationError(
        `the token provider of ${this.where} returned no token`,
        this.parameter,
        'returns a non-empty token',
      );
    }
    remember(this.redactor, given!, token, this.scheme, undefined);
    const expiresAt =
      typeof issued === 'string' || issued.expiresAt === undefined
        ? Number.POSITIVE_INFINITY
        : Number(issued.expiresAt);
    this.#current = { token, expiresAt };
    return token;
  }
}

type Credential =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'provider'; readonly source: TokenSource };

export interface AppliedAuth {
  /** Headers to add to the request. */
  readonly headers: Record<string, string>;
  /** The provider-issued token used, if any: a 401 invalidates it and the request is retried once. */
  readonly refreshableToken?: string;
  readonly invalidate?: (token: string) => void;
}

export interface Authenticator {
  /**
   * Credential headers for a request under `requirement` (the operation's or the api's): at once
   * for static credentials, a promise when a token provider has to be asked.
   */
  apply(requirement: SecurityRequirement): AppliedAuth | Promise<AppliedAuth>;
  /** Header names this client may send credentials in (stripped on a cross-origin redirect). */
  readonly headerNames: readonly string[];
}

function headerFor(
  scheme: SecuritySchemeDefinition,
  value: string,
  apiKeyPrefix: string | undefined,
): [name: string, value: string] {
  if (scheme.type === 'apiKey') {
    const prefixed = apiKeyPrefix && scheme.name.toLowerCase() === 'authorization' ? `${apiKeyPrefix} ${value}` : value;
    return [scheme.name, prefixed];
  }
  if (scheme.type === 'http' && scheme.scheme.toLowerCase() === 'basic') return ['Authorization', `Basic ${value}`];
  return ['Authorization', `Bearer ${value}`];
}

function describeAlternatives(api: ApiDefinition, requirement: SecurityRequirement): string {
  return requirement
    .map((alternative) =>
      alternative
        .map((scheme) => {
          const source = api.credentials[scheme];
          if (!source) return scheme;
          return source.env ? `${source.option} (or ${source.env})` : source.option;
        })
        .join(' and '),
    )
    .join(', or ');
}

export function createAuthenticator(
  api: ApiDefinition,
  options: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
  redactor: Redactor,
): Authenticator {
  const credentials = new Map<string, Credential>();
  for (const [schemeName, scheme] of Object.entries(api.securitySchemes)) {
    const source = api.credentials[schemeName];
    if (!source) continue;
    const fromOption = options[source.option];
    const fromEnv = fromOption === undefined || fromOption === null;
    const given = fromEnv && source.env ? env[source.env] : fromOption;
    const where = sourceName(source, fromEnv);
    if (typeof given === 'string') {
      redactor.add(given);
      const value = normalise(given, where, source.option);
      if (value === '') continue;
      remember(redactor, given, value, scheme, api.apiKeyPrefix);
      credentials.set(schemeName, { kind: 'static', value });
    } else if (typeof given === 'function') {
      if (scheme.type === 'apiKey') {
        throw new ValidationError(`${source.option} must be a string for an API key`, source.option, 'string');
      }
      credentials.set(schemeName, {
        kind: 'provider',
        source: new TokenSource(given as TokenProvider, redactor, scheme, where, source.option),
      });
    }
  }

  const choose = (requirement: SecurityRequirement): readonly string[] | undefined =>
    requirement.find((alternative) => alternative.every((scheme) => credentials.has(scheme)));

  const missing = (requirement: SecurityRequirement) =>
    new ValidationError(
      `${api.title}: no credentials. Pass ${describeAlternatives(api, requirement)}.`,
      requirement[0]?.map((scheme) => api.credentials[scheme]?.option ?? scheme).join('+') ?? 'credentials',
      'required',
    );

  // Fail at construction, before anything is sent, when the api needs credentials and has none.
  if (
    api.security.length > 0 &&
    !api.security.some((alternative) => alternative.length === 0) &&
    !choose(api.security)
  ) {
    throw missing(api.security);
  }

  const headerNames = [
    ...new Set(
      Object.values(api.securitySchemes).map((scheme) => (scheme.type === 'apiKey' ? scheme.name : 'Authorization')),
    ),
  ];

  const fixed = new WeakMap<SecurityRequirement, AppliedAuth>();

  /** Headers for an alternative with a token provider in it: the token may have to be fetched. */
  async function withTokens(alternative: readonly string[]): Promise<AppliedAuth> {
    const headers: Record<string, string> = {};
    let refreshableToken: string | undefined;
    let invalidate: ((token: string) => void) | undefined;
    for (const schemeName of alternative) {
      const credential = credentials.get(schemeName);
      const scheme = api.securitySchemes[schemeName];
      if (!credential || !scheme) continue;
      let value: string;
      if (credential.kind === 'static') {
        value = credential.value;
      } else {
        value = await credential.source.get();
        refreshableToken = value;
        invalidate = (token) => credential.source.invalidate(token);
      }
      const [name, headerValue] = headerFor(scheme, value, api.apiKeyPrefix);
      headers[name] = headerValue;
    }
    return refreshableToken === undefined
      ? { headers }
      : { headers, refreshableToken, ...(invalidate ? { invalidate } : {}) };
  }

  return {
    headerNames,
    apply(requirement) {
      const known = fixed.get(requirement);
      if (known) return known;
      if (requirement.length === 0 || requirement.some((alternative) => alternative.length === 0)) {
        const none: AppliedAuth = { headers: {} };
        fixed.set(requirement, none);
        return none;
      }
      const alternative = choose(requirement);
      if (!alternative) return Promise.reject(missing(requirement));
      if (alternative.some((schemeName) => credentials.get(schemeName)?.kind === 'provider'))
        return withTokens(alternative);
      // Headers from static credentials never change: computed once per requirement.
      const headers: Record<string, string> = {};
      for (const schemeName of alternative) {
        const credential = credentials.get(schemeName);
        const scheme = api.securitySchemes[schemeName];
        if (credential?.kind !== 'static' || !scheme) continue;
        const [name, headerValue] = headerFor(scheme, credential.value, api.apiKeyPrefix);
        headers[name] = headerValue;
      }
      const applied: AppliedAuth = { headers };
      fixed.set(requirement, applied);
      return applied;
    },
  };
}
