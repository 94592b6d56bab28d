// A new api in redocly.yaml, with no hand-written code at all, gets a package whose generated
// client shell compiles and is typed from its spec (pagination included).
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempDir } from '@offboard/test-utils';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../test/workspace.js';
import { loadWorkspace } from './apis.js';
import { generateApis } from './generate.js';

const spec = {
  openapi: '3.1.0',
  info: { title: 'Things API', version: '1' },
  servers: [{ url: 'https://things.example.invalid' }],
  security: [{ token: [] }],
  components: {
    securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: { type: 'integer' }, name: { type: 'string' } },
      },
    },
  },
  paths: {
    '/things': {
      get: {
        operationId: 'listThings',
        parameters: [
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
        ],
        'x-offboard-pagination': {
          style: 'offset',
          offsetParam: 'offset',
          sizeParam: 'limit',
          pageSize: 50,
          items: 'things',
          next: 'next',
        },
        responses: {
          '200': {
            description: 'One page of things.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['things'],
                  properties: {
                    things: { type: 'array', items: { $ref: '#/components/schemas/Thing' } },
                    next: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/things/{thingId}': {
      get: {
        operationId: 'getThing',
        parameters: [{ name: 'thingId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        responses: {
          '200': {
            description: 'The thing.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          // Every operation documents an error answer (with none, ApiClient's success type lets `data` be undefined).
          '404': {
            description: 'No such thing.',
            content: {
              'application/json': { schema: { type: 'object', properties: { message: { type: 'string' } } } },
            },
          },
        },
      },
    },
  },
};

const config = `apis:
  things:
    root: specs/things/openapi.json
    x-offboard:
      output: packages/things
      package: '@offboard/things'
      credentials:
        token: { option: accessToken, env: THINGS_TOKEN }
`;

/** Type errors in the package's own files, compiled as the repository compiles a client package. */
function typeErrors(packageDir: string): string[] {
  const runtime = path.join(repoRoot, 'packages/runtime/src');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(packageDir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('no tsconfig');
  const program = ts.createProgram(parsed.fileNames, {
    ...parsed.options,
    // What the workspace link would give: the runtime's sources.
    paths: {
      '@offboard/runtime': [path.join(runtime, 'index.ts')],
      '@offboard/runtime/errors': [path.join(runtime, 'public-errors.ts')],
    },
    typeRoots: [path.join(repoRoot, 'tools/codegen/node_modules/@types')],
  });
  return program
    .getSourceFiles()
    .filter((file) => file.fileName.startsWith(packageDir))
    .flatMap((file) => ts.getPreEmitDiagnostics(program, file))
    .map((diagnostic) => {
      const where = diagnostic.file ? path.relative(packageDir, diagnostic.file.fileName) : '';
      return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
}

const usage = (itemLine: string) => `import { type Client, createClient, NotFoundError } from './index.js';

const client: Client = createClient({ baseUrl: 'http://127.0.0.1:9', accessToken: 'tok' });

export async function names(): Promise<string[]> {
  const names: string[] = [];
  for await (const thing of client.paginate('/things', { params: { query: { limit: 10 } }, maxPages: 3 })) {
    ${itemLine}
  }
  const { data } = await client.GET('/things/{thingId}', { params: { path: { thingId: 1 } } });
  names.push(data.name);
  return names;
}

export const isNotFound = (error: unknown): boolean => error instanceof NotFoundError;
`;

describe('a new api without src/lib', () => {
  let workspaceDir: Awaited<ReturnType<typeof tempDir>>;
  let packageDir: string;

  beforeAll(async () => {
    workspaceDir = await tempDir('codegen-new-api');
    const root = workspaceDir.dir;
    await mkdir(path.join(root, 'specs/things'), { recursive: true });
    await writeFile(path.join(root, 'specs/things/openapi.json'), JSON.stringify(spec, null, 2));
    await writeFile(path.join(root, 'redocly.yaml'), config);
    await cp(path.join(repoRoot, 'LICENSE'), path.join(root, 'LICENSE'));
    // The scaffolded tsconfig extends ../../tsconfig.base.json: the repository's.
    await cp(path.join(repoRoot, 'tsconfig.base.json'), path.join(root, 'tsconfig.base.json'));
    const workspace = await loadWorkspace(path.join(root, 'redocly.yaml'));
    const result = await generateApis(workspace, workspace.apis, { check: false, log: () => undefined });
    expect(result.ok).toBe(true);
    packageDir = path.join(root, 'packages/things');
  });
  afterAll(() => workspaceDir.remove());

  it('gets the scaffold once, the generated shell, and no src/lib', async () => {
    const files = (await readdir(packageDir, { recursive: true })).sort();
    expect(files).toEqual([
      'LICENSE',
      'README.md',
      'openapi.json',
      'package.json',
      'src',
      'src/generated',
      'src/generated/api.gen.ts',
      'src/generated/client.gen.ts',
      'src/generated/schema.gen.ts',
      'src/index.ts',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
  });

  it('compiles, with createClient, the errors and paginate typed from the spec', async () => {
    await writeFile(path.join(packageDir, 'src/usage.ts'), usage('names.push(thing.name);'));
    expect(typeErrors(packageDir)).toEqual([]);
  });

  it('is really type-checked: an item property the spec lacks is an error', async () => {
    await writeFile(path.join(packageDir, 'src/usage.ts'), usage('names.push(thing.title);'));
    expect(typeErrors(packageDir)).toEqual([
      expect.stringMatching(
        /^src\/usage\.ts: Property 'title' does not exist on type '\{ id: number; name: string; \}'/,
      ),
    ]);
  });
});

describe('x-offboard.hooks', () => {
  it.each(['../index.ts', 'src/generated/hooks.ts', 'src/lib/../../x.ts', 'src/lib/hooks.js'])(
    'must name a .ts file under src/lib/, not %s',
    async (hooks) => {
      const dir = await tempDir('codegen-hooks');
      try {
        await writeFile(path.join(dir.dir, 'redocly.yaml'), `${config}      hooks: ${hooks}\n`);
        await expect(loadWorkspace(path.join(dir.dir, 'redocly.yaml'))).rejects.toThrow(
          `redocly.yaml: apis.things.x-offboard.hooks must name a .ts file under src/lib/ (got ${hooks})`,
        );
      } finally {
        await dir.remove();
      }
    },
  );
});
