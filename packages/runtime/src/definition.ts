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

/**
 * How a list operation pages, from its `x-offboard-pagination` extension in the spec. Dotted
 * paths (`result_info.total_pages`) point into the JSON answer body. `paginate` (paginate.ts)
 * walks the pages and yields the items.
 */
export type PaginationDefinition = OffsetPagination | PagePagination;

interface PaginationFields {
  /** Where the page's items are: a dotted path to an array in the answer body. */
  readonly items: string;
  /** The query parameter that sets the page size. */
  readonly sizeParam?: string;
  /** The page size sent in `sizeParam` when the caller sets none. */
  readonly pageSize?: number;
}

/** `?offset=&limit=`: the walk skips the items it has received so far. */
export interface OffsetPagination extends PaginationFields {
  readonly style: 'offset';
  /** The query parameter that says how many items to skip, counted from 0. */
  readonly offsetParam: string;
  /** A next-page link in the answer: null or absent on the last page. */
  readonly next?: string;
}

/** `?page=&per_page=`: the walk asks for page 1, 2, 3, … */
export interface PagePagination extends PaginationFields {
  readonly style: 'page';
  /** The query parameter carrying the page number. */
  readonly pageParam: string;
  /** The number of the first page. Default 1. */
  readonly firstPage?: number;
  /** The number of pages in the answer: the walk ends on that page. */
  readonly totalPages?: string;
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
  /** How the operation pages (a GET that lists), when its spec says so. */
  readonly pagination?: PaginationDefinition;
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
