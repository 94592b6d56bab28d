import { describe, expect, it } from 'vitest';
import { describeSpec } from './describe.js';

const document = {
  openapi: '3.0.3',
  info: { title: 'Sample', version: '1' },
  servers: [
    {
      url: 'https://{host}/api',
      variables: { host: { default: 'eu.example.com', enum: ['eu.example.com', 'us.example.com'] } },
    },
  ],
  security: [{ token: [] }, { email: [], key: [] }],
  components: {
    securitySchemes: {
      token: { type: 'http', scheme: 'bearer', description: 'dropped' },
      email: { type: 'apiKey', in: 'header', name: 'X-Email' },
      key: { $ref: '#/components/securitySchemes/keyScheme' },
      keyScheme: { type: 'apiKey', in: 'header', name: 'X-Key' },
    },
    parameters: {
      account: {
        name: 'account',
        in: 'path',
        required: true,
        schema: { type: 'string', maxLength: 32, pattern: '^[a-f0-9]+$' },
      },
    },
    schemas: { Id: { type: 'integer', minimum: 0, exclusiveMinimum: true } },
  },
  paths: {
    '/accounts/{account}/users/{id}': {
      parameters: [{ $ref: '#/components/parameters/account' }],
      delete: {
        operationId: 'deleteUser',
        deprecated: true,
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { $ref: '#/components/schemas/Id' } },
          { name: 'v', in: 'query', required: true, schema: { type: 'string', enum: ['4.0'] } },
          { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean', enum: [true] } },
        ],
        responses: { '200': { description: 'ok' } },
      },
      get: {
        operationId: 'getUser',
        servers: [{ url: 'https://lookup.example.com' }],
        security: [],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

describe('describeSpec', () => {
  const spec = describeSpec(document);

  it('reads servers, security alternatives and the schemes without their prose', () => {
    expect(spec.servers).toEqual([
      {
        url: 'https://{host}/api',
        variables: { host: { default: 'eu.example.com', enum: ['eu.example.com', 'us.example.com'] } },
      },
    ]);
    expect(spec.security).toEqual([['token'], ['email', 'key']]);
    expect(spec.securitySchemes.token).toEqual({ type: 'http', scheme: 'bearer' });
    expect(spec.securitySchemes.key).toEqual({ type: 'apiKey', in: 'header', name: 'X-Key' });
  });

  it('orders operations by path and method, with path-item parameters merged in', () => {
    expect(spec.operations.map((operation) => operation.operationId)).toEqual(['getUser', 'deleteUser']);
    const [get, remove] = spec.operations;
    expect(remove).toEqual({
      operationId: 'deleteUser',
      method: 'delete',
      path: '/accounts/{account}/users/{id}',
      deprecated: true,
      pathParams: {
        account: { type: 'string', maxLength: 32, pattern: '^[a-f0-9]+$' },
        id: { type: 'integer', exclusiveMinimum: 0 },
      },
      constantQuery: { v: '4.0' },
    });
    expect(get).toMatchObject({
      security: [],
      servers: [{ url: 'https://lookup.example.com' }],
      pathParams: { id: { type: 'string', format: 'uuid' } },
    });
  });

  it('refuses an operationId used twice (the generated types are keyed by it)', () => {
    const twice = { get: { operationId: 'getThing', responses: {} } };
    expect(() => describeSpec({ paths: { '/a': twice, '/b': twice } })).toThrow(
      'operationId getThing names both GET /a and GET /b',
    );
  });

  it('refuses an operation without operationId', () => {
    expect(() => describeSpec({ paths: { '/x': { get: { responses: {} } } } })).toThrow('GET /x has no operationId');
  });
});

describe('x-offboard-pagination', () => {
  /** A one-operation spec: `GET /things` with offset/limit/page/per_page and a paged answer. */
  function listing(pagination: unknown, method = 'get') {
    return {
      components: {
        schemas: {
          Info: { type: 'object', properties: { total_pages: { type: 'integer' } } },
          Page: {
            allOf: [
              { type: 'object', properties: { things: { type: 'array', items: { type: 'string' } } } },
              { type: 'object', properties: { info: { $ref: '#/components/schemas/Info' }, next: { type: 'string' } } },
            ],
          },
        },
      },
      paths: {
        '/things': {
          [method]: {
            operationId: 'listThings',
            parameters: ['offset', 'limit', 'page', 'per_page'].map((name) => ({
              name,
              in: 'query',
              schema: { type: 'integer' },
            })),
            'x-offboard-pagination': pagination,
            responses: {
              '401': { description: 'no' },
              '200': {
                description: 'ok',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Page' } } },
              },
            },
          },
        },
      },
    };
  }

  it('is read into the operation, checked against its parameters and its 2xx answer', () => {
    const offset = {
      style: 'offset',
      offsetParam: 'offset',
      sizeParam: 'limit',
      pageSize: 20,
      items: 'things',
      next: 'next',
    };
    expect(describeSpec(listing(offset)).operations[0]?.pagination).toEqual(offset);
    const page = { style: 'page', pageParam: 'page', firstPage: 0, items: 'things', totalPages: 'info.total_pages' };
    expect(describeSpec(listing(page)).operations[0]?.pagination).toEqual(page);
    expect(describeSpec(listing(undefined)).operations[0]).not.toHaveProperty('pagination');
  });

  it.each([
    [{ style: 'cursor', items: 'things' }, 'style must be "offset" or "page"'],
    [
      { style: 'offset', offsetParam: 'offset', items: 'things', totalPages: 'info' },
      'has an unknown key "totalPages" for style offset',
    ],
    [
      { style: 'offset', offsetParam: 'skip', items: 'things' },
      '"offsetParam" names skip, which is not a query parameter',
    ],
    [{ style: 'page', pageParam: 'page', sizeParam: 'size', items: 'things' }, '"sizeParam" names size'],
    [{ style: 'page', pageParam: 'page', items: 'next' }, '"items" names next, which is not an array'],
    [{ style: 'page', pageParam: 'page', items: 'results' }, '"items" names results, which is not a property'],
    [{ style: 'page', pageParam: 'page', items: 'things', totalPages: 'info.pages' }, '"totalPages" names info.pages'],
    [{ style: 'offset', offsetParam: 'offset', items: 'things', pageSize: 0 }, '"pageSize" must be an integer >= 1'],
    [{ style: 'page', items: 'things' }, 'needs "pageParam"'],
  ])('refuses %j', (pagination, message) => {
    expect(() => describeSpec(listing(pagination))).toThrow(`GET /things: x-offboard-pagination ${message}`);
  });

  it('is only for GET', () => {
    const pagination = { style: 'page', pageParam: 'page', items: 'things' };
    expect(() => describeSpec(listing(pagination, 'post'))).toThrow(
      'POST /things: x-offboard-pagination is only for GET operations',
    );
  });
});
