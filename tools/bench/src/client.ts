// 3. Client overhead: requests per second of a generated client (validation, auth, retries,
// typed errors) against a trivial loopback server, beside raw fetch to the same server at the
// same concurrency. Rounds alternate, and the median round counts.
import { createClient, type paths } from '@offboard/cloudflare-access';
import createFetchClient from 'openapi-fetch';
import { type Summary, summarise } from './measure.js';
import { startTrivialServer } from './servers.js';

const ACCOUNT = '0f3c5a9e7b2d4c6e8a1b3d5f7c9e2a4b';
const USER = '3f7a2c1e-9b4d-4e6f-8a2b-5c7d9e1f3a5b';

async function throughput(concurrency: number, seconds: number, call: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await call();
        done++;
      }
    }),
  );
  return done / seconds;
}

export interface ClientResult {
  readonly client: Summary;
  /** openapi-fetch alone, the floor our client is built on. */
  readonly openapiFetch: Summary;
  readonly raw: Summary;
  readonly concurrency: number;
}

export async function benchClient({ concurrency = 16, seconds = 2, rounds = 5 } = {}): Promise<ClientResult> {
  const server = await startTrivialServer();
  try {
    const client = createClient({ baseUrl: server.url, apiToken: 'bench-token-123', env: {} });
    const url = `${server.url}/accounts/${ACCOUNT}/access/users/${USER}`;
    const viaClient = () =>
      client.GET('/accounts/{account_id}/access/users/{user_id}', {
        params: { path: { account_id: ACCOUNT, user_id: USER } },
      });
    // The same call through openapi-fetch alone: the path template and its parameters, which
    // openapi-fetch puts in the URL, as it does for our client (a path written out by hand would
    // skip work our client cannot).
    const bare = createFetchClient<paths>({
      baseUrl: server.url,
      headers: { authorization: 'Bearer bench-token-123' },
    });
    const viaOpenapiFetch = () =>
      bare.GET('/accounts/{account_id}/access/users/{user_id}', {
        params: { path: { account_id: ACCOUNT, user_id: USER } },
      });
    const viaFetch = async () => {
      const response = await fetch(url, { headers: { authorization: 'Bearer bench-token-123' } });
      if (!response.ok) throw new Error(`status ${response.status}`);
      return response.json();
    };
    await throughput(concurrency, 0.5, viaClient); // warm up both paths (JIT, keep-alive pool)
    await throughput(concurrency, 0.5, viaFetch);
    await throughput(concurrency, 0.5, viaOpenapiFetch);
    const clientRounds: number[] = [];
    const bareRounds: number[] = [];
    const rawRounds: number[] = [];
    for (let round = 0; round < rounds; round++) {
      rawRounds.push(await throughput(concurrency, seconds, viaFetch));
      bareRounds.push(await throughput(concurrency, seconds, viaOpenapiFetch));
      clientRounds.push(await throughput(concurrency, seconds, viaClient));
    }
    return {
      client: summarise(clientRounds),
      openapiFetch: summarise(bareRounds),
      raw: summarise(rawRounds),
      concurrency,
    };
  } finally {
    await server.stop();
  }
}
