// Checks an answer against the OpenAPI documents the clients are generated from (each client
// package's openapi.json): the operation (method + path template), the response for the status
// (exact, then `4XX`-style range, then `default`), the JSON body against its schema, and the
// headers the response declares. Bodies are validated with Ajv in the spec's own dialect
// (OpenAPI 3.1: JSON Schema 2020-12; OpenAPI 3.0: Ajv's draft-07 with its `nullable` support),
// formats by ajv-formats. Each document is loaded and its schemas compiled once per process.
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext the plugin is the module's `default` property.
const addFormats = ajvFormats.default;

/** The client packages whose bundled specs the fake providers answer for. */
export const SPEC_PACKAGES = {
  'gcore-iam': '@offboard/gcore-iam',
  'gcore-iam-reseller': '@offboard/gcore-iam-reseller',
  'cloudflare-access': '@offboard/cloudflare-access',
  'nscale-identity': '@offboard/nscale-identity',
  'liveperson-users': '@offboard/liveperson-users',
} as const;

export type SpecName = keyof typeof SPEC_PACKAGES;

/**
 * What a provider answers that its spec does not document (a status it leaves out, or a body
 * where it declares none), accepted here on purpose. Each is a spec bug to report and fix in the
 * spec, not here: spec-check.test.ts fails once the spec documents it, so the entry goes.
 */
export interface SpecGap {
  readonly spec: SpecName;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The body's schema, a pointer into the same document. */
  readonly schema: string;
  readonly why: string;
}

export const SPEC_GAPS: readonly SpecGap[] = [
  ...[409, 412].map((status) => ({
    spec: 'liveperson-users' as const,
    method: 'DELETE',
    path: '/api/account/{accountId}/configuration/le-users/users/{userId}',
    status,
    schema: '#/components/schemas/Error',
    why:
      'the spec requires If-Match "to detect a concurrent change" but documents no answer to a stale one; ' +
      'LivePerson names no status for it, so the policy treats 409 and 412 alike',
  })),
  {
    spec: 'gcore-iam',
    method: 'DELETE',
    path: '/iam/v2/clients/{clientId}/tokens/{tokenId}',
    status: 403,
    schema: '#/components/schemas/RevokeUserAccessForbiddenError',
    why:
      "the spec's shared Forbidden response has no body, yet Gcore's 403s carry { message } (both IAM specs " +
      'document it for the user deletes) and the policy reads it to tell "no permission" from "active tokens"',
  },
  {
    spec: 'gcore-iam-reseller',
    method: 'GET',
    path: '/iam/clients',
    status: 403,
    schema: '#/components/schemas/DeleteUserForbiddenError',
    why:
      'the spec (like Gcore\'s definition of "Get clients") declares only 200 and 401, yet a key without the ' +
      "reseller's rights is refused with 403 { message }, as Gcore documents for its other Reseller operations; " +
      'discovery must tell "this key cannot list accounts" from a failure',
  },
];

/** An answer as it goes out: status, headers (any case) and the JSON body, absent when none is sent. */
export interface SpecAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

export interface CheckOptions {
  /**
   * Only documented properties: every object schema that lists `properties` (and says nothing
   * of others) rejects the rest, so the fake cannot send a field a client could come to rely on
   * while the provider never promised it. Off for bodies a test wrote, which may carry extras on
   * purpose. Default true.
   */
  readonly documentedOnly?: boolean;
  /** Declared headers left out on purpose (the test asked for an answer without them). */
  readonly withheld?: readonly string[];
}

/** Where an answer's status leads in a spec. */
export interface DeclaredResponse {
  readonly spec: string;
  readonly path: string;
  readonly method: string;
  /** The `responses` key that matched: `404`, `4XX` or `default`. */
  readonly key: string;
  /** Whether it declares a body. */
  readonly hasContent: boolean;
}

interface Operation {
  readonly spec: LoadedSpec;
  readonly path: string;
  readonly method: string;
  /** JSON Pointer of the operation object. */
  readonly pointer: string;
  readonly responses: Record<string, unknown>;
}

interface ResponseAt {
  /** The `responses` key: `404`, `4XX` or `default`. */
  readonly key: string;
  readonly node: Json;
  /** JSON Pointer of the response object (after any Reference Object). */
  readonly pointer: string;
}

