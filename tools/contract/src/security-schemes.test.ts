// Security schemes: each client sends its provider's scheme, from options and from environment
// variables, on every operation that needs it and on none that does not; the mock refuses the very
// same requests without the credential (Prism checks the header is there); and a client without
// any credential refuses to be built, naming what to pass, before anything is sent.
import { ValidationError } from '@offboard/runtime';
import { describe, expect, it } from 'vitest';
import { mockUrl } from './harness.js';
import { providers } from './providers/index.js';
import { type Exchange, recordingFetch, violationsOf } from './recording-fetch.js';
import { loadSpec, type Operation, pathPattern } from './spec.js';

const anonymous = (operation: Operation) =>
  operation.security.length === 0 || operation.security.some((alternative) => alternative.length === 0);

/** Sends a recorded request again, to the same mock, with only `keep` of the credential headers. */
function replay(
  exchange: Exchange,
  baseUrl: string,
  credentialHeaders: readonly string[],
  keep: readonly string[] = [],
): Promise<Response> {
  const headers = new Headers(exchange.requestHeaders);
  for (const name of credentialHeaders) if (!keep.includes(name)) headers.delete(name);
  return fetch(`${baseUrl}${exchange.url.pathname}${exchange.url.search}`, {
    method: exchange.method,
    headers,
    body: exchange.requestBody ?? null,
  });
}

describe.each(providers.map((provider) => [provider.name, provider] as const))('%s', (name, provider) => {
  const spec = loadSpec(name);
  const base = () => ({ baseUrl: mockUrl(name), env: {}, maxRetries: 0 });
  const credentialHeaders = [...new Set(provider.credentials.flatMap((credential) => Object.keys(credential.sends)))];

  /** Calls every operation with valid inputs on a client given `credentials[index]`. */
  async function callEveryOperation(index: number): Promise<Exchange[]> {
    const recorder = recordingFetch();
    for (const operation of spec.operations) {
      await provider.call(operation.operationId, { ...base(), fetch: recorder.fetch }, { headers: {} }, index);
    }
    // One request per operation, each to its own path, accepted, and nothing Prism objects to.
    expect(
      recorder.exchanges.map((exchange) => ({
        request: `${exchange.method} ${exchange.url.pathname}`,
        status: exchange.status,
        violations: exchange.violations,
      })),
    ).toEqual(
      spec.operations.map((operation) => ({
        request: expect.stringMatching(pathPattern(operation.method, operation.path)),
        status: expect.any(Number),
        violations: [],
      })),
    );
    return [...recorder.exchanges];
  }

  it.each(provider.credentials.map((credential, index) => [credential.via, index] as const))(
    'sends the scheme given by the %s',
    async (_, index) => {
      const { sends } = provider.credentials[index]!;
      const exchanges = await callEveryOperation(index);
      exchanges.forEach((exchange, at) => {
        const operation = spec.operations[at]!;
        const expected = Object.fromEntries(
          Object.entries(sends).map(([header, value]) => [header, anonymous(operation) ? null : value]),
        );
        const sent = Object.fromEntries(
          Object.keys(sends).map((header) => [header, exchange.requestHeaders.get(header)]),
        );
        expect(sent, operation.operationId).toEqual(expected);
        // Required single-valued query parameters (LivePerson `v=4.0`, `version=1.0`) on every call.
        for (const [parameter, value] of Object.entries(operation.constantQuery)) {
          expect(exchange.url.searchParams.get(parameter), `${operation.operationId} ?${parameter}`).toBe(value);
        }
      });
    },
  );

  it('gets 401 from the mock for the same requests without the credential (and a partial one)', async () => {
    const exchanges = await callEveryOperation(0);
    const partials = provider.credentials
      .map((credential) =>
        Object.entries(credential.sends)
          .filter(([, value]) => value !== null)
          .map(([header]) => header),
      )
      .filter((headers) => headers.length > 1)
      .flatMap((headers) => headers.map((header) => [header]));
    for (const [at, exchange] of exchanges.entries()) {
      const operation = spec.operations[at]!;
      for (const keep of [[], ...partials]) {
        const response = await replay(exchange, mockUrl(name), credentialHeaders, keep);
        const label = `${operation.operationId} with ${keep.join('+') || 'no credential'}`;
        if (anonymous(operation)) {
          expect(response.status, label).toBe(200);
        } else {
          expect(response.status, label).toBe(401);
          expect(
            (await violationsOf(response)).map((violation) => violation.code),
            label,
          ).toContain(401);
        }
      }
    }
  });

  it('refuses to build a client without credentials, naming the option and the variable, and sends nothing', () => {
    const recorder = recordingFetch();
    let thrown: unknown;
    try {
      provider.withoutCredentials.connect({ ...base(), fetch: recorder.fetch });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const error = thrown as ValidationError;
    expect(error.parameter).toBe(provider.withoutCredentials.parameter);
    for (const named of provider.withoutCredentials.names) expect(error.message).toContain(named);
    expect(recorder.exchanges).toEqual([]);
  });
});

describe('liveperson-users without a base URL', () => {
  it('looks the account host up without credentials, then calls that host with the token and v=4.0', async () => {
    const mock = mockUrl('liveperson-users');
    // LivePerson's fixed Domain API host and the host it answers with (the spec's example) go to the mock; nothing else may leave.
    const recorder = recordingFetch((url) => {
      if (url.origin !== 'https://api.liveperson.net' && url.origin !== 'https://va.ac.liveperson.net')
        throw new Error(`unexpected host ${url.origin}`);
      return new URL(`${url.pathname}${url.search}`, mock);
    });
    const livePerson = providers.find((provider) => provider.name === 'liveperson-users')!;
    await livePerson.call('getUserById', { fetch: recorder.fetch, env: {}, maxRetries: 0 }, { headers: {} });
    expect(
      recorder.exchanges.map((exchange) => ({
        url: exchange.url.href,
        authorization: exchange.requestHeaders.get('authorization'),
        status: exchange.status,
        violations: exchange.violations,
      })),
    ).toEqual([
      {
        url: 'https://api.liveperson.net/api/account/12345678/service/accountConfigReadWrite/baseURI.json?version=1.0',
        authorization: null,
        status: 200,
        violations: [],
      },
      {
        url: 'https://va.ac.liveperson.net/api/account/12345678/configuration/le-users/users/4085930212?v=4.0',
        authorization: 'Bearer lp-option-token-1',
        status: 200,
        violations: [],
      },
    ]);
  });
});
