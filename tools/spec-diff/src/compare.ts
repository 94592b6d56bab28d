// Compares two bundled specs (what the clients are generated from) and lists every change with
// the rule of ./rules.ts that describes it. It walks operations, not files: a component is
// compared where an operation uses it, so a change is reported with the operation it affects.
import { isDeepStrictEqual } from 'node:util';
import { followRef } from '@offboard/codegen/describe';
import type { Change, RuleId } from './rules.js';

type Json = unknown;
type Node = Record<string, Json>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const isNode = (value: Json): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const asNode = (value: Json): Node => (isNode(value) ? value : {});
const asArray = (value: Json): Json[] => (Array.isArray(value) ? value : []);

const show = (value: Json): string => (value === undefined ? 'none' : JSON.stringify(value));

/** Keys whose change only ever affects documentation: rule per key. */
const ANNOTATIONS: Readonly<Record<string, RuleId>> = {
  description: 'description-changed',
  summary: 'description-changed',
  title: 'description-changed',
  example: 'example-changed',
  examples: 'example-changed',
  externalDocs: 'metadata-changed',
  deprecated: 'metadata-changed',
  default: 'metadata-changed',
  readOnly: 'metadata-changed',
  writeOnly: 'metadata-changed',
  $comment: 'metadata-changed',
  tags: 'metadata-changed',
};

const annotationRule = (key: string): RuleId | undefined =>
  ANNOTATIONS[key] ?? (key.startsWith('x-') ? 'metadata-changed' : undefined);

/** Lower bounds (raising one narrows) and upper bounds (lowering one narrows). */
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties', 'multipleOf'];
/** Keywords whose presence restricts values; any change to them narrows (and removing them widens). */
const RESTRICTIONS = ['format', 'pattern', 'const'];

const SCHEMA_HANDLED = new Set([
  '$ref',
  'type',
  'nullable',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'oneOf',
  'anyOf',
  'allOf',
  'uniqueItems',
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  ...RESTRICTIONS,
]);

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly item: Node;
  readonly node: Node;
}

const label = (operation: Operation) => `${operation.method.toUpperCase()} ${operation.path}`;
const templateOf = (path: string) => path.replace(/\{[^}]*\}/g, '{}');

class Comparer {
  readonly changes: Change[] = [];
  readonly #seen = new Set<string>();

  constructor(
    readonly before: Node,
    readonly after: Node,
  ) {}

  add(rule: RuleId, where: string, detail: string): void {
    this.changes.push({ rule, where, detail });
  }

  /** Follows local `$ref`s (codegen's resolver); returns the node and the last ref followed. */
  resolve(document: Node, value: Json): { node: Node; ref?: string } {
    const { node, ref } = followRef(document, value);
    return ref === undefined ? { node: asNode(node) } : { node: asNode(node), ref };
  }

  resolveBoth(a: Json, b: Json): [Node, Node, string | undefined] {
    const left = this.resolve(this.before, a);
    const right = this.resolve(this.after, b);
    const pair = left.ref || right.ref ? `${left.ref ?? ''}|${right.ref ?? ''}` : undefined;
    return [left.node, right.node, pair];
  }

