import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@offboard/test-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Loader, SpecDocument } from './download.js';
import { extractFragment } from './fragment.js';

// Test data, loosely typed on purpose.
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is walked freely in assertions.
type Doc = Record<string, any>;
const vendor = async (file: string): Promise<Doc> =>
  parse(await readFile(path.join(repoRoot, 'specs', file), 'utf8')) as Doc;
const noLoads: Loader = (url) => Promise.reject(new Error(`unexpected load of ${url}`));

describe('extractFragment: the vendored fragment, cut out of a whole spec', () => {
  it('gives back the Gcore fragment from a spec with more operations and components', async () => {
    const fragment = await vendor('gcore-iam-reseller/vendor/iam_reseller_api.delete-user.yaml');
    const whole = structuredClone(fragment);
    whole.paths['/iam/users/{userId}'].get = {
      summary: 'Get user',
      parameters: [{ $ref: '#/components/parameters/UserID' }],
      responses: {
        '200': {
          description: 'ok',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } },
        },
      },
    };
    whole.paths['/iam/clients'] = { get: { responses: { '401': { $ref: '#/components/responses/401' } } } };
    whole.components.schemas.User = { type: 'object', properties: { id: { type: 'integer' } } };
    whole.components.securitySchemes.Other = { type: 'http', scheme: 'bearer' };
    expect(await extractFragment(whole, 'https://example.com/iam_reseller_api.yaml', fragment, noLoads)).toEqual(
      fragment,
    );
  });

  it('gives back the nscale fragment from a spec that $refs a shared file by URL', async () => {
    const fragment = await vendor('nscale-identity/vendor/identity-openapi.delete-organization-user.yaml');
    const common = {
      openapi: '3.0.3',
      components: {
        responses: structuredClone(fragment.components.responses),
        schemas: structuredClone(fragment.components.schemas),
      },
    };
    const whole = structuredClone(fragment);
    delete whole.components.responses;
    delete whole.components.schemas;
    const responses = whole.paths['/api/v1/organizations/{organizationID}/users/{userID}'].delete.responses;
    for (const response of Object.values(responses) as Doc[]) {
      if (response.$ref) response.$ref = response.$ref.replace('#', 'https://example.com/core/common.spec.yaml#');
    }
    const loads: string[] = [];
    const load: Loader = async (url) => {
      loads.push(url);
      if (url !== 'https://example.com/core/common.spec.yaml') throw new Error(`no ${url}`);
      return common as SpecDocument;
    };
    expect(await extractFragment(whole, 'https://example.com/identity/server.spec.yaml', fragment, load)).toEqual(
      fragment,
    );
    expect(new Set(loads)).toEqual(new Set(['https://example.com/core/common.spec.yaml']));
  });

  it('names what it cannot map: a vanished operation, a component defined twice', async () => {
    const fragment = await vendor('gcore-iam-reseller/vendor/iam_reseller_api.delete-user.yaml');
    const moved = structuredClone(fragment);
    moved.paths['/iam/users/{userId}'] = { get: moved.paths['/iam/users/{userId}'].delete };
    await expect(extractFragment(moved, 'https://example.com/a.yaml', fragment, noLoads)).rejects.toThrow(
      'https://example.com/a.yaml has no DELETE /iam/users/{userId}',
    );

    const twice = structuredClone(fragment);
    twice.paths['/iam/users/{userId}'].delete.responses['404'] = { $ref: 'other.yaml#/components/responses/401' };
    const load: Loader = async () => ({ components: { responses: { '401': { description: 'elsewhere' } } } });
    await expect(extractFragment(twice, 'https://example.com/a.yaml', fragment, load)).rejects.toThrow(
      'component responses/401 is defined by both https://example.com/a.yaml and https://example.com/other.yaml',
    );
  });
});
