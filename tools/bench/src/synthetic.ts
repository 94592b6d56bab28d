// Synthetic OpenAPI documents of a given number of operations, shaped like the provider specs
// (CRUD over resources with path ids, query filters, bodies and error responses), so generation
// cost can be measured as the operation count grows.
export function syntheticSpec(operations: number): Record<string, unknown> {
  const resources = Math.ceil(operations / 4);
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['message'],
      properties: { message: { type: 'string' }, code: { type: 'integer' } },
    },
  };
  let made = 0;
  for (let r = 0; r < resources && made < operations; r++) {
    const name = `Resource${r}`;
    schemas[name] = {
      type: 'object',
      required: ['id', 'name'],
      properties: {
        id: { type: 'integer', minimum: 1 },
        name: { type: 'string', maxLength: 100 },
        email: { type: 'string', format: 'email' },
        state: { type: 'string', enum: ['active', 'suspended', 'deleted'] },
        tags: { type: 'array', items: { type: 'string' } },
        created: { type: 'string', format: 'date-time' },
      },
    };
    const ref = { $ref: `#/components/schemas/${name}` };
    const error = {
      description: 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    const id = { name: 'id', in: 'path', required: true, description: 'Id.', schema: { type: 'integer', minimum: 1 } };
    const collection: Record<string, unknown> = {};
    const item: Record<string, unknown> = { parameters: [id] };
    const ops: [Record<string, unknown>, string, Record<string, unknown>][] = [
      [
        collection,
        'get',
        {
          operationId: `list${name}`,
          parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer' } }],
          responses: {
            '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: ref } } } },
            '401': error,
          },
        },
      ],
      [
        collection,
        'post',
        {
          operationId: `create${name}`,
          requestBody: { required: true, content: { 'application/json': { schema: ref } } },
          responses: {
            '201': { description: 'Created', content: { 'application/json': { schema: ref } } },
            '400': error,
          },
        },
      ],
      [
        item,
        'get',
        {
          operationId: `get${name}`,
          responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } }, '404': error },
        },
      ],
      [
        item,
        'delete',
        { operationId: `delete${name}`, responses: { '204': { description: 'Deleted' }, '404': error } },
      ],
    ];
    for (const [target, method, operation] of ops) {
      if (made++ >= operations) break;
      target[method] = { summary: String(operation.operationId), ...operation };
    }
    paths[`/resources${r}`] = collection;
    paths[`/resources${r}/{id}`] = item;
  }
  return {
    openapi: '3.1.0',
    info: { title: `Synthetic API (${operations} operations)`, version: '1.0.0' },
    servers: [{ url: 'https://api.example.com' }],
    security: [{ token: [] }],
    paths: Object.fromEntries(
      Object.entries(paths).filter(([, item]) => Object.keys(item as object).some((key) => key !== 'parameters')),
    ),
    components: { schemas, securitySchemes: { token: { type: 'http', scheme: 'bearer' } } },
  };
}
