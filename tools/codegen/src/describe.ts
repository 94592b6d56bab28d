// Reads from a bundled spec what the runtime needs at run time: servers, security, and per
// operation its method, path, operationId, deprecation, own servers/security, path-parameter
// rules, constant query parameters and pagination (`x-offboard-pagination`). Generic: no
// provider is named here.

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface ParamRule {
  type: 'integer' | 'number' | 'string' | 'boolean';
  format?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: (string | number | boolean)[];
}

export interface ServerDescription {
  url: string;
  variables?: Record<string, { default: string; enum?: string[] }>;
}

/** An operation's `x-offboard-pagination`, checked; mirrors PaginationDefinition of @offboard/runtime. */
export type PaginationDescription =
  | {
      style: 'offset';
      offsetParam: string;
      sizeParam?: string;
      pageSize?: number;
      items: string;
      next?: string;
    }
  | {
      style: 'page';
      pageParam: string;
      firstPage?: number;
      sizeParam?: string;
      pageSize?: number;
      items: string;
      totalPages?: string;
    };

export const PAGINATION_KEY = 'x-offboard-pagination';

export interface OperationDescription {
  operationId: string;
  method: (typeof METHODS)[number];
  path: string;
  deprecated: boolean;
  security?: string[][];
  servers?: ServerDescription[];
  pathParams: Record<string, ParamRule>;
  constantQuery?: Record<string, string>;
  pagination?: PaginationDescription;
}

export interface SpecDescription {
  title: string;
  servers: ServerDescription[];
  securitySchemes: Record<string, Json>;
  security: string[][];
  operations: OperationDescription[];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Follows local `$ref`s (`#/...`, RFC 6901 JSON pointers: `~1` is `/`, `~0` is `~`, array items by
 * index) from `node` through `document` until a node that is not a reference. Returns that node
 * (undefined when a pointer leads nowhere) and the last ref followed. Throws on a ref to another
 * file (bundle the spec first) and on a cycle of refs. The one resolver: the generator, the spec
 * diff and the contract tests all read bundled specs through it.
 */
export function followRef(document: unknown, node: unknown): { node: unknown; ref?: string } {
  let current = node;
  let ref: string | undefined;
  const seen = new Set<string>();
  while (isObject(current) && typeof current.$ref === 'string') {
    ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`cannot resolve ${ref}: bundle the spec first`);
    if (seen.has(ref)) throw new Error(`$ref cycle: ${[...seen, ref].join(' -> ')}`);
    seen.add(ref);
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>(
        (target, key) =>
          isObject(target) && Object.hasOwn(target, key)
            ? target[key]
            : Array.isArray(target)
              ? (target as unknown[])[Number(key)]
              : undefined,
        document,
      );
  }
  return ref === undefined ? { node: current } : { node: current, ref };
}

/** The node `node` refers to (through any chain of local refs), or undefined; see {@link followRef}. */
export function resolveLocal<T = Json>(document: unknown, node: unknown): T | undefined {
  return followRef(document, node).node as T | undefined;
}

function servers(value: unknown): ServerDescription[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.filter(isObject).map((server) => {
    const described: ServerDescription = { url: String(server.url) };
    if (isObject(server.variables)) {
      described.variables = Object.fromEntries(
        Object.entries(server.variables)
          .filter(([, v]) => isObject(v))
          .map(([name, variable]) => {
            const v = variable as Json;
            return [
              name,
              { default: String(v.default), ...(Array.isArray(v.enum) ? { enum: v.enum.map(String) } : {}) },
            ];
          }),
      );
    }
    return described;
  });
}

function security(value: unknown): string[][] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map((requirement) => Object.keys(requirement));
}

function ruleOf(document: Json, schemaNode: unknown): ParamRule {
  const schema = resolveLocal(document, schemaNode) ?? {};
  const declared = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const type = (['integer', 'number', 'boolean'].includes(String(declared)) ? declared : 'string') as ParamRule['type'];
  const rule: ParamRule = { type };
  if (typeof schema.format === 'string') rule.format = schema.format;
  if (typeof schema.minimum === 'number') {
    // OpenAPI 3.0 writes exclusiveMinimum as a boolean beside minimum.
    if (schema.exclusiveMinimum === true) rule.exclusiveMinimum = schema.minimum;
    else rule.minimum = schema.minimum;
  }
  if (typeof schema.exclusiveMinimum === 'number') rule.exclusiveMinimum = schema.exclusiveMinimum;
  if (typeof schema.maximum === 'number') rule.maximum = schema.maximum;
  if (typeof schema.minLength === 'number') rule.minLength = schema.minLength;
  if (typeof schema.maxLength === 'number') rule.maxLength = schema.maxLength;
  if (typeof schema.pattern === 'string') rule.pattern = schema.pattern;
  if (Array.isArray(schema.enum)) rule.enum = schema.enum as ParamRule['enum'] & unknown[];
  if (schema.const !== undefined) rule.enum = [schema.const as string];
  return rule;
}

