// The one harness every provider goes through: a provider file gives valid inputs for each
// operation and its ways of taking credentials; everything else (which statuses to ask for, which
// error class and body to expect, the coverage check) comes from the spec.

import type {} from '@offboard/mock/global-setup';
import type { BaseClientOptions } from '@offboard/runtime';
// What a client package re-exports: the one list of error classes callers can catch.
import * as publicErrors from '@offboard/runtime/errors';
import { expect, inject } from 'vitest';
import { recordingFetch } from './recording-fetch.js';
import { describeCase, pathPattern, type ResponseCase } from './spec.js';

/** What the harness adds to a call: the `Prefer` header that picks the mock's answer. */
export interface CallInit {
  readonly headers: Readonly<Record<string, string>>;
}

/** What a generated client's call resolves to on success. */
export interface Success {
  readonly data?: unknown;
  readonly response: Response;
}

type Connect<Client> = (base: BaseClientOptions) => Client;

export interface CredentialCase<Client> {
  /** How the credential is given: "apiKey option", "GCORE_API_KEY", "async token provider". */
  readonly via: string;
  readonly connect: Connect<Client>;
  /** Headers every authenticated request must carry, by lower-case name; null: must not be sent. */
  readonly sends: Readonly<Record<string, string | null>>;
}

export interface ProviderDefinition<Client, OperationId extends string> {
  /** The package directory (packages/<name>): names its spec and its mock. */
  readonly name: string;
  /** Ways to give the client a credential; the first is the one the response tests use. */
  readonly credentials: readonly [CredentialCase<Client>, ...CredentialCase<Client>[]];
  /** A client given no credential at all must refuse, naming `parameter` and each of `names`. */
  readonly withoutCredentials: {
    readonly connect: Connect<Client>;
    readonly parameter: string;
    readonly names: readonly string[];
  };
  /** The provider's own message in one of its error bodies. */
  readonly errorMessage: (body: unknown) => string | undefined;
  /** Every operation, called through the generated client with valid inputs (plus `init`). */
  readonly operations: { readonly [Id in OperationId]: (client: Client, init: CallInit) => Promise<Success> };
}

/** A provider with its client type erased, as the table-driven tests see it. */
export interface Provider {
  readonly name: string;
  readonly operationIds: readonly string[];
  readonly credentials: readonly Pick<CredentialCase<unknown>, 'via' | 'sends'>[];
  readonly withoutCredentials: {
    readonly connect: Connect<unknown>;
    readonly parameter: string;
    readonly names: readonly string[];
  };
  readonly errorMessage: (body: unknown) => string | undefined;
  /** Calls an operation with its valid inputs, on a client given `credentials[credential]`. */
  call(operationId: string, base: BaseClientOptions, init: CallInit, credential?: number): Promise<Success>;
}

export function defineProvider<Client, OperationId extends string>(
  definition: ProviderDefinition<Client, OperationId>,
): Provider {
  const operations: Readonly<Record<string, (client: Client, init: CallInit) => Promise<Success>>> =
    definition.operations;
  return {
    name: definition.name,
    operationIds: Object.keys(operations),
    credentials: definition.credentials,
    withoutCredentials: definition.withoutCredentials,
    errorMessage: definition.errorMessage,
    async call(operationId, base, init, credential = 0) {
      const operation = operations[operationId];
      if (!operation)
        throw new Error(
          `no valid inputs for ${operationId}: add them to tools/contract/src/providers/${definition.name}.ts`,
        );
      const variant = definition.credentials[credential];
      if (!variant) throw new Error(`${definition.name} has no credential case ${credential}`);
      return operation(variant.connect(base), init);
    },
  };
}

/** The URL of the Prism mock serving packages/<name>/openapi.json (started by the globalSetup). */
export function mockUrl(name: string): string {
  const url = inject('mockUrls')[name];
  if (!url) throw new Error(`no mock serves ${name}: is packages/${name}/openapi.json there?`);
  return url;
}

