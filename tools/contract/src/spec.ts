// What a package's bundled spec promises (packages/<name>/openapi.json: the file its client was
// generated from and its mock serves): the operations, and every (operation, status) pair with the
// example body and headers that answer it. The contract tests are derived from this, so a
// response added to a spec gets a test (or fails the coverage check) without anyone listing it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { followRef } from '@offboard/codegen/describe';
import { repoRoot } from '@offboard/test-utils';

type JsonObject = Readonly<Record<string, unknown>>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * A range key (`4XX`) cannot be asked of Prism as such: `Prefer: code=4XX` is refused with a 422.
 * Prism does answer a concrete status inside the range with the range's response, so each range
 * is tested with these statuses (those the operation does not document on its own). A range key
 * without samples here fails the suite instead of going untested.
 */
export const RANGE_SAMPLES: Readonly<Record<string, readonly number[]>> = { '4XX': [404, 409] };

export interface Operation {
  readonly operationId: string;
  /** Upper case, as sent. */
  readonly method: string;
  readonly path: string;
  /** The security requirement in force: alternatives of scheme names; none or `[]` means no credentials. */
  readonly security: readonly (readonly string[])[];
  /** Required query parameters with a single allowed value (`v=4.0`): sent on every call. */
  readonly constantQuery: Readonly<Record<string, string>>;
}

export interface DocumentedHeader {
  readonly name: string;
  readonly required: boolean;
  readonly example: unknown;
}

export interface ResponseCase {
  readonly provider: string;
  readonly operation: Operation;
  /** The status key as documented: "200", "403", "4XX". */
  readonly documented: string;
  /** The status asked of the mock: the documented one, or a sample of a range. */
  readonly status: number;
  /** The named example asked for (`Prefer: example=<name>`), when the response names its examples. */
  readonly example?: string;
  /** The documented body; undefined when the response has none. */
  readonly body: unknown;
  readonly headers: readonly DocumentedHeader[];
}

export interface Spec {
  readonly name: string;
  readonly document: JsonObject;
  readonly operations: readonly Operation[];
  readonly responses: readonly ResponseCase[];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

/** Follows local `$ref`s (codegen's resolver) until a node that is not a reference; a ref to nothing is an error. */
function resolver(document: JsonObject) {
  return function resolve(node: unknown): unknown {
    const found = followRef(document, node);
    if (found.ref !== undefined && found.node === undefined) throw new Error(`dangling $ref ${found.ref}`);
    return found.node;
  };
}

function readOperations(
  document: JsonObject,
  resolve: (node: unknown) => unknown,
): { operation: Operation; node: JsonObject }[] {
  const found: { operation: Operation; node: JsonObject }[] = [];
  for (const [pathName, item] of Object.entries((document.paths ?? {}) as JsonObject)) {
    for (const method of METHODS) {
      const node = field(item, method);
      if (!isObject(node)) continue;
      const parameters = [
        ...((field(item, 'parameters') as unknown[]) ?? []),
        ...((node.parameters as unknown[]) ?? []),
      ].map(resolve);
      const constantQuery: Record<string, string> = {};
      for (const parameter of parameters) {
        const schema = resolve(field(parameter, 'schema'));
        const values = field(schema, 'enum');
        if (
          field(parameter, 'in') === 'query' &&
          field(parameter, 'required') === true &&
          Array.isArray(values) &&
          values.length === 1
        ) {
          constantQuery[String(field(parameter, 'name'))] = String(values[0]);
        }
      }
      const security = (node.security ?? document.security ?? []) as JsonObject[];
      found.push({
        operation: {
          operationId: String(node.operationId),
          method: method.toUpperCase(),
          path: pathName,
          security: security.map((alternative) => Object.keys(alternative)),
          constantQuery,
        },
        node,
      });
    }
  }
  return found;
}

function concreteStatuses(documented: string, siblings: readonly string[]): number[] {
  if (/^[1-5]\d\d$/.test(documented)) return [Number(documented)];
  const samples = RANGE_SAMPLES[documented.toUpperCase()];
  if (!samples)
    throw new Error(
      `response "${documented}" has no sample statuses: add it to RANGE_SAMPLES in tools/contract/src/spec.ts`,
    );
  const own = samples.filter((status) => !siblings.includes(String(status)));
  if (own.length === 0)
    throw new Error(`every sample of "${documented}" is documented on its own: add another to RANGE_SAMPLES`);
  return own;
}

function readResponses(
  provider: string,
  operation: Operation,
  node: JsonObject,
  resolve: (node: unknown) => unknown,
): ResponseCase[] {
  const cases: ResponseCase[] = [];
  const responses = (node.responses ?? {}) as JsonObject;
  const statuses = Object.keys(responses);
  for (const documented of statuses) {
    const response = resolve(responses[documented]);
    const headers = Object.entries((field(response, 'headers') ?? {}) as JsonObject).map(([name, header]) => {
      const resolved = resolve(header);
      return {
        name,
        required: field(resolved, 'required') === true,
        example: field(resolved, 'example') ?? field(resolve(field(resolved, 'schema')), 'example'),
      };
    });
    const content = (field(response, 'content') ?? {}) as JsonObject;
    const mediaTypes = Object.keys(content);
    if (mediaTypes.some((type) => type !== 'application/json')) {
      throw new Error(
        `${operation.operationId} ${documented}: only application/json bodies are supported, not ${mediaTypes.join(', ')}`,
      );
    }
    const media = content['application/json'];
    // One case per named example; one for a single example; one for a response without a body.
    let bodies: { example?: string; body: unknown }[];
    if (media === undefined) {
      bodies = [{ body: undefined }];
    } else if (isObject(field(media, 'examples'))) {
      bodies = Object.entries(field(media, 'examples') as JsonObject).map(([name, example]) => ({
        example: name,
        body: field(resolve(example), 'value'),
      }));
    } else if (field(media, 'example') !== undefined) {
      bodies = [{ body: field(media, 'example') }];
    } else {
      throw new Error(
        `${operation.operationId} ${documented}: the body has no example, so its mock answer cannot be checked`,
      );
    }
    for (const status of concreteStatuses(documented, statuses)) {
      for (const { example, body } of bodies) {
        cases.push({
          provider,
          operation,
          documented,
          status,
          ...(example === undefined ? {} : { example }),
          body,
          headers,
        });
      }
    }
  }
  return cases;
}

/** What a spec document promises; `name` is the package it belongs to. */
export function specFrom(name: string, document: JsonObject): Spec {
  const resolve = resolver(document);
  const found = readOperations(document, resolve);
  return {
    name,
    document,
    operations: found.map(({ operation }) => operation),
    responses: found.flatMap(({ operation, node }) => readResponses(name, operation, node, resolve)),
  };
}

/** Reads packages/<name>/openapi.json. */
export function loadSpec(name: string): Spec {
  return specFrom(
    name,
    JSON.parse(readFileSync(path.join(repoRoot, 'packages', name, 'openapi.json'), 'utf8')) as JsonObject,
  );
}

/** "iamDeleteUser 403 example=active-tokens", "deleteAccessUser 4XX as 404". */
export function describeCase(response: ResponseCase): string {
  const as = response.documented === String(response.status) ? '' : ` as ${response.status}`;
  return `${response.operation.operationId} ${response.documented}${as}${response.example ? ` example=${response.example}` : ''}`;
}

/** Matches "METHOD /path" of a request to the operation (a path parameter is one segment). */
export function pathPattern(method: string, template: string): RegExp {
  const segments = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${method.toUpperCase()} ${segments}$`);
}