interface LoadedSpec {
  readonly name: string;
  readonly version: string;
  /** The normalized document, as added to Ajv (twice: as written, and documented-only). */
  readonly document: Record<string, unknown>;
  readonly ajv: Ajv;
  readonly templates: readonly { readonly path: string; readonly pattern: RegExp }[];
  readonly compiled: Map<string, ValidateFunction>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** The fields of an OpenAPI document (3.0 and 3.1), none of them a schema keyword. */
const OPENAPI_FIELDS = [
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'paths',
  'webhooks',
  'components',
  'security',
  'tags',
];
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

// ---------------------------------------------------------------------------------------------
// Loading: OpenAPI schema objects made plain JSON Schema for Ajv.

const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const COMPOSITIONS = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_ONE = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

interface Normalize {
  readonly openapi30: boolean;
  readonly documentedOnly: boolean;
  /** Component schemas used as members of a composition (strictness there would reject the siblings' fields). */
  readonly composed: ReadonlySet<string>;
}

/**
 * A schema object as Ajv takes it: `x-` extensions dropped; OpenAPI 3.0's boolean
 * `exclusiveMinimum`/`exclusiveMaximum` in their JSON Schema form (Ajv handles 3.0's `nullable`
 * itself); documented-only adds `additionalProperties: false` where the schema leaves it open and
 * no composition is involved.
 */
function normalizeSchema(schema: unknown, how: Normalize, member = false): unknown {
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-')) continue;
    if (SCHEMA_MAPS.has(key) && isObject(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, normalizeSchema(sub, how)]));
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value))
      out[key] = value.map((sub) => normalizeSchema(sub, how, COMPOSITIONS.includes(key)));
    else if (SCHEMA_ONE.has(key))
      out[key] = Array.isArray(value) ? value.map((sub) => normalizeSchema(sub, how)) : normalizeSchema(value, how);
    else out[key] = value;
  }
  if (how.openapi30) {
    for (const [flag, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof out[flag] !== 'boolean') continue;
      if (out[flag] && typeof out[bound] === 'number') {
        out[flag] = out[bound];
        delete out[bound];
      } else delete out[flag];
    }
  }
  const open = !('additionalProperties' in out || 'patternProperties' in out || 'unevaluatedProperties' in out);
  const composes = COMPOSITIONS.some((key) => key in out);
  if (how.documentedOnly && !member && !composes && open && isObject(out.properties)) out.additionalProperties = false;
  return out;
}

/** The names of component schemas some composition references as a member. */
function composedComponents(document: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (COMPOSITIONS.includes(key) && Array.isArray(value)) {
        for (const member of value) {
          const ref = isObject(member) ? member.$ref : undefined;
          if (typeof ref === 'string' && ref.startsWith('#/components/schemas/'))
            names.add(unescapeToken(ref.slice('#/components/schemas/'.length)));
        }
      }
      visit(value);
    }
  };
  visit(document);
  return names;
}

/** The document with every schema object normalized; examples are data and are kept as written. */
function normalizeDocument(document: Json, how: Normalize): Json {
  const walk = (node: unknown, path: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, path));
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'example' || key === 'examples') out[key] = value;
      else if (key === 'schema') out[key] = normalizeSchema(value, how);
      else if (key === 'schemas' && path.length === 1 && path[0] === 'components' && isObject(value))
        out[key] = Object.fromEntries(
          Object.entries(value).map(([name, schema]) => [name, normalizeSchema(schema, how, how.composed.has(name))]),
        );
      else out[key] = walk(value, [...path, key]);
    }
    return out;
  };
  return walk(document, []) as Json;
}

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapeToken = (token: string) => token.replaceAll('~1', '/').replaceAll('~0', '~');
const pointerOf = (...tokens: readonly string[]) => tokens.map((token) => `/${escapeToken(token)}`).join('');

function atPointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of pointer.split('/').slice(1)) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Json)[unescapeToken(token)];
  }
  return node;
}

/** Follows OpenAPI Reference Objects (local ones) to the object they name, and where it is. */
function dereference(spec: LoadedSpec, node: unknown, pointer: string): { node: unknown; pointer: string } {
  for (let hops = 0; isObject(node) && typeof node.$ref === 'string'; hops++) {
    const ref = node.$ref;
    if (!ref.startsWith('#/') || hops > 32)
      throw new Error(`${spec.name}: cannot follow $ref ${ref} at ${pointer} (only local references are supported)`);
    pointer = ref.slice(1);
    node = atPointer(spec.document, pointer);
    if (node === undefined) throw new Error(`${spec.name}: $ref ${ref} names nothing`);
  }
  return { node, pointer };
}

