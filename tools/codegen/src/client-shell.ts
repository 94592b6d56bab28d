// Renders src/generated/client.gen.ts, the public surface of a client package: createClient,
// Client, ClientOptions, `api`, the schema types, pagination and the runtime's error classes.
// Generated, so every package has the same shell and a change to it is one change here. The few
// hand-written extras live in src/lib/, which the generator never writes; a module there named by
// `x-offboard.hooks` in redocly.yaml is wired into createClient through its `clientHooks`.
import { type ApiEntry, LIB_DIR } from './apis.js';
import type { SpecDescription } from './describe.js';

/** What the module named by `x-offboard.hooks` exports, typed by the shell's `ClientHooksFactory`. */
export const HOOKS_EXPORT = 'clientHooks';

/** The import specifier of the hooks module, seen from src/generated/. */
function hooksSpecifier(hooks: string): string {
  return `../lib/${hooks.slice(LIB_DIR.length + 1).replace(/\.ts$/, '.js')}`;
}

export function renderClientShell(api: ApiEntry, spec: SpecDescription): string {
  const hooks = api.client.hooks;
  const runtime = [
    'type BaseClientOptions',
    ...(hooks ? ['type ClientHooks'] : []),
    'createApiClient',
    'type PaginatedClient',
    'packageAgent',
    'withPagination',
  ];
  // packageAgent reads the package.json one directory above the module it is given: name
  // src/index.js (dist/index.js once built), not this file in src/generated/.
  const agent = "  const agent = packageAgent(new URL('../index.js', import.meta.url).href);";
  const body = hooks
    ? [
        `/** What \`${HOOKS_EXPORT}\` of ${hooks} (\`x-offboard.hooks\` in redocly.yaml) must be. */`,
        'export type ClientHooksFactory = (context: {',
        '  /** The options createClient was given. */',
        '  readonly options: ClientOptions;',
        "  /** The client being created, for the hooks' own calls (callable once createClient has returned). */",
        '  readonly client: () => Client;',
        '}) => ClientHooks;',
        '',
        `const hooks: ClientHooksFactory = ${HOOKS_EXPORT};`,
        '',
        `/** A typed client for the ${spec.title}. */`,
        'export function createClient(options: ClientOptions = {}): Client {',
        agent,
        '  const client: Client = withPagination(',
        '    createApiClient<paths>(api, options, agent, hooks({ options, client: () => client })),',
        '    api,',
        '  );',
        '  return client;',
        '}',
      ]
    : [
        `/** A typed client for the ${spec.title}. */`,
        'export function createClient(options: ClientOptions = {}): Client {',
        agent,
        '  return withPagination(createApiClient<paths>(api, options, agent), api);',
        '}',
      ];
  return [
    'import {',
    ...runtime.map((name) => `  ${name},`),
    "} from '@offboard/runtime';",
    ...(hooks ? [`import { ${HOOKS_EXPORT} } from '${hooksSpecifier(hooks)}';`] : []),
    "import { api, type Credentials } from './api.gen.js';",
    "import type { paths } from './schema.gen.js';",
    '',
    '/** Client options: the runtime defaults (timeout, retries, …) and the credentials of the spec. */',
    'export type ClientOptions = BaseClientOptions & Credentials;',
    '',
    '/**',
    ' * `GET`, `POST`, … typed from the spec, resolving only on a 2xx (anything else throws a typed',
    ' * APIError), and `paginate(path, init)`, the items of every page of a list operation.',
    ' */',
    'export type Client = PaginatedClient<paths, typeof api>;',
    '',
    ...body,
    '',
    "export { api } from './api.gen.js';",
    "export type { Credentials, OperationId } from './api.gen.js';",
    "export type { components, operations, paths } from './schema.gen.js';",
    "export type { PaginateOptions } from '@offboard/runtime';",
    "export * from '@offboard/runtime/errors';",
    '',
  ].join('\n');
}
