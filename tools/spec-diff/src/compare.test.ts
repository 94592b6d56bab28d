import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compareSpecs } from './compare.js';
import { highestClass, RULES, type RuleId, rulesTable } from './rules.js';

const toolDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(toolDir, 'fixtures');

type Doc = Record<string, unknown>;
const load = async (file: string): Promise<Doc> => parse(await readFile(path.join(fixtures, file), 'utf8')) as Doc;

describe('rules: one fixture pair per rule (fixtures/base.yaml → fixtures/<rule>.yaml)', () => {
  it('has a fixture for every rule and a rule for every fixture', async () => {
    const names = (await readdir(fixtures))
      .filter((name) => name !== 'base.yaml')
      .map((name) => name.replace(/\.yaml$/, ''));
    expect(names.sort()).toEqual(Object.keys(RULES).sort());
  });

  for (const [rule, { class: changeClass }] of Object.entries(RULES) as [RuleId, (typeof RULES)[RuleId]][]) {
    it(`${rule} → ${changeClass}`, async () => {
      const changes = compareSpecs(await load('base.yaml'), await load(`${rule}.yaml`));
      expect(changes.length).toBeGreaterThan(0);
      expect(new Set(changes.map((change) => change.rule))).toEqual(new Set([rule]));
      expect(highestClass(changes)).toBe(changeClass);
    });
  }

  it('finds nothing between a spec and itself, and the reverse of a change is found too', async () => {
    const base = await load('base.yaml');
    expect(compareSpecs(base, structuredClone(base))).toEqual([]);
    const reversed = compareSpecs(await load('operation-added.yaml'), base);
    expect(reversed.map((change) => change.rule)).toEqual(['operation-removed']);
  });

  it('is the table in README.md', async () => {
    const readme = await readFile(path.join(toolDir, 'README.md'), 'utf8');
    expect(readme).toContain(rulesTable());
  });
});

/** A one-operation spec whose 200 body is `schema`, with `components.schemas` beside it. */
function withBody(schema: unknown, schemas: Doc = {}): Doc {
  return {
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {
      '/x': {
        get: {
          operationId: 'getX',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } },
        },
      },
    },
    components: { schemas },
  };
}
const rulesOf = (before: Doc, after: Doc) =>
  compareSpecs(before, after).map((change) => `${change.rule}: ${change.detail}`);

describe('schema rules', () => {
  it("treats OpenAPI 3.0's nullable as the type null", () => {
    expect(rulesOf(withBody({ type: 'string', nullable: true }), withBody({ type: 'string' }))).toEqual([
      'type-narrowed: type string|null → string',
    ]);
    expect(rulesOf(withBody({ type: 'string' }), withBody({ type: ['string', 'null'] }))).toEqual([
      'type-widened: type string → string|null',
    ]);
  });

  it('knows integer is a kind of number', () => {
    expect(rulesOf(withBody({ type: 'integer' }), withBody({ type: 'number' }))).toEqual([
      'type-widened: type integer → number',
    ]);
    expect(rulesOf(withBody({ type: 'number' }), withBody({ type: 'integer' }))).toEqual([
      'type-narrowed: type number → integer',
    ]);
  });

  it('reads bounds by direction, and required changes', () => {
    const object = (extra: Doc) =>
      withBody({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, ...extra });
    expect(rulesOf(object({}), object({ required: ['n'] }))).toEqual(['type-narrowed: property "n" now required']);
    expect(rulesOf(object({ required: ['n'] }), object({}))).toEqual(['type-widened: property "n" now optional']);
    expect(rulesOf(withBody({ type: 'integer', minimum: 1 }), withBody({ type: 'integer', minimum: 0 }))).toEqual([
      'type-widened: minimum 1 → 0',
    ]);
    expect(rulesOf(withBody({ type: 'string' }), withBody({ type: 'string', format: 'uuid' }))).toEqual([
      'type-narrowed: format none → "uuid"',
    ]);
    expect(rulesOf(withBody({ type: 'integer', multipleOf: 2 }), withBody({ type: 'integer', multipleOf: 4 }))).toEqual(
      ['type-narrowed: multipleOf 2 → 4'],
    );
  });

  it('counts oneOf branches, and calls a schema turned into a oneOf unclassified', () => {
    const a = { type: 'string' };
    const b = { type: 'integer' };
    expect(rulesOf(withBody({ oneOf: [a] }), withBody({ oneOf: [a, b] }))).toEqual([
      'type-widened: oneOf has 2 branches (was 1)',
    ]);
    expect(rulesOf(withBody({ allOf: [a] }), withBody({ allOf: [a, b] }))).toEqual([
      'type-narrowed: allOf has 2 branches (was 1)',
    ]);
    expect(rulesOf(withBody(a), withBody({ oneOf: [a, b] })).map((line) => line.split(':')[0])).toContain(
      'unclassified-change',
    );
  });

  it('follows $refs, reports a shared schema once, and ends on recursive schemas', () => {
    const tree = (leaf: Doc) => ({
      Node: {
        type: 'object',
        properties: { leaf, children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
      },
    });
    const before = withBody({ $ref: '#/components/schemas/Node' }, tree({ type: 'string' }));
    const after = withBody({ $ref: '#/components/schemas/Node' }, tree({ type: 'boolean' }));
    expect(rulesOf(before, after)).toEqual(['type-narrowed: type string → boolean']);
  });
});

describe('operation rules', () => {
  const op = (extra: Doc, path = '/users/{id}') => ({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: { [path]: { delete: { responses: { '204': { description: 'gone' } }, ...extra } } },
  });

  it('matches a moved operation by its path template when it has no operationId', () => {
    expect(rulesOf(op({}), op({}, '/users/{userId}'))).toEqual(['path-renamed: now DELETE /users/{userId}']);
  });

  it('treats a request body like a parameter', () => {
    const body = (required: boolean) => ({
      requestBody: { required, content: { 'application/json': { schema: { type: 'object' } } } },
    });
    expect(rulesOf(op({}), op(body(true)))).toEqual(['parameter-added-required: request body added']);
    expect(rulesOf(op({}), op(body(false)))).toEqual(['parameter-added-optional: request body added']);
    expect(rulesOf(op(body(false)), op(body(true)))).toEqual(['parameter-added-required: made required']);
    expect(rulesOf(op(body(true)), op({}))).toEqual(['parameter-removed: request body removed']);
  });

  it('compares response headers as part of the response', () => {
    const headers = (names: string[]) => ({
      responses: {
        '204': {
          description: 'gone',
          headers: Object.fromEntries(names.map((name) => [name, { schema: { type: 'string' } }])),
        },
      },
    });
    expect(rulesOf(op(headers(['etag'])), op(headers([])))).toEqual(['response-removed: header etag removed']);
    expect(rulesOf(op(headers([])), op(headers(['etag'])))).toEqual(['response-added: header etag added']);
  });

  it('sees a security requirement change on the operation', () => {
    expect(rulesOf(op({ security: [{ a: [] }] }), op({ security: [{ b: [] }] }))).toEqual([
      'auth-scheme-changed: security [{"a":[]}] → [{"b":[]}]',
    ]);
  });
});