const docId = (name: string, documentedOnly: boolean) =>
  `https://offboard.invalid/specs/${name}${documentedOnly ? '.documented-only' : ''}.json`;

/** A client package's bundled spec, as the client was generated from it. */
export function bundledSpec(name: SpecName): Json {
  return createRequire(import.meta.url)(`${SPEC_PACKAGES[name]}/openapi.json`) as Json;
}

function loadSpec(name: string, raw: Json): LoadedSpec {
  const version = String(raw.openapi ?? raw.swagger ?? '');
  const openapi30 = /^3\.0\./.test(version);
  if (!openapi30 && !/^3\.1\./.test(version))
    throw new Error(`${name}: OpenAPI ${version || '(none)'} is not supported`);
  if (
    !openapi30 &&
    raw.jsonSchemaDialect !== undefined &&
    raw.jsonSchemaDialect !== 'https://spec.openapis.org/oas/3.1/dialect/base'
  )
    throw new Error(`${name}: jsonSchemaDialect ${String(raw.jsonSchemaDialect)} is not supported`);
  const composed = composedComponents(raw);
  const document = normalizeDocument(raw, { openapi30, documentedOnly: false, composed });
  const documentedOnly = normalizeDocument(raw, { openapi30, documentedOnly: true, composed });
  for (const gap of SPEC_GAPS.filter((candidate) => candidate.spec === name)) {
    for (const target of [document, documentedOnly]) {
      const responses = atPointer(target, pointerOf('paths', gap.path, gap.method.toLowerCase(), 'responses'));
      if (!isObject(responses)) throw new Error(`${name}: SPEC_GAPS names ${gap.method} ${gap.path}, which it lacks`);
      const written = responses[String(gap.status)];
      const declared =
        isObject(written) && typeof written.$ref === 'string' ? atPointer(target, written.$ref.slice(1)) : written;
      if (isObject(declared) && isObject(declared.content)) continue; // documented now: spec-check.test.ts says so
      responses[String(gap.status)] = {
        description: `${isObject(declared) ? `${String(declared.description)} ` : ''}(SPEC_GAPS: ${gap.why})`,
        content: { 'application/json': { schema: { $ref: gap.schema } } },
      };
    }
  }
  const options: Options = {
    allErrors: true,
    // Strict about what it cannot check (an unknown keyword or format is an error), not a linter
    // of valid schemas: a loose but valid schema (prefixItems without `type`) is the spec's call.
    strict: true,
    strictTypes: false,
    strictTuples: false,
    keywords: [
      // Schema object keywords of OpenAPI that JSON Schema lacks: annotations, nothing to check.
      'example',
      'xml',
      'externalDocs',
      'discriminator',
      // The document's own fields: Ajv compiles the root it resolves the pointers in.
      ...OPENAPI_FIELDS,
    ],
  };
  const ajv = openapi30 ? new Ajv(options) : new Ajv2020(options);
  addFormats(ajv);
  ajv.addSchema(document, docId(name, false));
  ajv.addSchema(documentedOnly, docId(name, true));
  const paths = isObject(document.paths) ? Object.keys(document.paths) : [];
  const templates = paths
    .map((path) => ({
      path,
      params: (path.match(/\{[^}]+\}/g) ?? []).length,
      pattern: new RegExp(
        `^${path
          .split(/(\{[^}]+\})/)
          .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('')}$`,
      ),
    }))
    // A concrete path wins over a templated one that also matches (OpenAPI 3.1 §4.8.8).
    .sort((a, b) => a.params - b.params);
  return { name, version, document, ajv, templates, compiled: new Map() };
}

// ---------------------------------------------------------------------------------------------
// Checking.

function describeErrors(errors: readonly ErrorObject[] | null | undefined, where: string): string {
  return (errors ?? [])
    .map((error) => {
      const at = `${where}${error.instancePath}`;
      const extra =
        error.keyword === 'additionalProperties'
          ? ` (${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)}, not in the spec)`
          : error.keyword === 'enum'
            ? ` (${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)})`
            : '';
      return `${at} ${error.message ?? error.keyword}${extra}`;
    })
    .join('; ');
}