/** The single value a schema allows, if it allows exactly one. */
export function onlyValue(document: Json, schemaNode: unknown): string | undefined {
  const schema = resolveLocal(document, schemaNode);
  if (!schema) return undefined;
  if (schema.const !== undefined) return String(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length === 1) return String(schema.enum[0]);
  return undefined;
}

export function describeSpec(document: Json): SpecDescription {
  const info = isObject(document.info) ? document.info : {};
  const components = isObject(document.components) ? document.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  const paths = isObject(document.paths) ? document.paths : {};

  const operations: OperationDescription[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = resolveLocal(document, rawItem) ?? {};
    for (const method of METHODS) {
      const operation = resolveLocal(document, item[method]);
      if (!operation) continue;
      const operationId = operation.operationId;
      if (typeof operationId !== 'string') throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      // Operation parameters override path-item ones with the same name and location.
      const parameters = new Map<string, Json>();
      for (const list of [item.parameters, operation.parameters]) {
        for (const raw of Array.isArray(list) ? list : []) {
          const parameter = resolveLocal(document, raw);
          if (parameter) parameters.set(`${String(parameter.in)}:${String(parameter.name)}`, parameter);
        }
      }
      const pathParams: Record<string, ParamRule> = {};
      const constantQuery: Record<string, string> = {};
      for (const parameter of parameters.values()) {
        const name = String(parameter.name);
        if (parameter.in === 'path') pathParams[name] = ruleOf(document, parameter.schema);
        if (parameter.in === 'query' && parameter.required === true) {
          const value = onlyValue(document, parameter.schema);
          if (value !== undefined) constantQuery[name] = value;
        }
      }
      const described: OperationDescription = {
        operationId,
        method,
        path,
        deprecated: operation.deprecated === true,
        pathParams,
      };
      const ownSecurity = security(operation.security);
      if (ownSecurity) described.security = ownSecurity;
      const ownServers = servers(operation.servers) ?? servers(item.servers);
      if (ownServers) described.servers = ownServers;
      if (Object.keys(constantQuery).length > 0) described.constantQuery = constantQuery;
      const pagination = paginationOf(document, operation, [...parameters.values()], `${method.toUpperCase()} ${path}`);
      if (pagination) described.pagination = pagination;
      operations.push(described);
    }
  }
  // The generated OperationId type and openapi-typescript's `operations` are keyed by it.
  const seen = new Map<string, OperationDescription>();
  for (const operation of operations) {
    const other = seen.get(operation.operationId);
    if (other) {
      throw new Error(
        `operationId ${operation.operationId} names both ${other.method.toUpperCase()} ${other.path} and ${operation.method.toUpperCase()} ${operation.path}`,
      );
    }
    seen.set(operation.operationId, operation);
  }
  operations.sort((a, b) =>
    a.path === b.path ? METHODS.indexOf(a.method) - METHODS.indexOf(b.method) : a.path < b.path ? -1 : 1,
  );

  return {
    title: String(info.title ?? ''),
    servers: servers(document.servers) ?? [],
    securitySchemes: Object.fromEntries(
      Object.entries(schemes).map(([name, raw]) => {
        const scheme = resolveLocal(document, raw) ?? {};
        const kept: Json = { type: scheme.type };
        if (scheme.type === 'apiKey') Object.assign(kept, { in: scheme.in, name: scheme.name });
        if (scheme.type === 'http') kept.scheme = scheme.scheme;
        return [name, kept];
      }),
    ),
    security: security(document.security) ?? [],
    operations,
  };
}

