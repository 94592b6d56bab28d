// An HTTP server on 127.0.0.1 and a free port, for tests and tools that need a real peer: the
// handler answers, close() ends every open connection too (a keep-alive socket or a request the
// handler never answers cannot keep a test waiting), and a handler's exception becomes a 500 that
// the test can read instead of a crash of the test process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Answers one request; may be async (what it returns is otherwise ignored). A thrown error or a
 * rejection is answered 500 and kept in `errors`.
 */
export type LoopbackHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** The underlying server, for what this helper does not cover (timeouts, upgrade events). */
  readonly server: Server;
  /** Connections accepted since the start. */
  readonly connections: number;
  /** Connections open right now. */
  readonly openConnections: number;
  /** What the handler threw or rejected with, in order. */
  readonly errors: readonly unknown[];
  /** Stops listening and destroys every open connection; resolves once all are closed. Safe to call twice. */
  close(): Promise<void>;
}

export async function startLoopbackServer(handler: LoopbackHandler): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const errors: unknown[] = [];
  let connections = 0;
  const fail = (response: ServerResponse, error: unknown) => {
    errors.push(error);
    if (response.destroyed || response.writableEnded) return; // the client is gone, or it had its answer
    if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(`loopback handler failed: ${error instanceof Error ? error.message : String(error)}`);
  };
  const server = createServer((request, response) => {
    try {
      const answered = handler(request, response);
      if (answered instanceof Promise) answered.catch((error: unknown) => fail(response, error));
    } catch (error) {
      fail(response, error);
    }
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    get connections() {
      return connections;
    },
    get openConnections() {
      return sockets.size;
    },
    errors,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        const ended = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
        for (const socket of sockets) socket.destroy();
        await Promise.all([stopped, ...ended]);
      })();
      return closing;
    },
  };
}

/** The whole request body as text (UTF-8). */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