/** A header's text as the type its schema expects (headers are text; the schema may say integer). */
function headerValue(text: string, schema: unknown): unknown {
  const type = isObject(schema) ? schema.type : undefined;
  const types = Array.isArray(type) ? type : [type];
  if ((types.includes('integer') || types.includes('number')) && text.trim() !== '' && Number.isFinite(Number(text)))
    return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

export class SpecCheck {
  readonly #specs: readonly LoadedSpec[];

  /** The documents by name; default: the client packages' bundled specs. */
  constructor(documents: Readonly<Record<string, Json>> = bundledSpecs()) {
    this.#specs = Object.entries(documents).map(([name, document]) => loadSpec(name, document));
  }

  /** Every operation of every spec, as `METHOD /path/{template}` (`spec` tells whose). */
  operations(): { spec: string; method: string; path: string }[] {
    return this.#specs.flatMap((spec) =>
      spec.templates.flatMap(({ path }) => {
        const item = dereference(spec, atPointer(spec.document, pointerOf('paths', path)), pointerOf('paths', path));
        return Object.keys(isObject(item.node) ? item.node : {})
          .filter((method) => METHODS.has(method))
          .map((method) => ({ spec: spec.name, method: method.toUpperCase(), path }));
      }),
    );
  }

  /** Compiles every response body and header schema of every spec (the checks compile lazily). */
  compileAll(): number {
    let count = 0;
    for (const { spec, method, path } of this.operations()) {
      const operation = this.#operation(method, path, spec);
      if (!operation) continue;
      for (const key of Object.keys(operation.responses)) {
        const response = this.#responseAt(operation, key);
        if (!response) continue;
        for (const mediaType of Object.keys(isObject(response.node.content) ? response.node.content : {})) {
          for (const documentedOnly of [false, true])
            this.#validator(
              operation.spec,
              `${response.pointer}${pointerOf('content', mediaType, 'schema')}`,
              documentedOnly,
            );
          count++;
        }
        for (const header of this.#headers(operation, response)) {
          if (header.node.schema === undefined) continue;
          this.#validator(operation.spec, `${header.pointer}/schema`, false);
          count++;
        }
      }
    }
    return count;
  }

  #operation(method: string, pathname: string, only?: string): Operation | undefined {
    const lower = method.toLowerCase();
    for (const spec of this.#specs) {
      if (only && spec.name !== only) continue;
      for (const { path, pattern } of spec.templates) {
        if (!pattern.test(pathname)) continue;
        const item = dereference(spec, atPointer(spec.document, pointerOf('paths', path)), pointerOf('paths', path));
        const operation = isObject(item.node) ? item.node[lower] : undefined;
        if (!isObject(operation)) continue;
        return {
          spec,
          path,
          method: method.toUpperCase(),
          pointer: `${item.pointer}${pointerOf(lower)}`,
          responses: isObject(operation.responses) ? operation.responses : {},
        };
      }
    }
    return undefined;
  }

  #validator(spec: LoadedSpec, pointer: string, documentedOnly: boolean): ValidateFunction {
    const key = `${documentedOnly ? 'documented-only' : 'as-written'} ${pointer}`;
    let validate = spec.compiled.get(key);
    if (!validate) {
      const fragment = pointer
        .split('/')
        .map((token) => encodeURIComponent(token))
        .join('/');
      validate = spec.ajv.compile({ $ref: `${docId(spec.name, documentedOnly)}#${fragment}` });
      spec.compiled.set(key, validate);
    }
    return validate;
  }

  #response(operation: Operation, status: number): ResponseAt | undefined {
    const code = String(status);
    const key = [code, `${code[0]}XX`, `${code[0]}xx`, 'default'].find((candidate) => candidate in operation.responses);
    return key === undefined ? undefined : this.#responseAt(operation, key);
  }

  #responseAt(operation: Operation, key: string): ResponseAt | undefined {
    const at = `${operation.pointer}${pointerOf('responses', key)}`;
    const { node, pointer } = dereference(operation.spec, operation.responses[key], at);
    return isObject(node) ? { key, node, pointer } : undefined;
  }

  /** The headers a response declares (Reference Objects followed), with where each is. */
  #headers(operation: Operation, response: ResponseAt): { name: string; node: Json; pointer: string }[] {
    const declared = isObject(response.node.headers) ? response.node.headers : {};
    return Object.entries(declared).flatMap(([name, header]) => {
      const at = `${response.pointer}${pointerOf('headers', name)}`;
      const { node, pointer } = dereference(operation.spec, header, at);
      return isObject(node) ? [{ name, node, pointer }] : [];
    });
  }

  /** The operation a request is, if some spec has it: whose, and its path template. */
  operation(method: string, pathname: string): { spec: string; method: string; path: string } | undefined {
    const operation = this.#operation(method, pathname);
    return operation && { spec: operation.spec.name, method: operation.method, path: operation.path };
  }

  /** The response the spec declares for this status of this request, if it declares one. */
  declared(method: string, pathname: string, status: number): DeclaredResponse | undefined {
    const operation = this.#operation(method, pathname);
    const response = operation && this.#response(operation, status);
    if (!operation || !response) return undefined;
    const content = response.node.content;
    return {
      spec: operation.spec.name,
      path: operation.path,
      method: operation.method,
      key: response.key,
      hasContent: isObject(content) && Object.keys(content).length > 0,
    };
  }

  /** What in this answer the spec does not allow; empty when it conforms. */
  check(method: string, pathname: string, answer: SpecAnswer, options: CheckOptions = {}): string[] {
    const { documentedOnly = true, withheld = [] } = options;
    const operation = this.#operation(method, pathname);
    const problems: string[] = [];
    const say = (text: string) => problems.push(`${method} ${pathname} → ${answer.status}: ${text}`);
    if (!operation) {
      say('no spec has this operation');
      return problems;
    }
    const where = `${operation.spec.name} ${operation.method} ${operation.path}`;
    const response = this.#response(operation, answer.status);
    if (!response) {
      say(`${where} declares no ${answer.status} (only ${Object.keys(operation.responses).join(', ')})`);
      return problems;
    }
    const headers = new Map(Object.entries(answer.headers).map(([name, value]) => [name.toLowerCase(), value]));

    // Headers (RFC 9110 §5.1: names are case-insensitive; OpenAPI ignores a declared Content-Type).
    for (const header of this.#headers(operation, response)) {
      const { name } = header;
      const lower = name.toLowerCase();
      if (lower === 'content-type') continue;
      const value = headers.get(lower);
      if (value === undefined) {
        if (header.node.required === true && !withheld.some((left) => left.toLowerCase() === lower))
          say(`${where} ${response.key} requires the header ${name}, which is missing`);
        continue;
      }
      if (header.node.schema === undefined) continue;
      const validate = this.#validator(operation.spec, `${header.pointer}/schema`, false);
      if (!validate(headerValue(value, header.node.schema)))
        say(`header ${name}: ${describeErrors(validate.errors, JSON.stringify(value))}`);
    }

    // The body.
    const content = isObject(response.node.content) ? response.node.content : {};
    const mediaTypes = Object.keys(content);
    if (answer.body === undefined) {
      if (mediaTypes.length > 0) say(`no body, but ${where} ${response.key} declares ${mediaTypes.join(', ')}`);
      return problems;
    }
    if (mediaTypes.length === 0) {
      say(`a body, but ${where} ${response.key} declares none`);
      return problems;
    }
    const sent = (headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const mediaType =
      mediaTypes.find((candidate) => candidate.toLowerCase() === sent) ??
      mediaTypes.find((candidate) => candidate.toLowerCase() === `${sent.split('/')[0]}/*`) ??
      mediaTypes.find((candidate) => candidate === '*/*');
    if (mediaType === undefined) {
      say(`content-type ${sent || '(none)'}, but ${where} ${response.key} declares ${mediaTypes.join(', ')}`);
      return problems;
    }
    if (!isObject(content[mediaType]) || content[mediaType].schema === undefined) return problems;
    const pointer = `${response.pointer}${pointerOf('content', mediaType, 'schema')}`;
    const validate = this.#validator(operation.spec, pointer, documentedOnly);
    if (!validate(answer.body)) say(`${describeErrors(validate.errors, 'body')} (${operation.spec.name} #${pointer})`);
    return problems;
  }
}

const bundledSpecs = () =>
  Object.fromEntries((Object.keys(SPEC_PACKAGES) as SpecName[]).map((name) => [name, bundledSpec(name)]));

let shared: SpecCheck | undefined;

/** The providers' specs, loaded once (per test file: Vitest isolates modules per file). */
export function providerSpecs(): SpecCheck {
  shared ??= new SpecCheck();
  return shared;
}
