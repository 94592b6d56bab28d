// Renders the runtime module (api.gen.ts) and the package README from a spec description.
import type { ApiEntry } from './apis.js';
import type { OperationDescription, PaginationDescription, ParamRule, SpecDescription } from './describe.js';

function credentialType(scheme: Record<string, unknown> | undefined): string {
  return scheme?.type === 'apiKey' ? 'string' : 'CredentialValue';
}

function credentialDoc(
  schemeName: string,
  scheme: Record<string, unknown> | undefined,
  env: string | undefined,
  prefix?: string,
): string {
  let how = 'sent as `Authorization: Bearer <value>`; a string or an async token provider';
  if (scheme?.type === 'apiKey') {
    const header = String(scheme.name);
    how = `sent as \`${header}: ${prefix && header.toLowerCase() === 'authorization' ? `${prefix} ` : ''}<value>\``;
  }
  return `Security scheme \`${schemeName}\`, ${how}.${env ? ` Default: \`process.env.${env}\`.` : ''}`;
}

export function renderApiModule(api: ApiEntry, spec: SpecDescription): string {
  const definition = {
    name: api.name,
    title: spec.title,
    packageName: api.client.package,
    servers: spec.servers,
    securitySchemes: spec.securitySchemes,
    security: spec.security,
    ...(api.client.baseUrlEnv ? { baseUrlEnv: api.client.baseUrlEnv } : {}),
    credentials: api.client.credentials ?? {},
    ...(api.client.apiKeyPrefix ? { apiKeyPrefix: api.client.apiKeyPrefix } : {}),
    operations: spec.operations,
  };
  const credentials = Object.entries(api.client.credentials ?? {}).map(([schemeName, source]) => {
    const scheme = spec.securitySchemes[schemeName];
    return `  /** ${credentialDoc(schemeName, scheme, source.env, api.client.apiKeyPrefix)} */\n  readonly ${source.option}?: ${credentialType(scheme)};`;
  });
  const needsCredentialValue = credentials.some((line) => line.includes('CredentialValue'));
  return [
    `import type { ApiDefinition${needsCredentialValue ? ', CredentialValue' : ''} } from '@offboard/runtime';`,
    '',
    '/** What the spec determines, read by @offboard/runtime at run time. */',
    `export const api = ${JSON.stringify(definition, null, 2)} as const satisfies ApiDefinition;`,
    '',
    '/** Credentials; each falls back to its environment variable. */',
    `export interface Credentials {${credentials.length ? `\n${credentials.join('\n')}\n` : ''}}`,
    '',
    "export type OperationId = (typeof api.operations)[number]['operationId'];",
    '',
  ].join('\n');
}

function describeParam(rule: ParamRule): string {
  const parts: string[] = [rule.type];
  if (rule.format) parts.push(`format ${rule.format}`);
  if (rule.minimum !== undefined) parts.push(`≥ ${rule.minimum}`);
  if (rule.exclusiveMinimum !== undefined) parts.push(`> ${rule.exclusiveMinimum}`);
  if (rule.maximum !== undefined) parts.push(`≤ ${rule.maximum}`);
  if (rule.minLength !== undefined) parts.push(`length ≥ ${rule.minLength}`);
  if (rule.maxLength !== undefined) parts.push(`length ≤ ${rule.maxLength}`);
  if (rule.pattern !== undefined) parts.push(`pattern \`${rule.pattern.replace(/\|/g, '\\|')}\``);
  if (rule.enum) parts.push(`one of ${rule.enum.map((value) => `\`${String(value)}\``).join(', ')}`);
  return parts.join(', ');
}

function sampleValue(rule: ParamRule): string {
  if (rule.enum?.[0] !== undefined) return JSON.stringify(rule.enum[0]);
  if (rule.type === 'integer' || rule.type === 'number') return String(Math.max(1, rule.minimum ?? 1));
  if (rule.format === 'uuid') return "'f174e90a-fafe-4643-bbbc-4a0ed4fc8415'";
  return "'…'";
}

function usageExample(api: ApiEntry, operation: OperationDescription | undefined): string {
  const lines = [`import { createClient, NotFoundError } from '${api.client.package}';`, ''];
  const envs = Object.values(api.client.credentials ?? {})
    .map((source) => source.env)
    .filter(Boolean);
  lines.push(`const client = createClient(); // credentials from ${envs.length ? envs.join(' / ') : 'options'}`);
  if (operation) {
    const params = Object.entries(operation.pathParams).map(([name, rule]) => `${name}: ${sampleValue(rule)}`);
    const init = params.length ? `, { params: { path: { ${params.join(', ')} } } }` : '';
    lines.push(
      '',
      'try {',
      `  const { data } = await client.${operation.method.toUpperCase()}('${operation.path}'${init});`,
      '  console.log(data);',
      '} catch (error) {',
      "  if (error instanceof NotFoundError) console.log('not found');",
      '  else throw error;',
      '}',
    );
  }
  return lines.join('\n');
}

function describePagination(pagination: PaginationDescription): { pages: string; ends: string } {
  const size = pagination.sizeParam
    ? ` + \`${pagination.sizeParam}\`${pagination.pageSize ? ` (${pagination.pageSize} unless you set it)` : ''}`
    : '';
  const empty = 'a page is empty';
  if (pagination.style === 'offset') {
    return {
      pages: `\`${pagination.offsetParam}\`${size}`,
      ends: pagination.next ? `\`${pagination.next}\` is null or absent, or ${empty}` : empty,
    };
  }
  return {
    pages: `\`${pagination.pageParam}\` from ${pagination.firstPage ?? 1}${size}`,
    ends: pagination.totalPages ? `page \`${pagination.totalPages}\` is reached, or ${empty}` : empty,
  };
}

