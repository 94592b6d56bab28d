// The request object openapi-fetch builds for each call (its `Request` option). A real Request
// would be parsed and validated here only to be taken apart by the transport, which builds the
// request fetch actually sends (with credentials, timeout and manual redirects): a plain holder
// of the same fields saves that second Request on every call. It offers what middleware reads:
// url, method, headers, signal, body, arrayBuffer(), text(), json() and clone(). openapi-fetch
// checks what a middleware returns with `instanceof` this class, so a real Request counts as one
// too (and a client with middleware hands them real Requests in the first place, see client.ts).
import { defaultPathSerializer } from 'openapi-fetch';

/** The signal of a request made without one: it never aborts, so nobody needs to listen to it. */
export const NEVER: AbortSignal = new AbortController().signal;

export class PlainRequest {
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Request || Function.prototype[Symbol.hasInstance].call(PlainRequest, value);
  }

  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: RequestInit['body'];
  readonly signal: AbortSignal;

  constructor(input: string | URL | PlainRequest, init: RequestInit = {}) {
    const source = input instanceof PlainRequest ? input : undefined;
    this.url = source ? source.url : String(input);
    this.method = (init.method ?? source?.method ?? 'GET').toUpperCase();
    const headers = init.headers ?? source?.headers;
    this.headers = headers instanceof Headers ? headers : new Headers(headers);
    this.body = init.body ?? source?.body ?? null;
    this.signal = init.signal ?? source?.signal ?? NEVER;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return new Response(this.body ?? null).arrayBuffer();
  }

  text(): Promise<string> {
    return new Response(this.body ?? null).text();
  }

  json(): Promise<unknown> {
    return new Response(this.body ?? null).json();
  }

  clone(): PlainRequest {
    return new PlainRequest(this);
  }

  /** What `new Request(plainRequest)` and `String()` read: the URL. */
  toString(): string {
    return this.url;
  }

  /** The same request sent somewhere else (a per-operation or per-account base URL). */
  withUrl(url: string): PlainRequest {
    const copy = new PlainRequest(this);
    (copy as { url: string }).url = url;
    return copy;
  }
}

/** openapi-fetch's `pathSerializer`: the URL (base + path template) with the path parameters in. */
export type PathSerializer = (url: string, params: Record<string, unknown>) => string;

/**
 * openapi-fetch's default path serializer, compiled once for one path template: the same
 * output (each `{name}` replaced by `encodeURIComponent(value)`, left as is when the value is
 * missing) without a regular expression and a string replace per parameter on every call. Label,
 * matrix and exploded forms, object and array values, and a base URL with braces of its own go to
 * openapi-fetch's serializer itself.
 */
export function compilePathSerializer(template: string): PathSerializer {
  const literals: string[] = [];
  const names: string[] = [];
  let simple = true;
  let rest = template;
  for (let open = rest.indexOf('{'); open >= 0; open = rest.indexOf('{')) {
    const close = rest.indexOf('}', open);
    const name = close < 0 ? '' : rest.slice(open + 1, close);
    if (close < 0 || name === '' || name.includes('{') || /^[.;]|\*$/.test(name)) {
      simple = false;
      break;
    }
    literals.push(rest.slice(0, open));
    names.push(name);
    rest = rest.slice(close + 1);
  }
  literals.push(rest);
  if (!simple || names.length === 0) return defaultPathSerializer;
  return (url, params) => {
    const base = url.length - template.length;
    if (base < 0 || !url.endsWith(template) || url.lastIndexOf('{', base - 1) >= 0)
      return defaultPathSerializer(url, params);
    let out = url.slice(0, base) + literals[0];
    for (let index = 0; index < names.length; index++) {
      const name = names[index]!;
      const value = params[name];
      if (value === undefined || value === null) out += `{${name}}`;
      else if (typeof value === 'object') return defaultPathSerializer(url, params);
      else out += encodeURIComponent(value as string | number | boolean);
      out += literals[index + 1];
    }
    return out;
  };
}