  /** Annotation keys of two nodes (description, example, x-...): each change reported with its rule. */
  annotations(where: string, a: Node, b: Node, skip: ReadonlySet<string> = new Set()): void {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const rule = annotationRule(key);
      if (rule && !skip.has(key) && !isDeepStrictEqual(a[key], b[key])) this.add(rule, where, `${key} changed`);
    }
  }

  /** Whatever neither a rule nor `annotations` looked at: any difference is unclassified. */
  rest(where: string, a: Node, b: Node, handled: ReadonlySet<string>): void {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (handled.has(key) || annotationRule(key) !== undefined || isDeepStrictEqual(a[key], b[key])) continue;
      this.add('unclassified-change', where, `${key}: ${show(a[key])} → ${show(b[key])}`);
    }
  }

  compare(): Change[] {
    this.document();
    this.securitySchemes();
    this.operations();
    if (this.changes.length === 0 && !isDeepStrictEqual(this.before, this.after)) {
      this.add('unclassified-change', 'document', 'the documents differ where no rule looks');
    }
    return this.changes;
  }

  document(): void {
    const a = this.before;
    const b = this.after;
    const infoA = asNode(a.info);
    const infoB = asNode(b.info);
    this.annotations('info', infoA, infoB);
    for (const key of new Set([...Object.keys(infoA), ...Object.keys(infoB)])) {
      if (annotationRule(key) === undefined && !isDeepStrictEqual(infoA[key], infoB[key]))
        this.add('metadata-changed', 'info', `${key} changed`);
    }
    const serversA = asArray(a.servers).map(asNode);
    const serversB = asArray(b.servers).map(asNode);
    if (serversA[0]?.url !== serversB[0]?.url) {
      this.add('server-changed', 'servers', `default server ${show(serversA[0]?.url)} → ${show(serversB[0]?.url)}`);
    } else if (!isDeepStrictEqual(serversA, serversB)) {
      this.add('metadata-changed', 'servers', 'servers changed (the default one is the same)');
    }
    for (const key of ['tags', 'externalDocs']) {
      if (!isDeepStrictEqual(a[key], b[key])) this.add('metadata-changed', key, `${key} changed`);
    }
    // `security` is compared per operation; `paths` and `components` where operations use them.
    const handled = new Set(['info', 'servers', 'tags', 'externalDocs', 'security', 'paths', 'components']);
    this.annotations('document', a, b, handled);
    this.rest('document', a, b, handled);
  }

  securitySchemes(): void {
    const a = asNode(asNode(this.before.components).securitySchemes);
    const b = asNode(asNode(this.after.components).securitySchemes);
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const where = `security scheme ${name}`;
      if (!(name in a) || !(name in b)) continue; // reported where an operation's requirement changes
      const [schemeA, schemeB] = this.resolveBoth(a[name], b[name]);
      this.annotations(where, schemeA, schemeB);
      const definitionA = withoutAnnotations(schemeA);
      const definitionB = withoutAnnotations(schemeB);
      if (!isDeepStrictEqual(definitionA, definitionB))
        this.add('auth-scheme-changed', where, `${show(definitionA)} → ${show(definitionB)}`);
    }
  }

  operations(): void {
    const before = listOperations(this.before);
    const after = listOperations(this.after);
    const unmatched = new Map(after.map((operation) => [label(operation), operation]));
    const pairs: [Operation, Operation][] = [];
    const gone: Operation[] = [];
    for (const operation of before) {
      const same = unmatched.get(label(operation));
      if (same) {
        unmatched.delete(label(operation));
        pairs.push([operation, same]);
      } else gone.push(operation);
    }
    for (const operation of gone) {
      const id = operation.node.operationId;
      const moved = [...unmatched.values()].find(
        (candidate) =>
          (id !== undefined && candidate.node.operationId === id) ||
          (candidate.method === operation.method && templateOf(candidate.path) === templateOf(operation.path)),
      );
      if (moved) {
        unmatched.delete(label(moved));
        this.add('path-renamed', label(operation), `now ${label(moved)}`);
        pairs.push([operation, moved]);
      } else {
        this.add('operation-removed', label(operation), `operation ${show(id)} removed`);
      }
    }
    for (const operation of unmatched.values())
      this.add('operation-added', label(operation), `operation ${show(operation.node.operationId)} added`);
    for (const [a, b] of pairs) this.operation(a, b);
  }

  operation(a: Operation, b: Operation): void {
    const where = label(a);
    if (a.node.operationId !== b.node.operationId) {
      this.add('operation-id-changed', where, `operationId ${show(a.node.operationId)} → ${show(b.node.operationId)}`);
    }
    this.annotations(where, a.node, b.node);
    this.annotations(`${where} (path item)`, a.item, b.item, new Set(['tags', 'deprecated']));
    this.parameters(where, a, b);
    this.requestBody(where, a.node.requestBody, b.node.requestBody);
    this.responses(where, asNode(a.node.responses), asNode(b.node.responses));
    const securityA = a.node.security ?? this.before.security ?? [];
    const securityB = b.node.security ?? this.after.security ?? [];
    if (!isDeepStrictEqual(securityA, securityB))
      this.add('auth-scheme-changed', where, `security ${show(securityA)} → ${show(securityB)}`);
    this.rest(where, a.node, b.node, new Set(['operationId', 'parameters', 'requestBody', 'responses', 'security']));
  }

  parameterMap(document: Node, operation: Operation): Map<string, Node> {
    const map = new Map<string, Node>();
    for (const raw of [...asArray(operation.item.parameters), ...asArray(operation.node.parameters)]) {
      const parameter = this.resolve(document, raw).node;
      map.set(`${String(parameter.in)} ${String(parameter.name)}`, parameter);
    }
    return map;
  }

  parameters(where: string, a: Operation, b: Operation): void {
    const before = this.parameterMap(this.before, a);
    const after = this.parameterMap(this.after, b);
    for (const key of before.keys()) {
      if (!after.has(key)) this.add('parameter-removed', where, `parameter ${key} removed`);
    }
    for (const [key, parameter] of after) {
      const old = before.get(key);
      const at = `${where} › parameter ${key}`;
      if (!old) {
        this.add(
          parameter.required === true ? 'parameter-added-required' : 'parameter-added-optional',
          where,
          `parameter ${key} added`,
        );
        continue;
      }
      this.required(at, old, parameter);
      this.annotations(at, old, parameter);
      this.schema(`${at} › schema`, old.schema, parameter.schema);
      this.rest(at, old, parameter, new Set(['name', 'in', 'required', 'schema']));
    }
  }

  required(where: string, a: Node, b: Node): void {
    if (a.required === true && b.required !== true) this.add('parameter-added-optional', where, 'made optional');
    if (a.required !== true && b.required === true) this.add('parameter-added-required', where, 'made required');
  }

  requestBody(where: string, rawA: Json, rawB: Json): void {
    if (rawA === undefined && rawB === undefined) return;
    const [a, b] = this.resolveBoth(rawA, rawB);
    if (rawB === undefined) {
      this.add('parameter-removed', where, 'request body removed');
      return;
    }
    if (rawA === undefined) {
      this.add(
        b.required === true ? 'parameter-added-required' : 'parameter-added-optional',
        where,
        'request body added',
      );
      return;
    }
    const at = `${where} › request body`;
    this.required(at, a, b);
    this.annotations(at, a, b);
    const contentA = asNode(a.content);
    const contentB = asNode(b.content);
    for (const type of Object.keys(contentA))
      if (!(type in contentB)) this.add('parameter-removed', at, `media type ${type} removed`);
    for (const type of Object.keys(contentB))
      if (!(type in contentA)) this.add('parameter-added-optional', at, `media type ${type} added`);
    this.media(at, contentA, contentB);
    this.rest(at, a, b, new Set(['required', 'content']));
  }

  /** The media types both sides have. */
  media(where: string, contentA: Node, contentB: Node): void {
    for (const type of Object.keys(contentA).filter((key) => key in contentB)) {
      const at = `${where} › ${type}`;
      const a = asNode(contentA[type]);
      const b = asNode(contentB[type]);
      this.annotations(at, a, b);
      this.schema(at, a.schema, b.schema);
      this.rest(at, a, b, new Set(['schema']));
    }
  }

  responses(where: string, a: Node, b: Node): void {
    for (const status of Object.keys(a))
      if (!(status in b)) this.add('response-removed', where, `response ${status} removed`);
    for (const status of Object.keys(b))
      if (!(status in a)) this.add('response-added', where, `response ${status} added`);
    for (const status of Object.keys(a).filter((key) => key in b)) {
      const at = `${where} › response ${status}`;
      const [responseA, responseB] = this.resolveBoth(a[status], b[status]);
      this.annotations(at, responseA, responseB);
      const contentA = asNode(responseA.content);
      const contentB = asNode(responseB.content);
      for (const type of Object.keys(contentA))
        if (!(type in contentB)) this.add('response-removed', at, `media type ${type} removed`);
      for (const type of Object.keys(contentB))
        if (!(type in contentA)) this.add('response-added', at, `media type ${type} added`);
      this.media(at, contentA, contentB);
      const headersA = asNode(responseA.headers);
      const headersB = asNode(responseB.headers);
      for (const name of Object.keys(headersA))
        if (!(name in headersB)) this.add('response-removed', at, `header ${name} removed`);
      for (const name of Object.keys(headersB))
        if (!(name in headersA)) this.add('response-added', at, `header ${name} added`);
      for (const name of Object.keys(headersA).filter((key) => key in headersB)) {
        const [headerA, headerB] = this.resolveBoth(headersA[name], headersB[name]);
        this.annotations(`${at} › header ${name}`, headerA, headerB);
        this.schema(`${at} › header ${name}`, headerA.schema, headerB.schema);
        this.rest(`${at} › header ${name}`, headerA, headerB, new Set(['schema']));
      }
      this.rest(at, responseA, responseB, new Set(['content', 'headers', 'links']));
    }
  }

  schema(where: string, rawA: Json, rawB: Json): void {
    if (rawA === undefined && rawB === undefined) return;
    if (rawA === undefined || rawB === undefined) {
      this.add(
        rawA === undefined ? 'type-narrowed' : 'type-widened',
        where,
        rawA === undefined ? 'schema added' : 'schema removed',
      );
      return;
    }
    const [a, b, pair] = this.resolveBoth(rawA, rawB);
    // A referenced schema pair is compared once: where it is first used (this also ends cycles).
    if (pair !== undefined) {
      if (this.#seen.has(pair)) return;
      this.#seen.add(pair);
    }
    this.annotations(where, a, b);
    this.types(where, a, b);
    this.enums(where, a.enum, b.enum);
    this.bounds(where, a, b);
    this.objects(where, a, b);
    if (a.items !== undefined || b.items !== undefined) this.schema(`${where}[]`, a.items, b.items);
    this.branches(where, 'oneOf', a, b);
    this.branches(where, 'anyOf', a, b);
    this.branches(where, 'allOf', a, b);
    this.rest(where, a, b, SCHEMA_HANDLED);
  }

  types(where: string, a: Node, b: Node): void {
    const typesA = typeSet(a);
    const typesB = typeSet(b);
    if (typesA === undefined && typesB === undefined) return;
    if (typesA === undefined || typesB === undefined) {
      this.add(
        typesA === undefined ? 'type-narrowed' : 'type-widened',
        where,
        `type ${describeTypes(typesA)} → ${describeTypes(typesB)}`,
      );
      return;
    }
    const covers = (set: Set<string>, type: string) => set.has(type) || (type === 'integer' && set.has('number'));
    const lost = [...typesA].filter((type) => !covers(typesB, type));
    const gained = [...typesB].filter((type) => !covers(typesA, type));
    if (lost.length > 0) this.add('type-narrowed', where, `type ${describeTypes(typesA)} → ${describeTypes(typesB)}`);
    else if (gained.length > 0)
      this.add('type-widened', where, `type ${describeTypes(typesA)} → ${describeTypes(typesB)}`);
  }

  enums(where: string, a: Json, b: Json): void {
    if (a === undefined && b === undefined) return;
    if (a === undefined || b === undefined) {
      this.add(
        a === undefined ? 'type-narrowed' : 'type-widened',
        where,
        a === undefined ? `enum ${show(b)} added` : 'enum removed',
      );
      return;
    }
    const valuesA = asArray(a);
    const valuesB = asArray(b);
    for (const value of valuesA)
      if (!valuesB.some((other) => isDeepStrictEqual(other, value)))
        this.add('enum-value-removed', where, `enum value ${show(value)} removed`);
    for (const value of valuesB)
      if (!valuesA.some((other) => isDeepStrictEqual(other, value)))
        this.add('enum-value-added', where, `enum value ${show(value)} added`);
  }

  bounds(where: string, a: Node, b: Node): void {
    const change = (key: string, narrowed: boolean) =>
      this.add(narrowed ? 'type-narrowed' : 'type-widened', where, `${key} ${show(a[key])} → ${show(b[key])}`);
    for (const key of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
      const before = a[key];
      const after = b[key];
      if (isDeepStrictEqual(before, after)) continue;
      if (before === undefined || after === undefined || typeof before !== 'number' || typeof after !== 'number') {
        // Added (or OpenAPI 3.0's boolean exclusive bounds switched on) narrows; removed widens.
        change(key, before === undefined || before === false || after === true);
      } else if (key === 'multipleOf') {
        change(key, before % after !== 0); // multiples of 4 are fewer than multiples of 2
      } else {
        change(key, LOWER_BOUNDS.includes(key) ? after > before : after < before);
      }
    }
    for (const key of RESTRICTIONS) {
      if (!isDeepStrictEqual(a[key], b[key])) change(key, b[key] !== undefined);
    }
    if (a.uniqueItems !== b.uniqueItems) change('uniqueItems', b.uniqueItems === true);
  }

  objects(where: string, a: Node, b: Node): void {
    const requiredA = asArray(a.required);
    const requiredB = asArray(b.required);
    for (const name of requiredB)
      if (!requiredA.includes(name)) this.add('type-narrowed', where, `property ${show(name)} now required`);
    for (const name of requiredA)
      if (!requiredB.includes(name)) this.add('type-widened', where, `property ${show(name)} now optional`);
    const propertiesA = asNode(a.properties);
    const propertiesB = asNode(b.properties);
    for (const name of Object.keys(propertiesA))
      if (!(name in propertiesB)) this.add('property-removed', where, `property ${show(name)} removed`);
    for (const name of Object.keys(propertiesB))
      if (!(name in propertiesA)) this.add('property-added', where, `property ${show(name)} added`);
    for (const name of Object.keys(propertiesA).filter((key) => key in propertiesB)) {
      this.schema(`${where}.${name}`, propertiesA[name], propertiesB[name]);
    }
    const extraA = a.additionalProperties;
    const extraB = b.additionalProperties;
    if (isDeepStrictEqual(extraA, extraB)) return;
    // Open (absent or true) > a schema > closed (false).
    const openness = (value: Json) => (value === false ? 0 : value === undefined || value === true ? 2 : 1);
    if (openness(extraA) === 1 && openness(extraB) === 1) this.schema(`${where}{}`, extraA, extraB);
    else
      this.add(
        openness(extraB) < openness(extraA) ? 'type-narrowed' : 'type-widened',
        where,
        `additionalProperties ${show(extraA)} → ${show(extraB)}`,
      );
  }

  branches(where: string, key: 'oneOf' | 'anyOf' | 'allOf', a: Node, b: Node): void {
    const branchesA = a[key];
    const branchesB = b[key];
    if (branchesA === undefined && branchesB === undefined) return;
    if (!Array.isArray(branchesA) || !Array.isArray(branchesB)) {
      this.add('unclassified-change', where, `${key} ${branchesA === undefined ? 'added' : 'removed'}`);
      return;
    }
    const shared = Math.min(branchesA.length, branchesB.length);
    for (let index = 0; index < shared; index++)
      this.schema(`${where} ${key}[${index}]`, branchesA[index], branchesB[index]);
    if (branchesA.length === branchesB.length) return;
    // More oneOf/anyOf branches accept more; more allOf branches accept less.
    const more = branchesB.length > branchesA.length;
    this.add(
      more === (key === 'allOf') ? 'type-narrowed' : 'type-widened',
      where,
      `${key} has ${branchesB.length} branches (was ${branchesA.length})`,
    );
  }
}

function withoutAnnotations(node: Node): Node {
  return Object.fromEntries(Object.entries(node).filter(([key]) => annotationRule(key) === undefined));
}

/** The JSON types a schema allows (`null` included for OpenAPI 3.0's `nullable`), or undefined for any. */
function typeSet(schema: Node): Set<string> | undefined {
  const type = schema.type;
  if (type === undefined) return undefined;
  const types = new Set((Array.isArray(type) ? type : [type]).map(String));
  if (schema.nullable === true) types.add('null');
  return types;
}

const describeTypes = (types: Set<string> | undefined) => (types ? [...types].join('|') : 'any');

function listOperations(document: Node): Operation[] {
  const operations: Operation[] = [];
  for (const [path, rawItem] of Object.entries(asNode(document.paths))) {
    const item = asNode(rawItem);
    for (const method of METHODS) {
      if (isNode(item[method])) operations.push({ method, path, item, node: item[method] });
    }
  }
  return operations;
}

/** Every change from `before` to `after`, both bundled documents (internal `$ref`s only). */
export function compareSpecs(before: Record<string, unknown>, after: Record<string, unknown>): Change[] {
  return new Comparer(before, after).compare();
}
