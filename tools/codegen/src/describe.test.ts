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

  it('refuses an operation without operationId', () => {
    expect(() => describeSpec({ paths: { '/x': { get: { responses: {} } } } })).toThrow('GET /x has no operationId');
  });
});
