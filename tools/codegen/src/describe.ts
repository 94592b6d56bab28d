// Reads from a bundled spec what the runtime needs at run time: servers, security, and per
// operation its method, path, operationId, deprecation, own servers/security, path-parameter
// rules and constant query parameters. Generic: no provider is named here.

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

export interface OperationDescription {
  operationId: string;
  method: (typeof METHODS)[number];
  path: string;
  deprecated: boolean;
  security?: string[][];
  servers?: ServerDescription[];
  pathParams: Record<string, ParamRule>;
  constantQuery?: Record<string, string>;
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

/** Follows local `#/...` refs of a bundled document. */
export function resolveLocal<T = Json>(document: Json, node: unknown): T | undefined {
  let current = node;
  for (let depth = 0; isObject(current) && typeof current.$ref === 'string'; depth++) {
    const ref = current.$ref;
    if (!ref.startsWith('#/') || depth > 32) throw new Error(`cannot resolve ${ref}: bundle the spec first`);
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((target, key) => (isObject(target) ? target[key] : undefined), document);
  }
  return current as T | undefined;
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
      operations.push(described);
    }
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