function paginationSection(spec: SpecDescription): string {
  const paged = spec.operations.filter((operation) => operation.pagination);
  const first = paged[0];
  if (!first) return '';
  const rows = paged.map((operation) => {
    const { pages, ends } = describePagination(operation.pagination!);
    return `| \`GET ${operation.path}\` | ${pages} | \`${operation.pagination!.items}\` | ${ends} |`;
  });
  const params = Object.entries(first.pathParams).map(([name, rule]) => `${name}: ${sampleValue(rule)}`);
  const init = params.length ? `, { params: { path: { ${params.join(', ')} } } }` : '';
  return `
## Pagination

\`client.paginate(path, init)\` walks every page of a list operation and yields its items, typed
from the spec. \`init\` is what \`client.GET\` takes (path and query parameters, \`signal\`,
\`timeout\`, …), passed on to every page; a paging parameter you set in the query is where the
walk starts, or the page size.

\`\`\`ts
for await (const item of client.paginate('${first.path}'${init})) {
  console.log(item);
}
\`\`\`

| operation | pages by | items | the walk ends when |
|---|---|---|---|
${rows.join('\n')}

An error on any page throws there, after the items of the earlier pages were yielded. A server
that never ends cannot loop the walk: a page that repeats the previous one, or more pages than
\`maxPages\` (default 10 000, e.g. \`client.paginate(path, { maxPages: 50 })\`), throws a
\`PaginationError\` naming the \`page\` it stopped at.
`;
}

export function renderReadme(api: ApiEntry, spec: SpecDescription): string {
  const example = spec.operations.find((operation) => operation.method === 'get') ?? spec.operations[0];
  const credentialRows = Object.entries(api.client.credentials ?? {}).map(
    ([schemeName, source]) =>
      `| \`${source.option}\` | ${source.env ? `\`${source.env}\`` : '—'} | \`${schemeName}\` (${String(spec.securitySchemes[schemeName]?.type ?? '')}) |`,
  );
  const operationRows = spec.operations.map((operation) => {
    const params = Object.entries(operation.pathParams)
      .map(([name, rule]) => `\`${name}\`: ${describeParam(rule)}`)
      .join('<br>');
    const notes = [
      operation.deprecated ? 'deprecated' : '',
      operation.servers ? `server ${operation.servers[0]?.url}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return `| \`${operation.method.toUpperCase()}\` | \`${operation.path}\` | \`${operation.operationId}\` | ${params || '—'} | ${notes || ''} |`;
  });
  return `# ${api.client.package}

A typed client for the **${spec.title}**, generated from its OpenAPI description
([\`openapi.json\`](./openapi.json), shipped in this package) with
[openapi-typescript](https://openapi-ts.dev) and running on
[openapi-fetch](https://openapi-ts.dev/openapi-fetch/) through \`@offboard/runtime\`.

\`\`\`sh
npm i ${api.client.package}
\`\`\`

## Usage

\`\`\`ts
${usageExample(api, example)}
\`\`\`

Every call is checked against the spec before it is sent: a path parameter that breaks its rule
(below) throws a \`ValidationError\` naming the parameter, and nothing is sent. Values are always
percent-encoded, integer ids in decimal without leading zeros and UUIDs lower-case. A call
resolves only on a 2xx. Everything the client throws is an \`OffboardError\`: an \`APIError\` when the
provider answered (\`BadRequestError\`, \`AuthenticationError\`, \`PermissionDeniedError\`,
\`NotFoundError\`, \`ConflictError\`, \`RateLimitError\`, \`InternalServerError\`,
\`UnexpectedStatusError\` for a 1xx or 3xx not followed, each with \`status\`, \`headers\`,
\`requestId\` and the provider's parsed \`body\`; \`APIResponseBodyError\` when it answered with its 2xx
\`status\` but the body could not be read: the call happened); beside it \`APIConnectionError\` (and
\`APIConnectionTimeoutError\`) when no answer came, \`APIUserAbortError\` for the caller's abort, and
\`ValidationError\` when nothing was sent.

## Credentials and base URL

| option | environment variable | security scheme |
|---|---|---|
${credentialRows.join('\n') || '| — | — | — |'}
| \`baseUrl\` | ${api.client.baseUrlEnv ? `\`${api.client.baseUrlEnv}\`` : '—'} | default \`${spec.servers[0]?.url ?? '—'}\` |

A client without a credential throws a \`ValidationError\` when it is created. Credentials are
only sent to the configured origin (a redirect elsewhere drops them) and never appear in error
messages, \`inspect\` output or logs.
${api.client.notes ? `\n${api.client.notes.trim()}\n` : ''}${paginationSection(spec)}
## Defaults

| option | default | per call |
|---|---|---|
| \`timeout\` | 60 000 ms per attempt | \`client.GET(path, { …, timeout })\` |
| \`maxRetries\` | 2, on connection errors, timeouts, 408, 429 and 5xx, for GET, HEAD, PUT, DELETE, OPTIONS only | yes |
| \`initialRetryDelayMs\` / \`maxRetryDelayMs\` | 500 / 8 000 ms, exponential with jitter | yes |
| \`maxRetryAfterMs\` | 60 000 ms: a longer \`Retry-After\` fails at once with the wait in \`error.retryAfterMs\` | yes |
| \`logger\` | none; \`{ debug }\` gets one line per attempt (\`GET /path?query 200 12ms request-id=…\`), credentials redacted | no |

409 and 412 are never retried: a conflict is the caller's to resolve.

## Operations

| method | path | operationId | path parameters | notes |
|---|---|---|---|---|
${operationRows.join('\n')}
`;
}
