// Auto-pagination: `client.paginate(path, init)` walks every page of a list operation and yields
// its items, the way the operation's `x-offboard-pagination` (copied into api.gen.ts) describes.
// A server that never ends (a page that repeats the previous one, more pages than `maxPages`)
// stops the walk with a PaginationError instead of looping forever.
import type { FetchResponse, MaybeOptionalInit } from 'openapi-fetch';
import type { HttpMethod as LowerMethod, MediaType, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import type { ApiClient, CallOptions } from './client.js';
import type { ApiDefinition, OperationDefinition, PaginationDefinition } from './definition.js';
import { OffboardError, ValidationError } from './errors.js';

/** How many pages one walk may take unless the caller says otherwise (`maxPages`). */
export const MAX_PAGES_DEFAULT = 10_000;

export interface PaginateOptions {
  /** Stops the walk with a PaginationError when there are more pages than this. Default 10 000. */
  readonly maxPages?: number;
}

/**
 * The pages did not end the way the spec says they do: a page repeated the previous one (the
 * server ignores the paging parameter), the walk passed `maxPages`, or a page had no list where
 * the spec puts it. Every page had answered 2xx; the items of the pages before `page` were
 * yielded.
 */
export class PaginationError extends OffboardError {
  /** The page of this walk (counted from 1) that stopped it. */
  readonly page: number;

  constructor(message: string, page: number) {
    super(message);
    this.page = page;
  }

  override toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, page: this.page };
  }
}

type PaginatedOperation<Api extends ApiDefinition> = Extract<
  Api['operations'][number],
  { readonly method: 'get'; readonly pagination: PaginationDefinition }
>;

/** The paths whose GET pages, per the api's definition. */
export type PaginatedPath<Api extends ApiDefinition> = PaginatedOperation<Api>['path'];

type Field<T, Key extends string> = T extends unknown ? (Key extends keyof T ? T[Key] : never) : never;
type At<T, Path extends string> = Path extends `${infer Head}.${infer Rest}`
  ? At<NonNullable<Field<NonNullable<T>, Head>>, Rest>
  : Field<NonNullable<T>, Path>;

// biome-ignore lint/complexity/noBannedTypes: openapi-fetch's own constraint for a paths object.
type PathsObject<Paths> = Paths & Record<string, Record<LowerMethod, {}>>;

type SuccessData<Paths, Path extends string> = NonNullable<
  Extract<FetchResponse<PathsObject<Paths>[Path]['get'], object, MediaType>, { error?: never }>['data']
>;

/** One item of the list `path` answers with, typed from the spec. */
export type PageItem<Paths, Api extends ApiDefinition, Path extends PaginatedPath<Api>> =
  At<SuccessData<Paths, Path>, Extract<PaginatedOperation<Api>, { readonly path: Path }>['pagination']['items']> extends
    | readonly (infer Item)[]
    | undefined
    ? Item
    : never;

// As in client.ts: init is optional when nothing in it is required, and takes per-call options.
type InitParam<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

/**
 * `paginate(path, init)`: the items of every page of `GET path`, in order. `init` is what
 * `client.GET(path, init)` takes (path and query parameters, `signal`, `timeout`, …) plus
 * `maxPages`; the paging parameters in its query set where the walk starts and the page size.
 */
export type Paginator<Paths extends {}, Api extends ApiDefinition> = <
  Path extends PaginatedPath<Api> & PathsWithMethod<PathsObject<Paths>, 'get'>,
  Init extends MaybeOptionalInit<PathsObject<Paths>[Path], 'get'>,
>(
  path: Path,
  ...init: InitParam<Init & PaginateOptions & CallOptions>
) => AsyncIterable<PageItem<Paths, Api, Path>>;

/** A generated client: the openapi-fetch methods plus `paginate`. */
export type PaginatedClient<Paths extends {}, Api extends ApiDefinition> = ApiClient<Paths> & {
  readonly paginate: Paginator<Paths, Api>;
};

