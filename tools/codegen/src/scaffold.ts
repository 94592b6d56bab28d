// The hand-owned files of a new client package, created once when an api is added to
// redocly.yaml (so adding a provider is a spec and a config entry): package.json, tsconfigs,
// LICENSE and a src/index.ts that re-exports the generated client. After that the files belong
// to people: the generator never overwrites them.
import type { ApiEntry } from './apis.js';
import type { SpecDescription } from './describe.js';

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
  // The public surface is generated (src/generated/client.gen.ts); hand-written extras go in
  // src/lib/ and are exported from here beside it.
  const index = "export * from './generated/client.gen.js';\n";
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
