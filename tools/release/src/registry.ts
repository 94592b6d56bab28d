// A throwaway npm registry: verdaccio, in this process, on 127.0.0.1 and a port the OS picks,
// with storage in a temporary folder. It serves our scope only (no uplink: nothing is proxied),
// lets one user publish, and never lets a published version change. stop() closes every
// connection and the port, and deletes the storage.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tempDir } from '@offboard/test-utils';
import { runServer } from 'verdaccio';

export const SCOPE = '@offboard';

export interface Registry {
  /** Base URL, with a trailing slash, as npm writes registries. */
  readonly url: string;
  readonly port: number;
  /** A token of the one user allowed to publish. */
  readonly token: string;
  /** `.npmrc` lines that publish to and install our scope from this registry. */
  readonly npmrc: string;
  stop(): Promise<void>;
}

export async function startRegistry(): Promise<Registry> {
  const storage = await tempDir('registry');
  const { dir } = storage;
  const app = (await runServer({
    self_path: dir,
    storage: path.join(dir, 'storage'),
    auth: { htpasswd: { file: path.join(dir, 'htpasswd'), max_users: 1 } },
    uplinks: {},
    packages: { [`${SCOPE}/*`]: { access: '$all', publish: '$authenticated', unpublish: 'nobody' } },
    log: { type: 'stdout', format: 'pretty', level: 'error' },
    web: { enable: false },
  } as never)) as { listen(port: number, host: string, done: () => void): Server };
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    listening.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    await storage.remove();
  };
  try {
    const response = await fetch(`${url}-/user/org.couchdb.user:release`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'release', password: 'release-test-password' }),
    });
    const { token } = (await response.json()) as { token?: string };
    if (!response.ok || !token)
      throw new Error(`verdaccio: adding the publishing user failed (HTTP ${response.status})`);
    const host = url.replace(/^http:/, '');
    return { url, port, token, npmrc: `${SCOPE}:registry=${url}\n${host}:_authToken=${token}\n`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
