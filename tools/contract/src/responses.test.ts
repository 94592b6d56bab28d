// Every documented (operation, status) of every spec, called through the generated client against
// the Prism mock of its own spec: a 2xx arrives as `data` equal to the documented example, any
// other status as the typed error of its family carrying the documented body and the provider's
// message. The pairs come from the specs; the last tests check that every one was covered.
import { describe, expect, inject, it } from 'vitest';
import { checkResponse, coverage, mockUrl } from './harness.js';
import { providers } from './providers/index.js';
import { describeCase, loadSpec } from './spec.js';

const specs = providers.map((provider) => ({ provider, spec: loadSpec(provider.name) }));

for (const { provider, spec } of specs) {
  describe(provider.name, () => {
    for (const response of spec.responses) {
      it(describeCase(response), () => checkResponse(provider, response, mockUrl(provider.name)));
    }
  });
}

describe('coverage', () => {
  it('has a provider file for every package that ships a spec', () => {
    expect(providers.map((provider) => provider.name).sort()).toEqual(Object.keys(inject('mockUrls')).sort());
  });

  it('has valid inputs for exactly the operations of each spec', () => {
    for (const { provider, spec } of specs) {
      expect([...provider.operationIds].sort(), provider.name).toEqual(
        spec.operations.map((operation) => operation.operationId).sort(),
      );
    }
  });

  it('covered every documented (operation, status) pair', () => {
    const rows = coverage(specs.flatMap(({ spec }) => spec.responses));
    console.table(rows);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.covered !== 'yes')).toEqual([]);
  });
});
