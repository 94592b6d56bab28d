// A loopback server that hands every credential it receives straight back: in the answer the
// caller scripts (an error body, a success body), in response headers, and in the Location of a
// redirect. Each CLI run talks to it under its own path prefix (`/<run>/...`, set through the
// provider's *_BASE_URL), so many runs can share one server and what each one sent stays apart.
import type { IncomingHttpHeaders } from 'node:http';
import { startLoopbackServer } from '@offboard/test-utils';

/** The headers a credential travels in, for every provider (Node lowercases header names). */
export const CREDENTIAL_HEADERS = ['authorization', 'x-auth-key', 'x-auth-email'] as const;

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, without the run prefix. */
  readonly path: string;
  readonly pathname: string;
  readonly headers: IncomingHttpHeaders;
  /** The credential headers exactly as they arrived. */
  readonly credentials: Partial<Record<(typeof CREDENTIAL_HEADERS)[number], string>>;
}

export interface EchoAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** Serialised as JSON; omitted when undefined. */
  readonly body?: unknown;
}

/** Scripts one run's answers: the request and its index among that run's requests (from 0). */
export type EchoHandler = (request: ReceivedRequest, index: number, echo: string) => EchoAnswer;

export interface EchoServer {
  readonly url: string;
  /** Registers a run; returns the base URL its provider should use. */
  run(id: string, handler: EchoHandler): string;
  /** What the run's requests carried, in order. */
  received(id: string): readonly ReceivedRequest[];
  close(): Promise<void>;
}

const jsonEscaped = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * Every credential header received, in every form a provider might repeat it: the header value,
 * the credential without its scheme, and that credential base64-, percent- and JSON-encoded.
 */
export function echoOf(credentials: ReceivedRequest['credentials']): string {
  const parts = Object.entries(credentials).map(([name, value]) => {
    const bare = value.replace(/^(Bearer|APIKey|Basic) /i, '');
    return (
      `${name}=${value} (credential ${bare}; base64 ${Buffer.from(bare, 'latin1').toString('base64')}; ` +
      `url ${encodeURIComponent(bare)}; json ${jsonEscaped(bare)})`
    );
  });
  return parts.length > 0 ? `credentials rejected: ${parts.join(', ')}` : 'no credentials received';
}

export async function startEchoServer(): Promise<EchoServer> {
  const runs = new Map<string, { handler: EchoHandler; received: ReceivedRequest[] }>();
  const server = await startLoopbackServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://echo');
    const [, id = '', ...rest] = url.pathname.split('/');
    const run = runs.get(id);
    request.resume();
    request.on('end', () => {
      if (!run) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `no run ${id}` }));
        return;
      }
      const credentials: ReceivedRequest['credentials'] = {};
      for (const name of CREDENTIAL_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') credentials[name] = value;
      }
      const pathname = `/${rest.join('/')}`;
      const received: ReceivedRequest = {
        method: request.method ?? 'GET',
        path: `${pathname}${url.search}`,
        pathname,
        headers: request.headers,
        credentials,
      };
      const index = run.received.push(received) - 1;
      const echo = echoOf(credentials);
      const answer = run.handler(received, index, echo);
      const headers: Record<string, string> = { ...answer.headers };
      // The credential back in headers: a custom one and a request id (which errors keep).
      headers['x-echo-credentials'] = echo;
      const firstValue = Object.values(credentials)[0];
      if (firstValue !== undefined) headers['x-request-id'] = firstValue;
      if (answer.status >= 300 && answer.status < 400) {
        // Same origin, same path: the follow-up is the run's next request.
        const raw = Object.values(credentials).join(',');
        headers.location = `${url.pathname}${url.search ? `${url.search}&` : '?'}echo=${encodeURIComponent(echo)}&raw=${raw}`;
      }
      if (answer.body !== undefined) headers['content-type'] = 'application/json';
      try {
        response.writeHead(answer.status, headers);
      } catch {
        // A value Node will not put in a header (it accepted it in the request, so this is rare):
        // answer without the echo headers rather than crash the server.
        for (const name of ['x-echo-credentials', 'x-request-id', 'location']) delete headers[name];
        response.writeHead(answer.status, headers);
      }
      response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  const { url } = server;
  return {
    url,
    run(id, handler) {
      runs.set(id, { handler, received: [] });
      return `${url}/${id}`;
    },
    received: (id) => runs.get(id)?.received ?? [],
    close: () => server.close(),
  };
}
