// Loopback servers in their own process (so the client side is measured alone on its core):
// a trivial JSON answerer, and a fake provider limited to R requests per second.
import { type ChildProcess, spawn } from 'node:child_process';

export interface ChildServer {
  readonly url: string;
  /** Asks the server for its counters (JSON), e.g. requests seen and 429s sent. */
  stats(): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

const TRIVIAL = `
const http = require('node:http');
const body = JSON.stringify({ success: true, errors: [], messages: [], result: { id: 'x' } });
let requests = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/__stats') { res.end(JSON.stringify({ requests })); return; }
  requests++;
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
`;

// A token bucket of R per second (capacity R); beyond it 429 with Retry-After. Each DELETE of a
// Cloudflare Access user is recorded: how often each path was processed; a GET of a deleted user
// (the CLI's verification read) answers 404, of any other 200. Every request served counts, and
// when the first and the last were.
const RATE_LIMITED = `
const http = require('node:http');
const rate = Number(process.argv[1]);
let tokens = rate, last = Date.now();
const processed = new Map();
let limited = 0, first = 0, lastAt = 0, served = 0, reads = 0;
const ok = JSON.stringify({ success: true, errors: [], messages: [], result: { id: 'x' } });
const server = http.createServer((req, res) => {
  if (req.url === '/__stats') {
    let twice = 0; for (const n of processed.values()) if (n > 1) twice++;
    res.end(JSON.stringify({ processed: processed.size, processedTwice: twice, limited, served, reads, seconds: (lastAt - first) / 1000 }));
    return;
  }
  req.resume();
  const now = Date.now();
  tokens = Math.min(rate, tokens + ((now - last) / 1000) * rate);
  last = now;
  if (tokens < 1) {
    limited++;
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(Math.max(1, Math.ceil((1 - tokens) / rate))) });
    res.end(JSON.stringify({ success: false, errors: [{ code: 10429, message: 'rate limited' }], messages: [], result: null }));
    return;
  }
  tokens -= 1;
  served++;
  if (!first) first = now;
  lastAt = now;
  if (req.method === 'DELETE') processed.set(req.url, (processed.get(req.url) || 0) + 1);
  else if (processed.has(req.url)) {
    reads++;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ success: false, errors: [{ code: 7003, message: 'Could not route' }], messages: [], result: null }));
    return;
  }
  res.writeHead(req.method === 'DELETE' ? 202 : 200, { 'content-type': 'application/json' });
  res.end(ok);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
`;

function start(code: string, args: readonly string[] = []): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', code, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (exitCode) => reject(new Error(`bench server exited (${String(exitCode)})`)));
    child.stdout?.once('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString())?.[1];
      if (!port) return reject(new Error(`unexpected server output: ${chunk.toString()}`));
      const url = `http://127.0.0.1:${port}`;
      resolve({
        url,
        stats: async () => (await (await fetch(`${url}/__stats`)).json()) as Record<string, unknown>,
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export const startTrivialServer = () => start(TRIVIAL);
export const startRateLimitedServer = (requestsPerSecond: number) => start(RATE_LIMITED, [String(requestsPerSecond)]);
