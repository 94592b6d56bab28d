import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoopbackServer, readBody, startLoopbackServer } from './loopback.js';

const started: LoopbackServer[] = [];
const start = async (...args: Parameters<typeof startLoopbackServer>) => {
  const server = await startLoopbackServer(...args);
  started.push(server);
  return server;
};
afterEach(async () => {
  for (const server of started.splice(0)) await server.close();
});

describe('startLoopbackServer', () => {
  it('listens on 127.0.0.1 and a free port, and answers with the handler', async () => {
    const first = await start(async (request, response) => {
      response.writeHead(201, { 'content-type': 'text/plain' }).end(`${request.method} ${await readBody(request)}`);
    });
    const second = await start((_request, response) => response.end());
    expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
    expect(first.port).toBeGreaterThan(0);
    expect(second.port).not.toBe(first.port);
    const response = await fetch(`${first.url}/x`, { method: 'POST', body: 'héllo' });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('POST héllo');
    expect(first.errors).toEqual([]);
  });

  it('counts the connections accepted and those still open', async () => {
    const server = await start((_request, response) => response.end('ok'));
    expect([server.connections, server.openConnections]).toEqual([0, 0]);
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await expect.poll(() => server.openConnections).toBe(1);
    expect(server.connections).toBe(1);
    socket.destroy();
    await expect.poll(() => server.openConnections).toBe(0);
    expect(server.connections).toBe(1);
  });

  it('closes with a keep-alive connection open and a request never answered, ending both', async () => {
    const server = await start((request, response) => {
      if (request.url === '/hang') return; // never answers
      response.end('ok');
    });
    const agent = new Agent({ keepAlive: true });
    const idle = await fetchWith(agent, `${server.url}/`);
    expect(idle).toBe('ok');
    const hanging = fetchWith(false, `${server.url}/hang`).catch((error: Error) => error);
    await expect.poll(() => server.openConnections).toBe(2);

    const closed = server.close();
    await expect(closed).resolves.toBeUndefined();
    expect(server.openConnections).toBe(0);
    expect(await hanging).toBeInstanceOf(Error);
    await expect(server.close()).resolves.toBeUndefined(); // twice is fine
    await expect(fetch(server.url)).rejects.toThrow();
    agent.destroy();
  });

  it('answers 500 when the handler throws or rejects, and keeps the errors', async () => {
    const server = await start((request) => {
      if (request.url === '/sync') throw new Error('thrown');
      return Promise.reject(new Error('rejected'));
    });
    const sync = await fetch(`${server.url}/sync`);
    expect(sync.status).toBe(500);
    expect(await sync.text()).toContain('thrown');
    const async = await fetch(`${server.url}/async`);
    expect(async.status).toBe(500);
    expect(server.errors.map((error) => (error as Error).message)).toEqual(['thrown', 'rejected']);
  });
});

/** A GET through `agent`, or on a connection of its own (fetch cannot hold a socket idle on purpose). */
function fetchWith(agent: Agent | false, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (response) => {
      readBody(response).then(resolve, reject);
    })
      .on('error', reject)
      .end();
  });
}
