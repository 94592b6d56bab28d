// A loopback layer in front of a Prism mock that remembers deletes, so that the reads offboard
// makes to verify a delete see it. Prism answers every request from the spec's examples and
// keeps no state: a user deleted is still there for the next GET, and verification would
// rightly report it `failed`. After a DELETE the mock answered 2xx, this layer answers a GET of
// the same path with the spec's own 404 (it asks Prism for it, `Prefer: code=404`), and drops
// the deleted item from a GET of the collection above it (an array item whose `id` or
// `metadata.id` is the path's last segment). Everything else passes through unchanged.
// `forget()` starts over from the specs' examples.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DeleteMemory {
  readonly url: string;
  /** Forgets every delete: the next requests see the specs' examples again. */
  forget(): void;
  close(): Promise<void>;
}

/** Hop-by-hop and length headers that are not passed on (fetch decodes the body itself). */
const DROPPED = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'content-encoding',
  'keep-alive',
]);

function sameId(value: unknown, id: string): boolean {
  return (typeof value === 'string' || typeof value === 'number') && String(value).toLowerCase() === id.toLowerCase();
}

/** An item of a collection that is the deleted one. */
function isDeleted(item: unknown, id: string): boolean {
  if (!item || typeof item !== 'object') return false;
  const record = item as { id?: unknown; metadata?: { id?: unknown } };
  return sameId(record.id, id) || sameId(record.metadata?.id, id);
}

/** A collection's body without the deleted items: a top-level array, or arrays one level down. */
function withoutDeleted(body: unknown, ids: readonly string[]): unknown {
  const keep = (items: unknown[]) => items.filter((item) => !ids.some((id) => isDeleted(item, id)));
  if (Array.isArray(body)) return keep(body);
  if (body && typeof body === 'object')
    return Object.fromEntries(
      Object.entries(body).map(([key, value]) => [key, Array.isArray(value) ? keep(value) : value]),
    );
  return body;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startDeleteMemory(target: string): Promise<DeleteMemory> {
  const deleted = new Set<string>();
  const server = createServer((request, response: ServerResponse) => {
    void (async () => {
      const url = new URL(request.url ?? '/', target);
      const method = request.method ?? 'GET';
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers))
        if (!DROPPED.has(name) && typeof value === 'string') headers.set(name, value);
      const gone = method === 'GET' && deleted.has(url.pathname);
      if (gone) headers.set('prefer', 'code=404');
      const body = await readBody(request);
      const answer = await fetch(new URL(`${url.pathname}${url.search}`, target), {
        method,
        headers,
        ...(body.length > 0 ? { body } : {}),
        redirect: 'manual',
      });
      let text = Buffer.from(await answer.arrayBuffer());
      if (method === 'DELETE' && answer.status >= 200 && answer.status < 300) deleted.add(url.pathname);
      // The deleted items of this collection, by their ids.
      const children = [...deleted]
        .filter((path) => path.slice(0, path.lastIndexOf('/')) === url.pathname)
        .map((path) => decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)));
      if (method === 'GET' && !gone && children.length > 0 && answer.headers.get('content-type')?.includes('json'))
        text = Buffer.from(JSON.stringify(withoutDeleted(JSON.parse(text.toString('utf8')), children)));
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!DROPPED.has(name)) out[name] = value;
      });
      response.writeHead(answer.status, out);
      response.end(text);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`delete-memory: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forget: () => deleted.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
