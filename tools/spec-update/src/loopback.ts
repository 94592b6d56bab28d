// A static file server on loopback for tests: path → body (or a status, or no answer at all),
// counting the requests for each path.
import { type LoopbackServer, startLoopbackServer } from '@offboard/test-utils';

export interface Loopback extends LoopbackServer {
  /** Requests served, by path. */
  readonly hits: Map<string, number>;
}

export type Route = string | { readonly status: number } | 'hang';

export async function serve(routes: Readonly<Record<string, Route>>): Promise<Loopback> {
  const hits = new Map<string, number>();
  const server = await startLoopbackServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://loopback').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (route === 'hang') return; // never answers; close() ends the connection
    if (route === undefined || typeof route === 'object') {
      response.writeHead(route?.status ?? 404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/yaml' }).end(route);
  });
  return Object.assign(server, { hits });
}
