// Packs every publishable package as `pnpm publish` would, lints each tarball (publint,
// arethetypeswrong), then installs the tarballs with npm into a throwaway project outside the
// workspace, type-checks a consumer with the workspace's tsc and runs it against a local server.
// Set PACKAGING_SKIP=@offboard/x,... to leave out a package that does not build yet (local runs only).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { promisify } from 'node:util';
import { publishablePackages, startLoopbackServer, type TempDir, tempDir } from '@offboard/test-utils';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Packed, packAll, tarballFile } from './pack.js';

const require = createRequire(import.meta.url);
const exec = promisify(execFile);
const tsc = require.resolve('typescript/bin/tsc');
const attwPackage = require.resolve('@arethetypeswrong/cli/package.json');
const attw = join(dirname(attwPackage), (require(attwPackage) as { bin: { attw: string } }).bin.attw);
// The workspace's own @types/node for the consumer: a Node consumer has it.
const typesNode = (require('../package.json') as { devDependencies: Record<string, string> }).devDependencies[
  '@types/node'
]!;

const skipped = new Set((process.env.PACKAGING_SKIP ?? '').split(',').filter(Boolean));
const workspacePackages = publishablePackages();
const packages = workspacePackages.filter((pkg) => !skipped.has(pkg.name));
const isClient = (pkg: { dir: string }) => existsSync(join(pkg.dir, 'src/generated'));

// Children get no npm_* variables: pnpm sets npm_config_* for its scripts, and npm would obey them.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

let scratch: TempDir | undefined;
let work: string;
const packed = new Map<string, Packed>();

beforeAll(async () => {
  scratch = await tempDir('packaging');
  work = scratch.dir;
  for (const pkg of await packAll(join(work, 'tarballs'), packages)) packed.set(pkg.name, pkg);
});

afterAll(() => scratch?.remove());