/** A string property of a JSON error body, if there is one. */
export function stringField(body: unknown, key: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

const { APIError } = publicErrors;
type ErrorClass = abstract new (...args: never[]) => InstanceType<typeof APIError>;
/** The public error classes that stand for an answer (a type error here if the runtime renames one). */
type AnswerErrorName = {
  [Name in keyof typeof publicErrors]: (typeof publicErrors)[Name] extends ErrorClass ? Name : never;
}[keyof typeof publicErrors];

/** The runtime's documented status families, by class name in its public errors module. */
const ERROR_BY_STATUS: Readonly<Record<number, AnswerErrorName>> = {
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  409: 'ConflictError',
  412: 'ConflictError',
  429: 'RateLimitError',
};

/** The typed error each non-2xx status must surface as. */
export function expectedErrorClass(status: number): ErrorClass {
  const name: AnswerErrorName =
    status < 200 || (status >= 300 && status < 400)
      ? 'UnexpectedStatusError'
      : (ERROR_BY_STATUS[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestError'));
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: a test harness (nothing to tree-shake), looking classes up by name on purpose.
  return publicErrors[name];
}

/** The `Prefer` header that makes Prism answer with this status (and named example). */
export function preferFor(response: Pick<ResponseCase, 'status' | 'example'>): string {
  return [`code=${response.status}`, ...(response.example === undefined ? [] : [`example=${response.example}`])].join(
    ', ',
  );
}

const covered = new Set<string>();
const keyOf = (response: ResponseCase) => `${response.provider} ${describeCase(response)}`;

/**
 * Calls the case's operation through the generated client against the mock, asking for the
 * case's status, and checks what the client makes of the answer: the documented body as `data`
 * (2xx), or the right typed error carrying the documented body and the provider's message.
 */
export async function checkResponse(provider: Provider, response: ResponseCase, baseUrl: string): Promise<void> {
  const recorder = recordingFetch();
  const outcome = await provider
    .call(
      response.operation.operationId,
      { baseUrl, fetch: recorder.fetch, env: {}, maxRetries: 0 },
      { headers: { Prefer: preferFor(response) } },
    )
    .then(
      (success) => ({ success }),
      (error: unknown) => ({ error }),
    );

  // Exactly one request, to this operation, answered as asked, and nothing Prism objects to
  // (a request or an answer that breaks the spec comes back flagged in `sl-violations`).
  expect(
    recorder.exchanges.map((exchange) => ({
      request: `${exchange.method} ${exchange.url.pathname}`,
      status: exchange.status,
      violations: exchange.violations,
    })),
  ).toEqual([
    {
      request: expect.stringMatching(pathPattern(response.operation.method, response.operation.path)),
      status: response.status,
      violations: [],
    },
  ]);
  const exchange = recorder.exchanges[0]!;

  for (const header of response.headers) {
    const value = exchange.responseHeaders.get(header.name);
    if (header.example !== undefined) expect(value, `response header ${header.name}`).toBe(String(header.example));
    else if (header.required) expect(value, `response header ${header.name}`).not.toBeNull();
  }

  // Only a 2xx resolves a call; a 1xx or 3xx the runtime does not follow is an error.
  if (response.status >= 200 && response.status < 300) {
    if ('error' in outcome) throw outcome.error;
    expect(outcome.success.response.status).toBe(response.status);
    expect(outcome.success.data).toEqual(response.body);
  } else {
    if (!('error' in outcome))
      throw new Error(
        `${describeCase(response)}: the call succeeded, expected ${expectedErrorClass(response.status).name}`,
      );
    const { error } = outcome;
    expect(error).toBeInstanceOf(APIError);
    if (!(error instanceof APIError)) return;
    expect(error.constructor, error.message).toBe(expectedErrorClass(response.status));
    expect(error.status).toBe(response.status);
    expect(error.body).toEqual(response.body);
    const message = provider.errorMessage(response.body);
    if (message !== undefined) expect(error.message).toContain(message);
    const retryAfter = response.headers.find((header) => header.name.toLowerCase() === 'retry-after');
    if (typeof retryAfter?.example === 'number') expect(error.retryAfterMs).toBe(retryAfter.example * 1000);
  }
  covered.add(keyOf(response));
}

export interface CoverageRow {
  readonly provider: string;
  readonly operation: string;
  readonly status: string;
  readonly example: string;
  readonly covered: 'yes' | 'NO';
}

/** Every (operation, status[, example]) pair the specs document, and whether a check passed for it. */
export function coverage(responses: readonly ResponseCase[]): CoverageRow[] {
  return responses.map((response) => ({
    provider: response.provider,
    operation: response.operation.operationId,
    status:
      response.documented === String(response.status)
        ? response.documented
        : `${response.documented} (as ${response.status})`,
    example: response.example ?? '',
    covered: covered.has(keyOf(response)) ? 'yes' : 'NO',
  }));
}
