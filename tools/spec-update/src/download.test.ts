import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedLoader, download } from './download.js';
import { type Loopback, serve } from './loopback.js';

describe('download (against a loopback server)', () => {
  let server: Loopback;
  beforeAll(async () => {
    server = await serve({
      '/spec.yaml': 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths: {}\n',
      '/gone.yaml': { status: 404 },
      '/broken.yaml': 'openapi: [unclosed\n',
      '/slow.yaml': 'hang',
    });
  });
  afterAll(() => server.close());

  it('returns the body', async () => {
    expect(await download(`${server.url}/spec.yaml`)).toContain('openapi: 3.1.0');
  });

  it('fails on an HTTP error, naming the URL and status', async () => {
    await expect(download(`${server.url}/gone.yaml`)).rejects.toThrow(`download ${server.url}/gone.yaml: HTTP 404`);
  });

  it('gives up on a server that does not answer in time', async () => {
    await expect(download(`${server.url}/slow.yaml`, { timeoutMs: 300 })).rejects.toThrow('no answer within 300 ms');
  });

  it('fails on a closed port', async () => {
    const closed = await serve({});
    await closed.close();
    await expect(download(`${closed.url}/spec.yaml`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('parses YAML once per URL, and refuses what is not YAML', async () => {
    const load = cachedLoader();
    const hits = server.hits.get('/spec.yaml') ?? 0;
    const [first, second] = await Promise.all([load(`${server.url}/spec.yaml`), load(`${server.url}/spec.yaml`)]);
    expect(first).toBe(second);
    expect(first).toMatchObject({ openapi: '3.1.0' });
    expect(server.hits.get('/spec.yaml')).toBe(hits + 1); // asked twice, fetched once
    await expect(load(`${server.url}/broken.yaml`)).rejects.toThrow('is not YAML or JSON');
  });
});
