// The shape of what the generator writes into each client package (src/generated/api.gen.ts):
// everything the spec alone determines, as plain data the runtime reads.

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

export interface ServerDefinition {
  readonly url: string;
  readonly variables?: Readonly<Record<string, { readonly default: string; readonly enum?: readonly string[] }>>;
}

export type SecuritySchemeDefinition =
  | { readonly type: 'apiKey'; readonly in: 'header' | 'query' | 'cookie'; readonly name: string }
  | { readonly type: 'http'; readonly scheme: string }
  | { readonly type: 'oauth2' | 'openIdConnect' };

/** Alternatives: the request is authorised when every scheme of one alternative is satisfied. */
export type SecurityRequirement = readonly (readonly string[])[];

/** What a path parameter may be, taken from its schema. */
export interface ParamRule {
  readonly type: 'integer' | 'number' | 'string' | 'boolean';
  readonly format?: string;
  readonly minimum?: number;
  readonly exclusiveMinimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly enum?: readonly (string | number | boolean)[];
}

export interface OperationDefinition {
  readonly operationId: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly deprecated: boolean;
  /** Overrides the api's security when the operation declares its own (`[]`: no credentials). */
  readonly security?: SecurityRequirement;
  /** Overrides the api's servers when the operation declares its own. */
  readonly servers?: readonly ServerDefinition[];
  readonly pathParams: Readonly<Record<string, ParamRule>>;
  /** Required query parameters with one allowed value: always sent, filled in when missing. */
  readonly constantQuery?: Readonly<Record<string, string>>;
}

/** How a credential reaches the client: an option name and the environment variable behind it. */
export interface CredentialSource {
  readonly option: string;
  readonly env?: string;
}

export interface ApiDefinition {
  readonly name: string;
  readonly title: string;
  readonly packageName: string;
  readonly servers: readonly ServerDefinition[];
  readonly securitySchemes: Readonly<Record<string, SecuritySchemeDefinition>>;
  readonly security: SecurityRequirement;
  readonly operations: readonly OperationDefinition[];
  readonly baseUrlEnv?: string;
  readonly credentials: Readonly<Record<string, CredentialSource>>;
  /** Written before an apiKey credential, e.g. `APIKey` gives `Authorization: APIKey <key>`. */
  readonly apiKeyPrefix?: string;
}

/** The URL of a server with its variables at their defaults. */
export function serverUrl(server: ServerDefinition): string {
  return server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => server.variables?.[name]?.default ?? whole);
}