/** What the walk passes to `client.GET` and reads back. */
interface PageInit {
  readonly params?: { readonly query?: Readonly<Record<string, unknown>>; readonly [location: string]: unknown };
  readonly maxPages?: unknown;
  readonly [option: string]: unknown;
}
type PageGetter = (path: string, init: PageInit) => Promise<{ readonly data?: unknown }>;

/** The client with `paginate` beside its methods. */
export function withPagination<Paths extends {}, Api extends ApiDefinition>(
  client: ApiClient<Paths>,
  api: Api,
): PaginatedClient<Paths, Api> {
  const get = client.GET as unknown as PageGetter;
  const paginate = (path: string, init?: PageInit) => walk(get, api, path, init ?? {});
  return { ...client, paginate } as unknown as PaginatedClient<Paths, Api>;
}

function valueAt(body: unknown, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined),
      body,
    );
}

function paginationOf(api: ApiDefinition, path: string): [OperationDefinition, PaginationDefinition] {
  const operation = api.operations.find((candidate) => candidate.method === 'get' && candidate.path === path);
  if (!operation?.pagination) {
    throw new ValidationError(
      `${api.title}: GET ${path} does not page (its spec has no x-offboard-pagination); call client.GET instead`,
      'path',
      'a paginated operation',
    );
  }
  return [operation, operation.pagination];
}

function integerOption(name: string, value: unknown, min: number): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min)
    throw new ValidationError(
      `${name} must be an integer >= ${min} (got ${String(value)})`,
      name,
      `an integer >= ${min}`,
    );
  return number;
}

async function* walk(get: PageGetter, api: ApiDefinition, path: string, init: PageInit): AsyncGenerator<unknown> {
  const [operation, pagination] = paginationOf(api, path);
  const { maxPages: givenMaxPages, params = {}, ...options } = init;
  const maxPages = integerOption('maxPages', givenMaxPages ?? MAX_PAGES_DEFAULT, 1);
  const query = { ...params.query };
  const positionParam = pagination.style === 'offset' ? pagination.offsetParam : pagination.pageParam;
  const start = pagination.style === 'offset' ? 0 : (pagination.firstPage ?? 1);
  let position = integerOption(positionParam, query[positionParam] ?? start, 0);
  if (pagination.sizeParam && query[pagination.sizeParam] === undefined && pagination.pageSize !== undefined)
    query[pagination.sizeParam] = pagination.pageSize;
  const where = `${api.title}: GET ${operation.path}`;

  let previous: string | undefined;
  for (let page = 1; ; page++) {
    if (page > maxPages) {
      throw new PaginationError(
        `${where} has more than ${maxPages} pages (maxPages): stopped there. Narrow the query or raise maxPages.`,
        page,
      );
    }
    const { data } = await get(operation.path, {
      ...options,
      params: { ...params, query: { ...query, [positionParam]: position } },
    });
    const items = valueAt(data, pagination.items);
    if (!Array.isArray(items)) {
      throw new PaginationError(`${where}: page ${page} has no list at \`${pagination.items}\``, page);
    }
    if (items.length === 0) return;
    // A server that ignores the paging parameter answers the same page again and again.
    const fingerprint = JSON.stringify(items);
    if (fingerprint === previous) {
      throw new PaginationError(
        `${where}: page ${page} (${positionParam}=${position}) repeats the previous page, so the server seems to ignore \`${positionParam}\`: stopped rather than loop`,
        page,
      );
    }
    previous = fingerprint;
    yield* items;
    if (pagination.style === 'offset') {
      const next = pagination.next === undefined ? 'unknown' : valueAt(data, pagination.next);
      if (next === null || next === undefined || next === '') return;
      position += items.length;
    } else {
      const total = pagination.totalPages === undefined ? undefined : valueAt(data, pagination.totalPages);
      if (typeof total === 'number' && position >= total) return;
      position += 1;
    }
  }
}
