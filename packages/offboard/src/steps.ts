// Records every request a policy makes for one target, and decides which writes are sent:
// none in plan mode, and in apply mode none that the journal already saw confirmed. A status
// that arrived is recorded even when its body could not be read.
//
// A step's method and path come from the typed call itself: a policy passes its client and a
// function that makes one call on it (`(c) => c.DELETE('/iam/users/{userId}', { params })`).
// That function is first run on a recorder, which takes the method, the path template and its
// parameters without sending anything, so the path the journal and the results show is always
// the one the call names; then, unless the step is skipped, on the client.
import {
  APIError,
  APIResponseBodyError,
  APIUserAbortError,
  type ApiClient,
  type ApiDefinition,
  OffboardError,
  type PaginatedClient,
  withPagination,
} from '@offboard/runtime';
import type { Journal } from './journal.js';
import type { Mode, Step, Target } from './types.js';

/** What a generated client call resolves to. */
interface Answer {
  readonly response: Response;
}

/** One call on a client: it must return the client's promise as it is (it is also run on a recorder). */
export type Call<C, T extends Answer = Answer> = (client: C) => Promise<T>;

interface CallInit {
  readonly params?: { readonly path?: Record<string, unknown>; readonly query?: Record<string, unknown> };
}

const NOT_SENT = Promise.resolve(undefined);

/**
 * The method and path a call names: its path template with the path parameters filled in
 * (percent-encoded, as sent) and its query parameters in the order given. Query parameters the
 * client adds on its own (LivePerson's constant `v=4.0`) are not part of it.
 */
export function describeCall(call: Call<never, Answer>): { method: string; path: string } {
  let named: { method: string; template: string; init: CallInit | undefined } | undefined;
  const recorder = new Proxy(
    {},
    {
      get:
        (_, method) =>
        (template: string, init?: CallInit): Promise<undefined> => {
          if (named) throw new OffboardError('a step is one call on the client');
          named = { method: String(method), template, init };
          return NOT_SENT;
        },
    },
  );
  void call(recorder as never);
  if (!named) throw new OffboardError('a step must make one call on the client');
  if (typeof named.template !== 'string') throw new OffboardError('a step must name its path template');
  const { method, template, init } = named;
  const pathParams = init?.params?.path ?? {};
  const path = template.replace(/\{([^}]+)\}/g, (whole, name: string) =>
    name in pathParams ? encodeURIComponent(String(pathParams[name])) : whole,
  );
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(init?.params?.query ?? {}))
    if (value !== undefined) query.append(name, String(value));
  const search = query.toString();
  return { method, path: search ? `${path}?${search}` : path };
}

export interface WriteOptions {
  /** The delete that finishes the target: once confirmed, a rerun does nothing for this target. */
  readonly final?: boolean;
}

/**
 * The status the provider sent, if one arrived: an APIError's, or the 2xx an abort cut short
 * (the runtime keeps it on the APIUserAbortError).
 */
function statusOf(error: unknown): number | null {
  if (error instanceof APIError) return error.status;
  if (error instanceof APIUserAbortError) return error.status ?? null;
  return null;
}

/**
 * A write's answer is its status: a 2xx whose body was unreadable, or whose body read an abort
 * cut short, still confirms it (the provider did it; a rerun must not send it again).
 */
function confirmedDespiteBody(error: unknown): number | undefined {
  if (!(error instanceof APIResponseBodyError) && !(error instanceof APIUserAbortError)) return undefined;
  const status = error.status;
  return status !== undefined && status >= 200 && status < 300 ? status : undefined;
}

/** An error as a target's reason or an account's search error: an interruption says so, and to rerun. */
export function describeError(error: unknown): string {
  if (error instanceof APIUserAbortError) {
    return error.status === undefined
      ? 'interrupted before the provider answered; rerun to finish'
      : `interrupted while reading the provider's answer (${error.status}); rerun to finish`;
  }
  return error instanceof Error ? error.message : String(error);
}

export class StepLog {
  readonly steps: Step[] = [];

  constructor(
    readonly target: Target,
    readonly mode: Mode,
    private readonly journal?: Journal,
  ) {}

  /** A request that changes nothing: sent in both modes, recorded with its status. */
  async read<C, T extends Answer>(client: C, call: Call<C, T>): Promise<T> {
    const { method, path } = describeCall(call as Call<never>);
    try {
      const answer = await call(client);
      this.steps.push({ method, path, status: answer.response.status });
      return answer;
    } catch (error) {
      this.steps.push({ method, path, status: statusOf(error) });
      throw error;
    }
  }

  /**
   * Every page of a list, as `walk` iterates it on a client whose page reads are this log's
   * reads (one step per page, each with its status): `log.pages(iam, iamApi, (c) =>
   * c.paginate('/iam/users', init))`. Stopping the iteration early stops the reads.
   */
  pages<Paths extends {}, Api extends ApiDefinition, T>(
    client: PaginatedClient<Paths, Api>,
    api: Api,
    walk: (client: PaginatedClient<Paths, Api>) => AsyncIterable<T>,
  ): AsyncIterable<T> {
    type Get = (path: string, init: unknown) => Promise<Answer>;
    const logged = {
      ...client,
      GET: (path: string, init: unknown) => this.read(client, (c) => (c.GET as unknown as Get)(path, init)),
    } as unknown as ApiClient<Paths>;
    return walk(withPagination(logged, api));
  }

  /**
   * A request that changes state. Plan mode records it unsent (status null) and returns undefined.
   * Apply mode skips a write the journal saw confirmed (returning its recorded status), otherwise
   * journals the intent, sends, and journals the answer before returning it.
   */
  async write<C, T extends Answer>(
    client: C,
    call: Call<C, T>,
    options: WriteOptions = {},
  ): Promise<number | undefined> {
    const { method, path } = describeCall(call as Call<never>);
    if (this.mode === 'plan') {
      this.steps.push({ method, path, status: null });
      return undefined;
    }
    const confirmed = this.journal?.confirmed(this.target, method, path);
    if (confirmed) return confirmed.status;
    this.journal?.intent(this.target, method, path);
    let step: Step;
    let failed = false;
    let failure: unknown;
    try {
      const answer = await call(client);
      step = { method, path, status: answer.response.status };
    } catch (error) {
      const status = confirmedDespiteBody(error);
      step = { method, path, status: status ?? statusOf(error) };
      if (status === undefined) {
        failed = true;
        failure = error;
      }
    }
    this.steps.push(step);
    this.journal?.step(this.target, step, options.final ?? false);
    if (failed) throw failure;
    return step.status ?? undefined;
  }
}
