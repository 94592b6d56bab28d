// The derivation the contract tests rest on: every documented response becomes a case, named
// examples and range keys included, and what cannot be checked fails loudly instead of going
// untested.
import { describe, expect, it } from 'vitest';
import { describeCase, pathPattern, specFrom } from './spec.js';

const message = (text: string) => ({ value: { message: text } });
const document = (responses: Record<string, unknown>) => ({
  security: [{ key: [] }],
  components: {
    headers: { Revision: { required: true, schema: { type: 'string', example: '7' } } },
    examples: { Gone: message('gone') },
  },
  paths: {
    '/users/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
      delete: {
        operationId: 'deleteUser',
        security: [],
        parameters: [{ name: 'v', in: 'query', required: true, schema: { type: 'string', enum: ['4.0'] } }],
        responses,
      },
    },
  },
});

describe('specFrom', () => {
  it('makes one case per status, named example and range sample, with documented bodies and headers', () => {
    const spec = specFrom('demo', {
      ...document({
        '204': { description: 'gone', headers: { 'x-revision': { $ref: '#/components/headers/Revision' } } },
        '403': {
          description: 'no',
          content: { 'application/json': { examples: { tokens: message('tokens'), accounts: message('accounts') } } },
        },
        '404': { description: 'missing', content: { 'application/json': { example: { message: 'missing' } } } },
        '4XX': {
          description: 'other',
          content: { 'application/json': { examples: { gone: { $ref: '#/components/examples/Gone' } } } },
        },
      }),
    });
    expect(spec.operations).toEqual([
      { operationId: 'deleteUser', method: 'DELETE', path: '/users/{id}', security: [], constantQuery: { v: '4.0' } },
    ]);
    expect(spec.responses.map((response) => [describeCase(response), response.body, response.headers])).toEqual([
      ['deleteUser 204', undefined, [{ name: 'x-revision', required: true, example: '7' }]],
      ['deleteUser 403 example=tokens', { message: 'tokens' }, []],
      ['deleteUser 403 example=accounts', { message: 'accounts' }, []],
      ['deleteUser 404', { message: 'missing' }, []],
      // 404 is documented on its own, so the range is sampled with 409 only.
      ['deleteUser 4XX as 409 example=gone', { message: 'gone' }, []],
    ]);
  });

  it('fails on what it cannot check: a range without samples, a body without an example, a non-JSON body', () => {
    expect(() => specFrom('demo', document({ '5XX': { description: 'x' } }))).toThrow(/RANGE_SAMPLES/);
    expect(() => specFrom('demo', document({ default: { description: 'x' } }))).toThrow(/RANGE_SAMPLES/);
    expect(() =>
      specFrom(
        'demo',
        document({ '200': { description: 'x', content: { 'application/json': { schema: { type: 'object' } } } } }),
      ),
    ).toThrow(/no example/);
    expect(() =>
      specFrom('demo', document({ '200': { description: 'x', content: { 'text/plain': { example: 'x' } } } })),
    ).toThrow(/application\/json/);
  });
});

describe('pathPattern', () => {
  it('matches a request to its operation, one segment per parameter', () => {
    const pattern = pathPattern('delete', '/accounts/{account_id}/access/users/{user_id}');
    expect(pattern.test('DELETE /accounts/abc/access/users/3f7a')).toBe(true);
    expect(pattern.test('GET /accounts/abc/access/users/3f7a')).toBe(false);
    expect(pattern.test('DELETE /accounts/abc/access/users/3f7a/x')).toBe(false);
  });
});
