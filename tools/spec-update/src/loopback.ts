// A static file server on 127.0.0.1 and a free port, for tests: path → body (or a status).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Loopback {
  readonly url: string;
  /** Requests served, by path. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

export type Route = string | { readonly status: number } | 'hang';

export async function serve(routes: Readonly<Record<string, Route>>): Promise<Loopback> {
  const hits = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://loopback').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (route === 'hang') return; // never answers
    if (route === undefined || typeof route === 'object') {
      response.writeHead(route?.status ?? 404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/yaml' }).end(route);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
