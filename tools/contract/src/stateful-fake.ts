// A stateful fake provider (node:http on 127.0.0.1, port 0) for what the stateless Prism mocks
// cannot show: answers that depend on earlier calls. Routes are named by operationId (method and
// path come from the spec) and answer with a status and, where the spec names several, an
// example; the body and headers sent are the documented ones, so the fake cannot drift from the
// spec. Anything undocumented is answered 500 and listed in `problems`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer } from '@offboard/test-utils';
import { loadSpec, type ResponseCase } from './spec.js';

export interface Answer {
  readonly status: number;
  readonly example?: string;
}

export interface FakeRoute {
  readonly operationId: string;
  answer(params: Readonly<Record<string, string>>): Answer;
}

export interface Fake {
  readonly url: string;
  /** Requests the fake could not answer from the spec; a test using the fake expects none. */
  readonly problems: readonly string[];
  close(): Promise<void>;
}

/** Serves `routes` with the responses documented by the specs of the packages named. */
export async function startFake(specNames: readonly string[], routes: readonly FakeRoute[]): Promise<Fake> {
  const responses = specNames.flatMap((name) => loadSpec(name).responses);
  const compiled = routes.map((route) => {
    const operation = responses.find((response) => response.operation.operationId === route.operationId)?.operation;
    if (!operation) throw new Error(`no operation ${route.operationId} in ${specNames.join(', ')}`);
    const names: string[] = [];
    const pattern = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, method: operation.method, pattern: new RegExp(`^${pattern}$`), names };
  });
  const problems: string[] = [];

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const found = compiled
      .map((entry) => ({ entry, match: request.method === entry.method ? entry.pattern.exec(url.pathname) : null }))
      .find(({ match }) => match);
    let documented: ResponseCase | undefined;
    let answer: Answer | undefined;
    if (found?.match) {
      const params = Object.fromEntries(
        found.entry.names.map((name, index) => [name, decodeURIComponent(found.match![index + 1]!)]),
      );
      answer = found.entry.route.answer(params);
      const { operationId } = found.entry.route;
      documented = responses.find(
        (candidate) =>
          candidate.operation.operationId === operationId &&
          candidate.status === answer!.status &&
          candidate.example === answer!.example,
      );
    }
    if (!documented) {
      const problem = `${request.method} ${url.pathname}: ${answer ? `${answer.status}${answer.example ? ` example=${answer.example}` : ''} is not documented` : 'no route'}`;
      problems.push(problem);
      response.writeHead(500, { 'content-type': 'text/plain' }).end(problem);
      return;
    }
    const headers: Record<string, string> = {};
    for (const header of documented.headers)
      if (header.example !== undefined) headers[header.name] = String(header.example);
    if (documented.body === undefined) {
      response.writeHead(documented.status, headers).end();
    } else {
      response
        .writeHead(documented.status, { ...headers, 'content-type': 'application/json' })
        .end(JSON.stringify(documented.body));
    }
  };

  const server = await startLoopbackServer((request, response) => {
    // Drain any body first; the fake decides from the method and path alone.
    request.resume();
    request.once('end', () => handle(request, response));
  });
  return { url: server.url, problems, close: () => server.close() };
}
