// The request object openapi-fetch builds for each call (its `Request` option). A real Request
// would be parsed and validated here only to be taken apart by the transport, which builds the
// request fetch actually sends (with credentials, timeout and manual redirects): a plain holder
// of the same fields saves that second Request on every call. It offers what middleware reads:
// url, method, headers, signal, body, arrayBuffer(), text(), json() and clone(). openapi-fetch
// checks what a middleware returns with `instanceof` this class, so a real Request counts as one
// too (and a client with middleware hands them real Requests in the first place, see client.ts).
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
