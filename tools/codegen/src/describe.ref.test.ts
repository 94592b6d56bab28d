// The one `$ref` resolver (followRef / resolveLocal), which the spec diff and the contract tests
// use too: JSON pointer escapes, chains, array items, refs to nothing, other files and cycles.
import { describe, expect, it } from 'vitest';
import { followRef, resolveLocal } from './describe.js';

const document = {
  components: {
    schemas: {
      'a/b': { type: 'string' },
      'c~d': { type: 'integer' },
      alias: { $ref: '#/components/schemas/a~1b' },
      loop: { $ref: '#/components/schemas/back' },
      back: { $ref: '#/components/schemas/loop' },
      self: { $ref: '#/components/schemas/self' },
    },
  },
  paths: { '/users': { get: { parameters: [{ name: 'first' }, { name: 'second' }] } } },
};

describe('followRef', () => {
  it('returns a node that is not a reference as it is, with no ref', () => {
    const node = { type: 'object' };
    expect(followRef(document, node)).toEqual({ node });
    expect(followRef(document, undefined)).toEqual({ node: undefined });
  });

  it('decodes ~1 as / and ~0 as ~, in that order', () => {
    expect(followRef(document, { $ref: '#/components/schemas/a~1b' })).toEqual({
      node: { type: 'string' },
      ref: '#/components/schemas/a~1b',
    });
    expect(resolveLocal(document, { $ref: '#/components/schemas/c~0d' })).toEqual({ type: 'integer' });
    // `~01` is a literal `~1`, not `/`.
    expect(resolveLocal({ x: { '~1': 'tilde-one', '/': 'slash' } }, { $ref: '#/x/~01' })).toBe('tilde-one');
  });

  it('follows a chain of refs to its end and names the last ref followed', () => {
    expect(followRef(document, { $ref: '#/components/schemas/alias' })).toEqual({
      node: { type: 'string' },
      ref: '#/components/schemas/a~1b',
    });
  });

  it('reads array items by index', () => {
    expect(resolveLocal(document, { $ref: '#/paths/~1users/get/parameters/1' })).toEqual({ name: 'second' });
    expect(resolveLocal(document, { $ref: '#/paths/~1users/get/parameters/9' })).toBeUndefined();
  });

  it('gives undefined for a ref to nothing, with the ref, so a caller can name it', () => {
    expect(followRef(document, { $ref: '#/components/schemas/missing' })).toEqual({
      node: undefined,
      ref: '#/components/schemas/missing',
    });
    // Not an inherited property either.
    expect(resolveLocal(document, { $ref: '#/components/constructor' })).toBeUndefined();
  });

  it('refuses a ref to another file: the spec must be bundled first', () => {
    expect(() => followRef(document, { $ref: 'common.yaml#/components/schemas/error' })).toThrow(
      'cannot resolve common.yaml#/components/schemas/error: bundle the spec first',
    );
  });

  it('refuses a cycle of refs instead of looping, naming its steps', () => {
    expect(() => followRef(document, { $ref: '#/components/schemas/loop' })).toThrow(
      '$ref cycle: #/components/schemas/loop -> #/components/schemas/back -> #/components/schemas/loop',
    );
    expect(() => resolveLocal(document, { $ref: '#/components/schemas/self' })).toThrow('$ref cycle');
  });
});
