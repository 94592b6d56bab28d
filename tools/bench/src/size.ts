// 5. Size: minified + gzipped JavaScript each client package runs, bundled with esbuild: the
// package's own code, the shared runtime, and the whole client with openapi-fetch; beside the
// official `cloudflare` SDK bundled for the same call.
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '@offboard/test-utils';
import { build } from 'esbuild';

export interface SizeRow {
  readonly label: string;
  readonly minified: number;
  readonly gzipped: number;
}

async function bundleSize(label: string, entry: string, external: readonly string[]): Promise<SizeRow> {
  const result = await build({
    stdin: { contents: entry, resolveDir: path.join(repoRoot, 'tools/bench'), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    write: false,
    external: [...external],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { label, minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

const CLIENTS = ['cloudflare-access', 'gcore-iam', 'gcore-iam-reseller', 'liveperson-users', 'nscale-identity'];

export async function benchSize(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const name of CLIENTS) {
    const entry = `export { createClient } from '@offboard/${name}';`;
    rows.push(await bundleSize(`@offboard/${name}: own code`, entry, ['@offboard/runtime', 'openapi-fetch']));
  }
  rows.push(
    await bundleSize('@offboard/runtime: own code', `export { createApiClient } from '@offboard/runtime';`, [
      'openapi-fetch',
    ]),
  );
  rows.push(await bundleSize('openapi-fetch', `export { default } from 'openapi-fetch';`, []));
  rows.push(
    await bundleSize(
      '@offboard/cloudflare-access, whole (with runtime and openapi-fetch)',
      `import { createClient } from '@offboard/cloudflare-access';
       export const remove = (a, u) => createClient().DELETE('/accounts/{account_id}/access/users/{user_id}', { params: { path: { account_id: a, user_id: u } } });`,
      [],
    ),
  );
  try {
    rows.push(
      await bundleSize(
        'cloudflare (official SDK), the same delete',
        `import Cloudflare from 'cloudflare';
         export const remove = (a, u) => new Cloudflare().zeroTrust.access.users.delete(u, { account_id: a });`,
        [],
      ),
    );
  } catch (error) {
    rows.push({
      label: `cloudflare (official SDK): not bundled (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      minified: 0,
      gzipped: 0,
    });
  }
  return rows;
}