describe.each(packages.map((pkg) => pkg.name))('%s', (name) => {
  const packedOf = () => packed.get(name)!;

  it('packs built ESM with .d.ts, its README and nothing of its sources or tests', () => {
    const { files, dir, tarball } = packedOf();
    expect(files).toContain('package.json');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    const js = files.filter((file) => file.endsWith('.js') && file.startsWith('dist/'));
    expect(js.filter((file) => !files.includes(file.replace(/\.js$/, '.d.ts')))).toEqual([]);
    expect(files.filter((file) => /(^|\/)(src|test|tests|__tests__)\//.test(file))).toEqual([]);
    expect(
      files.filter((file) => /\.(test|spec)\.|\.map$|\.tsbuildinfo$|(^|\/)tsconfig[^/]*\.json$/.test(file)),
    ).toEqual([]);
    if (isClient({ dir })) expect(files).toContain('openapi.json');

    expect(files).toContain('README.md');
    const readme = tarballFile(tarball, 'README.md');
    expect(readme, 'README has a TypeScript usage example importing the package').toMatch(
      new RegExp(`\`\`\`ts\\n[^\`]*from '${name.replace(/[/]/g, '\\/')}'`),
    );
  });

  it('has a publishable manifest: ESM only, types first, real dependency versions', () => {
    const { packedManifest: manifest } = packedOf();
    expect(manifest).toMatchObject({ type: 'module', sideEffects: false, engines: { node: expect.any(String) } });
    const root = (manifest.exports as Record<string, Record<string, string>>)['.'];
    expect(Object.keys(root ?? {}), 'exports["."] is types then default, nothing else').toEqual(['types', 'default']);
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        expect(range, `${field}.${dep}`).not.toMatch(/^(workspace|file|link):/);
        const local = workspacePackages.find((pkg) => pkg.name === dep);
        if (local) expect(range, `${field}.${dep}`).toBe(`^${local.manifest.version}`);
      }
    }
  });

  it('passes publint with no message at any level', async () => {
    const data = new Uint8Array(readFileSync(packedOf().tarball));
    const { messages, pkg } = await publint({ pack: { tarball: data.buffer }, level: 'suggestion', strict: true });
    expect(messages.map((message) => `${message.type}: ${formatMessage(message, pkg, { color: false })}`)).toEqual([]);
  });

  // ESM only by design: the node10 and node16-from-CJS resolutions are ignored, node16-from-ESM
  // and bundler must be clean (types found, right format, named exports present).
  it('passes arethetypeswrong with the esm-only profile', async () => {
    const result = await exec(
      process.execPath,
      [attw, packedOf().tarball, '--profile', 'esm-only', '--format', 'json'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    ).catch((error: { code: number; stdout: string }) => error);
    const report = JSON.parse(result.stdout) as { analysis: { types: { kind: string } }; problems: unknown };
    expect(report.analysis.types.kind).toBe('included');
    expect('code' in result ? result.code : 0, JSON.stringify(report.problems, null, 2)).toBe(0);
  });
});

// What the local server expects, per request, and answers.
const UUID = {
  cfUser: '0d8f3c5e-8f4a-4c1b-9d2e-1a2b3c4d5e6f',
  org: 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415',
  nsUser: '5b1c2a4e-3f6d-4e8a-9b7c-0a1b2c3d4e5f',
};
interface Route {
  agent: string;
  headers: Record<string, string>;
  status: number;
  body: unknown;
  answerHeaders?: Record<string, string>;
}
const routes: Record<string, Route> = {
  [`DELETE /cloudflare/accounts/acc123/access/users/${UUID.cfUser}`]: {
    agent: '@offboard/cloudflare-access/',
    headers: { authorization: 'Bearer cf-token' },
    status: 202,
    body: { success: true, errors: [], messages: [], result: {} },
  },
  'DELETE /gcore-reseller/iam/users/42': {
    agent: '@offboard/gcore-iam-reseller/',
    headers: { authorization: 'APIKey gc-key' },
    status: 200,
    body: {},
  },
  'DELETE /gcore/iam/clients/7/client-users/42': {
    agent: '@offboard/gcore-iam/',
    headers: { authorization: 'APIKey gc-key' },
    status: 404,
    body: { message: 'user not found' },
  },
  [`DELETE /nscale/api/v1/organizations/${UUID.org}/users/${UUID.nsUser}`]: {
    agent: '@offboard/nscale-identity/',
    headers: { authorization: 'Bearer ns-token' },
    status: 200,
    body: {},
  },
  'DELETE /liveperson/api/account/12345678/configuration/le-users/users/4085930212?v=4.0': {
    agent: '@offboard/liveperson-users/',
    headers: { authorization: 'Bearer lp-token', 'if-match': '3' },
    status: 200,
    body: { id: 4085930212, loginName: 'ada' },
    answerHeaders: { 'ac-revision': '4' },
  },
};

function consumerSource(names: string[]): string {
  const namespaces = names.map((name, i) => `import * as package${i} from '${name}';`).join('\n');
  return `${namespaces}
import { APIError } from '@offboard/runtime';
import { createClient as cloudflare } from '@offboard/cloudflare-access';
import { createClient as gcore, NotFoundError } from '@offboard/gcore-iam';
import { createClient as gcoreReseller } from '@offboard/gcore-iam-reseller';
import { createClient as liveperson } from '@offboard/liveperson-users';
import { createClient as nscale } from '@offboard/nscale-identity';

const base = process.argv[2]!;
const modules: Record<string, object> = { ${names.map((name, i) => `'${name}': package${i}`).join(', ')} };
for (const [name, module] of Object.entries(modules)) console.log(\`\${name}: \${Object.keys(module).length} exports\`);

const cf = cloudflare({ baseUrl: \`\${base}/cloudflare\`, apiToken: 'cf-token' });
const deleted = await cf.DELETE('/accounts/{account_id}/access/users/{user_id}', { params: { path: { account_id: 'acc123', user_id: '${UUID.cfUser}' } } });
console.log(\`cloudflare-access: \${deleted.response.status} success=\${deleted.data.success}\`);

const reseller = gcoreReseller({ baseUrl: \`\${base}/gcore-reseller\`, apiKey: 'gc-key' });
console.log(\`gcore-iam-reseller: \${(await reseller.DELETE('/iam/users/{userId}', { params: { path: { userId: 42 } } })).response.status}\`);

const iam = gcore({ baseUrl: \`\${base}/gcore\`, apiKey: 'gc-key' });
try {
  await iam.DELETE('/iam/clients/{clientId}/client-users/{userId}', { params: { path: { clientId: 7, userId: 42 } } });
  console.log('gcore-iam: no error');
} catch (error) {
  if (!(error instanceof NotFoundError)) throw error;
  console.log(\`gcore-iam: \${error.name} \${error.status} APIError=\${error instanceof APIError}\`);
}

const ns = nscale({ baseUrl: \`\${base}/nscale\`, accessToken: 'ns-token' });
const nsPath = { organizationID: '${UUID.org}', userID: '${UUID.nsUser}' };
console.log(\`nscale-identity: \${(await ns.DELETE('/api/v1/organizations/{organizationID}/users/{userID}', { params: { path: nsPath } })).response.status}\`);

const lp = liveperson({ baseUrl: \`\${base}/liveperson\`, accessToken: 'lp-token' });
const user = await lp.DELETE('/api/account/{accountId}/configuration/le-users/users/{userId}', {
  params: { path: { accountId: '12345678', userId: 4085930212 }, header: { 'If-Match': '3' } },
});
console.log(\`liveperson-users: \${user.response.status} id=\${user.data.id} revision=\${user.response.headers.get('ac-revision')}\`);

// Never called: each line must fail to type-check, or tsc reports an unused directive.
export function typesAreReal(): void {
  // @ts-expect-error account_id is a string
  void cf.DELETE('/accounts/{account_id}/access/users/{user_id}', { params: { path: { account_id: 123, user_id: '${UUID.cfUser}' } } });
  // @ts-expect-error userId is an integer
  void reseller.DELETE('/iam/users/{userId}', { params: { path: { userId: '42' } } });
  // @ts-expect-error clientId is missing
  void iam.DELETE('/iam/clients/{clientId}/client-users/{userId}', { params: { path: { userId: 42 } } });
  // @ts-expect-error userID is missing
  void ns.DELETE('/api/v1/organizations/{organizationID}/users/{userID}', { params: { path: { organizationID: '${UUID.org}' } } });
  // @ts-expect-error If-Match is required
  void lp.DELETE('/api/account/{accountId}/configuration/le-users/users/{userId}', { params: { path: { accountId: '12345678', userId: 1 } } });
}
`;
}

it('installs from the tarballs outside the workspace, type-checks strictly and runs against a local server', async () => {
  const project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module' })}\n`,
  );
  const tarballs = [...packed.values()].map((pkg) => pkg.tarball);
  await exec(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, `@types/node@${typesNode}`],
    {
      cwd: project,
      env: cleanEnv,
    },
  );

  // Every @offboard package came from its tarball, none from the registry.
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { resolved?: string }>;
  };
  for (const pkg of packed.values()) {
    const resolved = lock.packages[`node_modules/${pkg.name}`]?.resolved ?? '';
    expect(resolvePath(project, resolved.replace(/^file:/, '')), `${pkg.name} from ${resolved}`).toBe(pkg.tarball);
    const bins =
      typeof pkg.manifest.bin === 'string'
        ? { [pkg.name.split('/').pop()!]: pkg.manifest.bin }
        : (pkg.manifest.bin ?? {});
    for (const bin of Object.keys(bins))
      expect(existsSync(join(project, 'node_modules/.bin', bin)), `bin ${bin}`).toBe(true);
  }
  expect(
    Object.keys(lock.packages).filter((path) => /node_modules\/@offboard\/.*node_modules\/@offboard\//.test(path)),
  ).toEqual([]);

  const names = [...packed.keys()];
  writeFileSync(join(project, 'consumer.ts'), consumerSource(names));
  const compilerOptions = {
    strict: true,
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    types: ['node'],
    skipLibCheck: false, // the shipped .d.ts are checked too
    noEmitOnError: true,
    outDir: 'out',
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
  // One run type-checks (strict) and, only when clean, emits out/consumer.js.
  const checked = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, env: cleanEnv }).catch(
    (error: { stdout: string }) => error,
  );
  expect(checked.stdout).toBe('');

  const seen: string[] = [];
  const problems: string[] = [];
  const check = (request: IncomingMessage, route: Route | undefined) => {
    if (!route) return ['no such route'];
    const wrong = Object.entries(route.headers).filter(([header, value]) => request.headers[header] !== value);
    const agent = request.headers['user-agent'] ?? '';
    return [
      ...wrong.map(([header, value]) => `${header} is ${String(request.headers[header])}, expected ${value}`),
      ...(agent.startsWith(route.agent) ? [] : [`user-agent is ${agent}, expected ${route.agent}…`]),
    ];
  };
  const server = await startLoopbackServer((request, response) => {
    const key = `${request.method} ${request.url}`;
    seen.push(key);
    const route = routes[key];
    const wrong = check(request, route);
    if (wrong.length > 0 || !route) {
      problems.push(`${key}: ${wrong.join(', ')}`);
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"unexpected request"}');
      return;
    }
    response
      .writeHead(route.status, { 'content-type': 'application/json', ...route.answerHeaders })
      .end(JSON.stringify(route.body));
  });
  const base = server.url;
  try {
    const { stdout, stderr } = await exec(process.execPath, [join(project, 'out/consumer.js'), base], {
      cwd: project,
      env: cleanEnv,
    }).catch((error: { stdout: string; stderr: string }) => error);
    expect(problems).toEqual([]);
    expect(stderr).toBe('');
    expect(seen).toEqual(Object.keys(routes));
    expect(stdout.trim().split('\n').slice(names.length)).toEqual([
      'cloudflare-access: 202 success=true',
      'gcore-iam-reseller: 200',
      'gcore-iam: NotFoundError 404 APIError=true',
      'nscale-identity: 200',
      'liveperson-users: 200 id=4085930212 revision=4',
    ]);
    for (const line of stdout.trim().split('\n').slice(0, names.length))
      expect(line).toMatch(/^@offboard\/[\w-]+: [1-9]\d* exports$/);
  } finally {
    await server.close();
  }
});
