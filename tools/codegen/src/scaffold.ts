// The hand-owned shell of a new client package, created once when an api is added to
// redocly.yaml (so adding a provider is a spec and a config entry). After that the files belong
// to people: the generator never overwrites them.
import type { ApiEntry } from './apis.js';
import type { SpecDescription } from './describe.js';

const RUNTIME_ERRORS = [
  'APIConnectionError',
  'APIConnectionTimeoutError',
  'APIError',
  'APIResponseBodyError',
  'APIUserAbortError',
  'AuthenticationError',
  'BadRequestError',
  'ConflictError',
  'InternalServerError',
  'NotFoundError',
  'PermissionDeniedError',
  'RateLimitError',
  'UnexpectedStatusError',
  'ValidationError',
];

export function scaffoldFiles(
  api: ApiEntry,
  spec: SpecDescription,
  license: string,
): { path: string; content: string }[] {
  const packageJson = {
    name: api.client.package,
    version: '0.1.0',
    description: `Typed client for the ${spec.title}, generated from its OpenAPI description.`,
    license: 'MIT',
    type: 'module',
    sideEffects: false,
    engines: { node: '>=20.19' },
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './openapi.json': './openapi.json',
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'openapi.json', '!dist/**/*.test.*'],
    repository: { type: 'git', url: 'git+https://github.com/offboard-dev/offboard.git', directory: api.client.output },
    keywords: ['openapi', 'openapi-fetch', 'sdk', api.name],
    // A package gets a `test` script (and vitest) when it gets hand-written code worth a test.
    scripts: { build: 'tsc -p tsconfig.build.json', typecheck: 'tsc --noEmit' },
    dependencies: { '@offboard/runtime': 'workspace:^' },
    devDependencies: { '@types/node': '20.19.43', typescript: '5.9.3' },
    publishConfig: { access: 'public' },
  };
  const index = `import { createApiClient, packageAgent, type ApiClient, type BaseClientOptions } from '@offboard/runtime';
import { api, type Credentials } from './generated/api.gen.js';
import type { paths } from './generated/schema.gen.js';

export type ClientOptions = BaseClientOptions & Credentials;
export type Client = ApiClient<paths>;

/** A typed client for the ${spec.title}. */
export function createClient(options: ClientOptions = {}): Client {
  return createApiClient<paths>(api, options, packageAgent(import.meta.url));
}

export { api } from './generated/api.gen.js';
export type { Credentials, OperationId } from './generated/api.gen.js';
export type { components, operations, paths } from './generated/schema.gen.js';
export {
${RUNTIME_ERRORS.map((name) => `  ${name},`).join('\n')}
} from '@offboard/runtime';
`;
  return [
    { path: 'package.json', content: `${JSON.stringify(packageJson, null, 2)}\n` },
    {
      path: 'tsconfig.json',
      content: `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src'] }, null, 2)}\n`,
    },
    {
      path: 'tsconfig.build.json',
      content: `${JSON.stringify(
        {
          extends: '../../tsconfig.base.json',
          compilerOptions: { rootDir: 'src', outDir: 'dist', declarationMap: false, sourceMap: false },
          include: ['src'],
          exclude: ['src/**/*.test.ts'],
        },
        null,
        2,
      )}\n`,
    },
    { path: 'src/index.ts', content: index },
    { path: 'LICENSE', content: license },
  ];
}