/** The schema of the first 2xx JSON answer of an operation. */
function successSchema(document: Json, operation: Json): Json | undefined {
  const responses = isObject(operation.responses) ? operation.responses : {};
  const status = Object.keys(responses)
    .filter((code) => /^2(\d\d|XX)$/.test(code))
    .sort()[0];
  const response = status === undefined ? undefined : resolveLocal(document, responses[status]);
  const content = isObject(response?.content) ? response.content : {};
  const media = Object.keys(content).find((type) => /^application\/(.+\+)?json/.test(type));
  const mediaType = media === undefined ? undefined : resolveLocal(document, content[media]);
  return resolveLocal(document, mediaType?.schema);
}

/** The schema of the property at a dotted path (through `properties` and `allOf`), if declared. */
function propertySchema(document: Json, schema: Json | undefined, dotted: string): Json | undefined {
  let current = schema;
  for (const key of dotted.split('.')) {
    if (!current) return undefined;
    const candidates = [current, ...(Array.isArray(current.allOf) ? current.allOf : [])]
      .map((part) => resolveLocal(document, part))
      .filter(isObject);
    const found = candidates
      .map((part) => (isObject(part.properties) ? part.properties[key] : undefined))
      .find((value) => value !== undefined);
    current = resolveLocal(document, found);
  }
  return current;
}

const isArraySchema = (schema: Json | undefined) =>
  schema?.type === 'array' || (Array.isArray(schema?.type) && schema.type.includes('array'));

const PAGINATION_FIELDS = {
  offset: ['style', 'offsetParam', 'sizeParam', 'pageSize', 'items', 'next'],
  page: ['style', 'pageParam', 'firstPage', 'sizeParam', 'pageSize', 'items', 'totalPages'],
} as const;

/**
 * An operation's `x-offboard-pagination`: how its list pages, for the runtime's `paginate`. Checked
 * against the operation, so a typo fails generation instead of a walk: the paging parameters must
 * be query parameters of the operation, `items` an array of its 2xx JSON answer, `next` and
 * `totalPages` properties of it.
 */
export function paginationOf(
  document: Json,
  operation: Json,
  parameters: readonly Json[],
  where: string,
): PaginationDescription | undefined {
  const raw = operation[PAGINATION_KEY];
  if (raw === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new Error(`${where}: ${PAGINATION_KEY} ${problem}`);
  };
  if (!where.startsWith('GET ')) fail('is only for GET operations');
  if (!isObject(raw)) return fail('must be an object');
  const style = raw.style;
  if (style !== 'offset' && style !== 'page') return fail(`style must be "offset" or "page" (got ${String(style)})`);
  const allowed: readonly string[] = PAGINATION_FIELDS[style];
  for (const key of Object.keys(raw))
    if (!allowed.includes(key)) fail(`has an unknown key "${key}" for style ${style}`);

  const text = (key: string, required: boolean): string | undefined => {
    const value = raw[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') return fail(`needs "${key}" (a string)`);
    return value;
  };
  const count = (key: string, min: number): number | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
      fail(`"${key}" must be an integer >= ${min}`);
    return value as number;
  };
  const queryParam = (key: string, required: boolean): string | undefined => {
    const name = text(key, required);
    if (name !== undefined && !parameters.some((parameter) => parameter.in === 'query' && parameter.name === name))
      fail(`"${key}" names ${name}, which is not a query parameter of the operation`);
    return name;
  };
  const answer = successSchema(document, operation);
  const field = (key: string, required: boolean, array: boolean): string | undefined => {
    const dotted = text(key, required);
    if (dotted === undefined) return undefined;
    const schema = propertySchema(document, answer, dotted);
    if (!schema) fail(`"${key}" names ${dotted}, which is not a property of the 2xx JSON answer`);
    if (array && !isArraySchema(schema)) fail(`"${key}" names ${dotted}, which is not an array`);
    return dotted;
  };

  const common = {
    ...optional('sizeParam', queryParam('sizeParam', false)),
    ...optional('pageSize', count('pageSize', 1)),
    items: field('items', true, true) as string,
  };
  if (style === 'offset') {
    return {
      style,
      offsetParam: queryParam('offsetParam', true) as string,
      ...common,
      ...optional('next', field('next', false, false)),
    };
  }
  return {
    style,
    pageParam: queryParam('pageParam', true) as string,
    ...optional('firstPage', count('firstPage', 0)),
    ...common,
    ...optional('totalPages', field('totalPages', false, false)),
  };
}

function optional<Key extends string, Value>(key: Key, value: Value | undefined): { [K in Key]?: Value } {
  return (value === undefined ? {} : { [key]: value }) as { [K in Key]?: Value };
}
