// End to end: `specs:update` on a throwaway copy of the repository, downloading "upstream" specs
// from a loopback server.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { copySpecWorkspace } from '@offboard/spec-diff/repo-copy';
import { changedFiles, snapshot, type TempDir } from '@offboard/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type Loopback, serve } from './loopback.js';

const toolDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

async function specsUpdate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = [path.join(toolDir, 'node_modules/tsx/dist/cli.mjs'), path.join(toolDir, 'src/cli.ts')];
  try {
    const { stdout, stderr } = await run(process.execPath, [...cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// Test data, loosely typed on purpose.
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is walked freely in assertions.
type Doc = Record<string, any>;
const VENDOR = {
  'gcore-iam': 'specs/gcore-iam/vendor/iam_api.revoke-client-user-access.yaml',
  'gcore-iam-reseller': 'specs/gcore-iam-reseller/vendor/iam_reseller_api.delete-user.yaml',
  'nscale-identity': 'specs/nscale-identity/vendor/identity-openapi.delete-organization-user.yaml',
};

describe('specs:update against a loopback "upstream"', () => {
  let copy: TempDir;
  let upstream: Loopback;
  let sources: string;
  const vendor = async (api: keyof typeof VENDOR): Promise<Doc> =>
    parse(await readFile(path.join(copy.dir, VENDOR[api]), 'utf8')) as Doc;

  beforeAll(async () => {
    copy = await copySpecWorkspace();
    // Gcore IAM: the whole file has one more operation; our fragment of it is unchanged.
    const iam = await vendor('gcore-iam');
    iam.paths['/iam/users/me'] = { get: { summary: 'Me', responses: { '200': { description: 'ok' } } } };
    // Gcore IAM Reseller: the delete lost its 404 (breaking).
    const reseller = await vendor('gcore-iam-reseller');
    delete reseller.paths['/iam/users/{userId}'].delete.responses['404'];
    // nscale: the error responses live in a shared file, $ref'd by URL; its error enum gained a code.
    const identity = await vendor('nscale-identity');
    const common = {
      openapi: '3.0.3',
      components: { responses: identity.components.responses, schemas: identity.components.schemas },
    };
    common.components.schemas.error.properties.error.enum.push('too_many_requests');
    delete identity.components.responses;
    delete identity.components.schemas;
    for (const response of Object.values(
      identity.paths['/api/v1/organizations/{organizationID}/users/{userID}'].delete.responses,
    ) as Doc[]) {
      if (response.$ref) response.$ref = response.$ref.replace('#', '../core/common.spec.yaml#');
    }
    upstream = await serve({
      '/gcore/iam_api.yaml': stringify(iam),
      '/gcore/iam_reseller_api.yaml': stringify(reseller),
      '/identity/server.spec.yaml': stringify(identity),
      '/core/common.spec.yaml': stringify(common),
    });
    sources = path.join(copy.dir, 'sources.yaml');
    await writeFile(
      sources,
      stringify({
        'gcore-iam': `${upstream.url}/gcore/iam_api.yaml`,
        'gcore-iam-reseller': `${upstream.url}/gcore/iam_reseller_api.yaml`,
        'nscale-identity': `${upstream.url}/identity/server.spec.yaml`,
        'cloudflare-access': 'none',
        'liveperson-users': 'none',
      }),
    );
  });
  afterAll(async () => {
    await upstream?.close();
    await copy?.remove();
  });

  it('turns upstream changes into regenerated packages plus one changeset each, with the right bump', async () => {
    const before = await snapshot(copy.dir);
    const result = await specsUpdate('--root', copy.dir, '--sources', sources);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('none gcore-iam: the candidate changes nothing');
    expect(result.stdout).toMatch(/^breaking gcore-iam-reseller: /m);
    expect(result.stdout).toMatch(/^feature nscale-identity: /m);
    expect(result.stdout).toContain('enum value "too_many_requests" added');
    expect(result.stdout).toContain('skip cloudflare-access: hand-written');
    expect(result.stdout).toContain('specs:update: 2 updated, 1 up to date, 2 skipped, 0 failed');

    const changed = changedFiles(before, await snapshot(copy.dir)).filter((file) => file !== 'sources.yaml');
    expect(changed).toEqual(
      expect.arrayContaining([
        VENDOR['gcore-iam-reseller'],
        VENDOR['nscale-identity'],
        'packages/gcore-iam-reseller/openapi.json',
        'packages/nscale-identity/openapi.json',
      ]),
    );
    expect(changed.filter((file) => /gcore-iam\/|cloudflare|liveperson/.test(file))).toEqual([]);
    const changesets = await readdir(path.join(copy.dir, '.changeset'));
    const bumps = await Promise.all(
      changesets
        .filter((name) => name.endsWith('.md'))
        .map(async (name) =>
          parse((await readFile(path.join(copy.dir, '.changeset', name), 'utf8')).split(/^---$/m)[1]!),
        ),
    );
    expect(bumps).toEqual(
      expect.arrayContaining([{ '@offboard/gcore-iam-reseller': 'major' }, { '@offboard/nscale-identity': 'minor' }]),
    );
    expect(bumps).toHaveLength(2);
    // The shared file was fetched once and its components inlined under their own names.
    expect(upstream.hits.get('/core/common.spec.yaml')).toBe(1);
    const nscaleVendor = await readFile(path.join(copy.dir, VENDOR['nscale-identity']), 'utf8');
    expect(nscaleVendor).toMatch(/\$ref: ["']#\/components\/responses\/unauthorizedResponse["']/);
    expect(nscaleVendor).not.toContain('common.spec.yaml');
  });

  it('a second run changes nothing', async () => {
    const before = await snapshot(copy.dir);
    const result = await specsUpdate('--root', copy.dir, '--sources', sources);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('specs:update: 0 updated, 3 up to date, 2 skipped, 0 failed');
    expect(changedFiles(before, await snapshot(copy.dir))).toEqual([]);
  });

  it('reports a failed download and exits 1', async () => {
    const broken = path.join(copy.dir, 'broken-sources.yaml');
    await writeFile(broken, (await readFile(sources, 'utf8')).replace('/gcore/iam_api.yaml', '/gcore/moved.yaml'));
    const result = await specsUpdate('gcore-iam', '--root', copy.dir, '--sources', broken);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`failed gcore-iam: download ${upstream.url}/gcore/moved.yaml: HTTP 404`);
    expect(result.stdout).toContain('specs:update: 0 updated, 0 up to date, 0 skipped, 1 failed');
  });
});
