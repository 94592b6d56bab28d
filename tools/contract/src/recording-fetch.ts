// A fetch for the clients' `fetch` option that records every exchange the runtime makes: what it
// sent (method, URL, headers) and what came back (status, headers, and what Prism flagged in
// `sl-violations`). Bodies are left to the client to read.

/** One problem Prism found with a request or with its own answer. */
export interface Violation {
  readonly location: readonly (string | number)[];
  readonly code: string | number;
  readonly message: string;
}

export interface Exchange {
  readonly method: string;
  readonly url: URL;
  readonly requestHeaders: Headers;
  readonly requestBody: RequestInit['body'];
  readonly status: number;
  readonly responseHeaders: Headers;
  /** Prism's `sl-violations` header: a request or a mock answer that breaks the spec. */
  readonly violations: readonly Violation[];
}

/** Parses Prism's `sl-violations` header (a JSON array); none when the header is absent. */
export function slViolations(headers: Headers): Violation[] {
  const header = headers.get('sl-violations');
  if (header === null) return [];
  const parsed = JSON.parse(header) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`sl-violations is not a JSON array: ${header}`);
  return parsed as Violation[];
}

/**
 * Everything Prism says is wrong with a raw request: `sl-violations` when it answered with a
 * documented response, or the problem+json it made up itself (its `validation` list, if any).
 */
export async function violationsOf(response: Response): Promise<Violation[]> {
  const fromHeader = slViolations(response.headers);
  if (!response.headers.get('content-type')?.includes('application/problem+json')) return fromHeader;
  const problem = (await response.clone().json()) as { status: number; title: string; validation?: Violation[] };
  // Without a list (e.g. the 401 Prism makes up when the spec documents none), the problem itself.
  return [
    ...fromHeader,
    ...(problem.validation ?? [{ location: ['request'], code: problem.status, message: problem.title }]),
  ];
}

export interface RecordingFetch {
  readonly fetch: typeof globalThis.fetch;
  readonly exchanges: readonly Exchange[];
}

/**
 * `route` may send a request elsewhere (e.g. a provider's fixed host to the mock); the recorded
 * URL is the one the client asked for.
 */
export function recordingFetch(route: (url: URL) => URL = (url) => url): RecordingFetch {
  const exchanges: Exchange[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (input instanceof Request) throw new Error('recordingFetch expects a URL and an init, as the runtime sends');
    const url = new URL(input);
    const requestHeaders = new Headers(init?.headers);
    const response = await globalThis.fetch(route(new URL(url)), init);
    exchanges.push({
      method: init?.method ?? 'GET',
      url,
      requestHeaders,
      requestBody: init?.body,
      status: response.status,
      responseHeaders: response.headers,
      violations: slViolations(response.headers),
    });
    return response;
  };
  return { fetch, exchanges };
}
