// End to end: the project's release commands against a real (throwaway) registry, then the
// published packages installed by name and version in a project outside the workspace, type-
// checked with `tsc --strict` and called against a loopback mock.

import { readFile, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import {
  type LoopbackServer,
  type Manifest,
  publishablePackages,
  readManifest,
  repoRoot,
  startLoopbackServer,
  type TempDir,
  tempDir,
} from '@offboard/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Registry, startRegistry } from './registry.js';
import { childEnv, copyWorkspace, exec, pnpmShim, toolDir } from './workspace.js';

const changesetBin = path.join(toolDir, 'node_modules/@changesets/cli/bin.js');
const tscBin = path.join(toolDir, 'node_modules/typescript/bin/tsc');
const rootScripts = readManifest(path.join(repoRoot, 'package.json')).scripts as Record<string, string>;

/** The end of a command's output, without npm's tarball listings. */
const tail = ({ stdout, stderr }: { stdout: string; stderr: string }) =>
  `${stdout}\n${stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('npm notice'))
    .slice(-30)
    .join('\n');

interface Packument {
  versions: Record<string, Manifest & { dist: { integrity: string; tarball: string } }>;
}

describe('release: changeset version, publish to verdaccio, install outside the workspace', () => {
  const packages = publishablePackages();
  const built = packages.filter((pkg) => pkg.built);
  let registry: Registry;
  let work: Awaited<ReturnType<typeof copyWorkspace>>;
  let shim: Awaited<ReturnType<typeof pnpmShim>>;
  let versions: Map<string, string>;

  beforeAll(async () => {
    [registry, work, shim] = await Promise.all([startRegistry(), copyWorkspace(), pnpmShim()]);
    await writeFile(path.join(work.dir, '.npmrc'), registry.npmrc);
  });
  afterAll(async () => {
    await registry?.stop();
    await Promise.all([work?.remove(), shim?.remove()]);
  });

  /** The publish step of the root `release` script, run as written, in the copy, against verdaccio. */
  async function publish() {
    const [buildStep, publishStep, ...rest] = rootScripts.release!.split(' && ');
    expect({ buildStep, rest }).toEqual({ buildStep: 'turbo run build', rest: [] }); // turbo built every package before this test
    const skip = packages
      .filter((pkg) => !pkg.built)
      .map((pkg) => ` --filter '!${pkg.manifest.name}'`)
      .join('');
    const env = childEnv({ PATH: `${shim.dir}${path.delimiter}${process.env.PATH}` });
    // Never the real registry: our scope goes to verdaccio, whatever the machine's npm config says.
    expect((await exec('npm', ['config', 'get', '@offboard:registry'], { cwd: work.dir, env })).stdout.trim()).toBe(
      registry.url,
    );
    return exec('sh', ['-c', `${publishStep}${skip}`], { cwd: work.dir, env });
  }

  async function packument(name: string): Promise<Packument> {
    const response = await fetch(`${registry.url}${name.replace('/', '%2f')}`);
    expect(response.status, name).toBe(200);
    return (await response.json()) as Packument;
  }

  it('has something to publish: the runtime and every client are built', () => {
    expect(built.map((pkg) => pkg.folder)).toEqual(
      expect.arrayContaining([
        'runtime',
        'gcore-iam',
        'gcore-iam-reseller',
        'cloudflare-access',
        'nscale-identity',
        'liveperson-users',
      ]),
    );
  });

  it('`version-packages` bumps the client, and the hand-written package that depends on it, with changelogs', async () => {
    expect(rootScripts['version-packages']).toBe('changeset version');
    await writeFile(
      path.join(work.dir, '.changeset/release-test.md'),
      "---\n'@offboard/gcore-iam': major\n---\n\nRelease test: a breaking spec update.\n",
    );
    const result = await exec(process.execPath, [changesetBin, 'version'], { cwd: work.dir, env: childEnv() });
    expect(result.code, result.stderr).toBe(0);

    versions = new Map(publishablePackages(work.dir).map((pkg) => [pkg.manifest.name, pkg.manifest.version]));
    const old = new Map(packages.map((pkg) => [pkg.manifest.name, pkg.manifest.version]));
    const dependents = new Set(
      packages.filter((pkg) => pkg.manifest.dependencies?.['@offboard/gcore-iam']).map((pkg) => pkg.manifest.name),
    );
    expect(dependents).toContain('@offboard/offboard');
    for (const [name, version] of versions) {
      if (name === '@offboard/gcore-iam') expect(version).toMatch(/^[1-9]\d*\.0\.0$/);
      else if (dependents.has(name)) expect(version, name).not.toBe(old.get(name));
      else expect({ name, version }).toEqual({ name, version: old.get(name) });
    }
    const changelog = await readFile(path.join(work.dir, 'packages/gcore-iam/CHANGELOG.md'), 'utf8');
    expect(changelog).toContain(`## ${versions.get('@offboard/gcore-iam')}`);
    expect(changelog).toContain('Release test: a breaking spec update.');
    expect(await readFile(path.join(work.dir, 'packages/offboard/CHANGELOG.md'), 'utf8')).toContain(
      `@offboard/gcore-iam@${versions.get('@offboard/gcore-iam')}`,
    );
    // The repository itself is untouched.
    expect(readManifest(path.join(repoRoot, 'packages/gcore-iam/package.json')).version).toBe(
      old.get('@offboard/gcore-iam'),
    );
  });

  it('`release` publishes every built package to the registry, with workspace ranges made real', async () => {
    const result = await publish();
    expect(result.code, tail(result)).toBe(0);
    for (const pkg of built) {
      const version = versions.get(pkg.manifest.name)!;
      const published = (await packument(pkg.manifest.name)).versions[version];
      expect(published, `${pkg.manifest.name}@${version}`).toBeDefined();
      for (const range of Object.values(published!.dependencies ?? {})) expect(range).not.toMatch(/^workspace:/);
    }
    expect(
      (await packument('@offboard/gcore-iam')).versions[versions.get('@offboard/gcore-iam')!]!.dependencies?.[
        '@offboard/runtime'
      ],
    ).toBe(`^${versions.get('@offboard/runtime')}`);
  });

  describe('a project outside the workspace', () => {
    let consumer: TempDir;
    let project: string;
    let mock: LoopbackServer;
    let mockUrl: string;
    const requests: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];

    beforeAll(async () => {
      consumer = await tempDir('consumer');
      project = consumer.dir;
      mock = await startLoopbackServer((request, response) => {
        requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
        const body = {
          count: 1,
          next: null,
          previous: null,
          results: [{ id: 1001, email: 'jane.doe@example.com', name: 'Jane Doe', client: 200001, deleted: false }],
        };
        response
          .writeHead(request.url?.startsWith('/iam/users?') ? 200 : 404, { 'content-type': 'application/json' })
          .end(JSON.stringify(body));
      });
      mockUrl = mock.url;
    });
    afterAll(async () => {
      await mock?.close();
      await consumer?.remove();
    });

    it('installs the published packages by name and version with plain npm (our scope from verdaccio only)', async () => {
      await writeFile(
        path.join(project, 'package.json'),
        JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
      );
      await writeFile(path.join(project, '.npmrc'), `@offboard:registry=${registry.url}\n`);
      const specs = built.map((pkg) => `${pkg.manifest.name}@${versions.get(pkg.manifest.name)}`);
      const result = await exec(
        'npm',
        ['install', '--no-audit', '--no-fund', '--save-exact', ...specs, '@types/node@20.19.43'],
        {
          cwd: project,
          env: childEnv({ npm_config_omit_lockfile_registry_resolved: 'false' }), // so the lockfile says where each came from
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const lock = JSON.parse(await readFile(path.join(project, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { resolved?: string }>;
      };
      for (const [where, entry] of Object.entries(lock.packages)) {
        if (where.includes('node_modules/@offboard/'))
          expect(entry.resolved, where).toMatch(new RegExp(`^${registry.url}`));
        else if (entry.resolved) expect(entry.resolved, where).not.toContain('127.0.0.1');
      }
      expect(readManifest(path.join(project, 'node_modules/@offboard/gcore-iam/package.json')).version).toBe(
        versions.get('@offboard/gcore-iam'),
      );
    });

    it('type-checks a consumer with tsc --strict, and its typed call reaches a local mock', async () => {
      await writeFile(
        path.join(project, 'consumer.ts'),
        [
          "import { createClient, type components } from '@offboard/gcore-iam';",
          '',
          "const client = createClient({ baseUrl: process.argv[2]!, apiKey: 'test-key', maxRetries: 0 });",
          "const { data } = await client.GET('/iam/users', { params: { query: { limit: 10 } } });",
          "if (!data) throw new Error('no body');",
          "const users: components['schemas']['User'][] = data.results;",
          'console.log(JSON.stringify({ count: data.count, email: users[0]?.email }));',
          '// The types are real: a query parameter of the wrong type does not compile (never called).',
          'export function wrongType() {',
          '  // @ts-expect-error limit is a number',
          "  return client.GET('/iam/users', { params: { query: { limit: 'ten' } } });",
          '}',
          '',
        ].join('\n'),
      );
      const flags = [
        '--strict',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--types',
        'node',
        '--outDir',
        'out',
      ];
      const tsc = await exec(process.execPath, [tscBin, ...flags, 'consumer.ts'], { cwd: project, env: childEnv() });
      expect(tsc.code, tsc.stdout).toBe(0);

      const call = await exec(process.execPath, ['out/consumer.js', mockUrl], { cwd: project, env: childEnv() });
      expect(call.code, call.stderr).toBe(0);
      expect(JSON.parse(call.stdout)).toEqual({ count: 1, email: 'jane.doe@example.com' });
      expect(requests).toEqual([expect.objectContaining({ method: 'GET', url: '/iam/users?limit=10' })]);
      expect(requests[0]!.headers.authorization).toBe('APIKey test-key');
    });
  });

  it('publishing the same versions again is refused cleanly: nothing is overwritten', async () => {
    const before = new Map(
      await Promise.all(built.map(async (pkg) => [pkg.manifest.name, await packument(pkg.manifest.name)] as const)),
    );

    // The release command skips what the registry already has.
    const again = await publish();
    expect(again.code, tail(again)).toBe(0);
    expect(again.stdout).toContain('There are no new packages that should be published');

    // Forcing it: the same version with different content is refused by the registry.
    const pkgDir = path.join(work.dir, 'packages/gcore-iam');
    await writeFile(
      path.join(pkgDir, 'README.md'),
      `${await readFile(path.join(pkgDir, 'README.md'), 'utf8')}\nchanged\n`,
    );
    const forced = await exec('npm', ['publish', '--access', 'public', '--registry', registry.url], {
      cwd: pkgDir,
      env: childEnv({ [`npm_config_${registry.url.replace(/^http:/, '')}:_authToken`]: registry.token }),
    });
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toContain('You cannot publish over the previously published versions');

    // npm refused before uploading; the registry refuses too, when asked directly.
    const packed = await exec('npm', ['pack', '--json', '--pack-destination', work.dir], {
      cwd: pkgDir,
      env: childEnv(),
    });
    const [{ filename, integrity, shasum }] = JSON.parse(packed.stdout) as [
      { filename: string; integrity: string; shasum: string },
    ];
    const tarball = await readFile(path.join(work.dir, filename));
    const manifest = readManifest(path.join(pkgDir, 'package.json'));
    const name = manifest.name;
    const upload = (version: string, file = `${name.slice(1).replace('/', '-')}-${version}.tgz`) =>
      fetch(`${registry.url}${name.replace('/', '%2f')}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${registry.token}` },
        body: JSON.stringify({
          _id: name,
          name,
          'dist-tags': { latest: version },
          versions: {
            [version]: {
              ...manifest,
              version,
              _id: `${name}@${version}`,
              dist: { integrity, shasum, tarball: `${registry.url}${name}/-/${file}` },
            },
          },
          _attachments: {
            [file]: {
              content_type: 'application/octet-stream',
              data: tarball.toString('base64'),
              length: tarball.length,
            },
          },
        }),
      });
    expect((await upload(manifest.version)).status).toBe(409);
    expect((await upload(manifest.version, 'another-name.tgz')).status).toBe(409); // the version itself is taken

    for (const pkg of built) {
      const after = await packument(pkg.manifest.name);
      expect(Object.keys(after.versions)).toEqual(Object.keys(before.get(pkg.manifest.name)!.versions));
      for (const [version, manifest] of Object.entries(after.versions)) {
        expect(manifest.dist.integrity, `${pkg.manifest.name}@${version}`).toBe(
          before.get(pkg.manifest.name)!.versions[version]!.dist.integrity,
        );
      }
    }
    // The same upload under a new version is accepted: 409 above was the version, not the request.
    expect((await upload(`${manifest.version}-control`)).status).toBe(201);
  });

  it('stops verdaccio and frees its port', async () => {
    const { port } = registry;
    await registry.stop();
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    registry = undefined as never; // stopped; afterAll has nothing left to stop
  });
});
