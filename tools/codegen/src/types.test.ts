import { afterAll, describe, expect, it } from 'vitest';
import { typesDocument } from './generate.js';
import { TypesWorker } from './types.js';

describe('int64 path parameters', () => {
  const worker = new TypesWorker();
  afterAll(() => worker.close());

  it('are typed number | string; the same schema in a response body stays number', async () => {
    const document = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/users/{userId}/groups/{groupId}': {
          get: {
            operationId: 'getUser',
            parameters: [
              { name: 'userId', in: 'path', required: true, schema: { $ref: '#/components/schemas/Id' } },
              { name: 'groupId', in: 'path', required: true, schema: { type: 'integer', format: 'int32' } },
            ],
            responses: {
              '200': {
                description: 'ok',
                content: {
                  'application/json': {
                    schema: {
                      type: 'object',
                      required: ['id'],
                      properties: { id: { $ref: '#/components/schemas/Id' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
      components: { schemas: { Id: { type: 'integer', format: 'int64' } } },
    };
    const types = await worker.render(typesDocument(document));
    expect(types).toMatch(/userId: number \| string;/);
    expect(types).toMatch(/groupId: number;/);
    expect(types).toMatch(/id: components\["schemas"\]\["Id"\];/);
    expect(types).toMatch(/Id: number;/);
  });

  it('refuses what is not OpenAPI 3 (the worker gets a bundle, not a validated spec)', async () => {
    await expect(worker.render({ swagger: '2.0', info: { title: 't', version: '1' }, paths: {} })).rejects.toThrow(
      'Unsupported OpenAPI version: undefined',
    );
  });
});
