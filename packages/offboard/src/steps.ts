// Records every request a policy makes for one target, and decides which writes are sent:
// none in plan mode, and in apply mode none that the journal already saw confirmed. A status
// that arrived is recorded even when its body could not be read.
//
// A step's method and path come from the typed call itself: a policy passes its client and a
// function that makes one call on it (`(c) => c.DELETE('/iam/users/{userId}', { params })`).
// That function is first run on a recorder, which takes the method, the path template and its
// parameters without sending anything, so the path the journal and the results show is always
// the one the call names; then, unless the step is skipped, on the client.
import { isDeepStrictEqual } from 'node:util';
import {
  APIError,
  APIResponseBodyError,
  APIUserAbortError,
  type ApiClient,
  type ApiDefinition,
  OffboardError,
  type PaginatedClient,
  requestIdOf,
  withPagination,
} from '@offboard/runtime';
import type { Journal } from './journal.js';
import { confirms, type Fact, type Facts, type Mode, StalePlanError, type Step, type Target } from './types.js';

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

/** The provider's request id on an error, if it sent one. */
function requestIdOfError(error: unknown): string | undefined {
  if (error instanceof APIError || error instanceof APIUserAbortError) return error.requestId;
  return undefined;
}

/** A step as recorded: its answer's time, and the request id when there is one. */
function answered(method: string, path: string, status: number | null, requestId: string | undefined): Step {
  return { method, path, status, at: new Date().toISOString(), ...(requestId === undefined ? {} : { requestId }) };
}

/** A fact as messages show it: JSON, cut short. */
function showFact(value: Fact | undefined): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * The writes of a run, shared by its targets: in plan mode the writes planned so far, in apply
 * mode the writes confirmed so far. A plan takes its own earlier steps into account (a person in
 * two Gcore accounts: removed from the first, so deleted in the second), and `apply --plan`
 * expects the changes its own earlier writes make.
 */
export class RunWrites {
  readonly #writes = new Set<string>();
  readonly #byProvider = new Map<string, { method: string; path: string }[]>();

  add(provider: string, method: string, path: string): void {
    const key = `${provider} ${method} ${path}`;
    if (this.#writes.has(key)) return;
    this.#writes.add(key);
    const list = this.#byProvider.get(provider) ?? [];
    list.push({ method, path });
    this.#byProvider.set(provider, list);
  }

  has(provider: string, method: string, path: string): boolean {
    return this.#writes.has(`${provider} ${method} ${path}`);
  }

  /** How many distinct writes of the provider so far match `filter`. */
  count(provider: string, filter: (method: string, path: string) => boolean): number {
    return (this.#byProvider.get(provider) ?? []).filter(({ method, path }) => filter(method, path)).length;
  }
}

/** `apply --plan`: the plan of one target, which the run must match. */
export interface TargetPlan {
  readonly steps: readonly Step[];
  readonly facts: Facts;
}

export interface StepLogOptions {
  /** Apply: the journal, which skips confirmed writes and records every write. */
  readonly journal?: Journal | undefined;
  /** Apply: the saved plan this target must match (`apply --plan`). */
  readonly plan?: TargetPlan | undefined;
  /** The run's writes, shared by its targets (see RunWrites). */
  readonly writes?: RunWrites;
}

/** When a fact may differ from the plan's and the plan still hold (e.g. a revision a retry covers). */
export interface FactOptions {
  readonly holds?: (planned: Fact, now: Fact) => boolean;
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
  readonly #facts: Record<string, Fact> = {};
  readonly #journal: Journal | undefined;
  readonly #plan: TargetPlan | undefined;
  readonly #writes: RunWrites;
  readonly #allowed: ReadonlySet<string> | undefined;
  /** Applying a plan to a target an earlier run of it already wrote to: its facts moved by its own writes. */
  readonly #resumed: boolean;

  constructor(
    readonly target: Target,
    readonly mode: Mode,
    { journal, plan, writes }: StepLogOptions = {},
  ) {
    this.#journal = journal;
    this.#plan = mode === 'apply' ? plan : undefined;
    this.#writes = writes ?? new RunWrites();
    this.#resumed = this.#plan !== undefined && (journal?.startedEarlier(target) ?? false);
    this.#allowed = this.#plan
      ? new Set(this.#plan.steps.filter((step) => step.status === null).map((step) => `${step.method} ${step.path}`))
      : undefined;
  }

  /**
   * True when the policy must read the state before it writes: in plan mode, and when applying a
   * saved plan (whose facts are then checked). Plain apply may go straight to the delete.
   */
  get readsFirst(): boolean {
    return this.mode === 'plan' || this.#plan !== undefined;
  }

  /** The facts recorded so far: what the decision rests on. */
  get facts(): Facts {
    return { ...this.#facts };
  }

  /**
   * Records a fact the decision rests on. Applying a saved plan, a fact that differs from the
   * plan's (unless `holds` says it still holds) throws StalePlanError: nothing is written after it.
   * Not for a target an earlier run of the plan already wrote to (the journal shows it): its own
   * writes moved its facts (a token it deleted is gone), and only the plan's writes are sent.
   */
  fact(name: string, value: Fact, options: FactOptions = {}): void {
    this.#facts[name] = value;
    if (!this.#plan || this.#resumed) return;
    const planned = this.#plan.facts[name];
    if (planned === undefined) throw new StalePlanError(`the plan does not record ${name}`);
    if (isDeepStrictEqual(planned, value) || options.holds?.(planned, value)) return;
    throw new StalePlanError(`${name} was ${showFact(planned)} when planned and is ${showFact(value)} now`);
  }

  /**
   * Plan mode: true when an earlier target of this plan plans exactly this write (so this target
   * sees the state after it). Always false in apply mode, where the provider's answers show it.
   */
  plannedEarlier<C>(call: Call<C>): boolean {
    if (this.mode !== 'plan') return false;
    const { method, path } = describeCall(call as Call<never>);
    return this.#writes.has(this.target.provider, method, path);
  }

  /** How many writes earlier targets of this run planned (plan) or had confirmed (apply) that match `filter`. */
  earlierWrites(filter: (method: string, path: string) => boolean): number {
    return this.#writes.count(this.target.provider, filter);
  }

  /** A request that changes nothing: sent in both modes, recorded with its status. */
  async read<C, T extends Answer>(client: C, call: Call<C, T>): Promise<T> {
    const { method, path } = describeCall(call as Call<never>);
    try {
      const answer = await call(client);
      this.steps.push(answered(method, path, answer.response.status, requestIdOf(answer.response)));
      return answer;
    } catch (error) {
      this.steps.push(answered(method, path, statusOf(error), requestIdOfError(error)));
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
   * Apply mode skips a write the journal saw confirmed (returning its recorded status), refuses
   * one a saved plan does not list (StalePlanError, nothing sent), otherwise journals the intent,
   * sends, and journals the answer before returning it.
   */
  async write<C, T extends Answer>(
    client: C,
    call: Call<C, T>,
    options: WriteOptions = {},
  ): Promise<number | undefined> {
    const { method, path } = describeCall(call as Call<never>);
    const provider = this.target.provider;
    if (this.mode === 'plan') {
      this.steps.push({ method, path, status: null });
      this.#writes.add(provider, method, path);
      return undefined;
    }
    if (this.#allowed && !this.#allowed.has(`${method} ${path}`))
      throw new StalePlanError(`the run would send ${method} ${path}, which the plan does not list`);
    const confirmed = this.#journal?.confirmed(this.target, method, path);
    if (confirmed) {
      this.#writes.add(provider, method, path);
      return confirmed.status;
    }
    this.#journal?.intent(this.target, method, path);
    let step: Step;
    let failed = false;
    let failure: unknown;
    try {
      const answer = await call(client);
      step = answered(method, path, answer.response.status, requestIdOf(answer.response));
    } catch (error) {
      const status = confirmedDespiteBody(error);
      step = answered(method, path, status ?? statusOf(error), requestIdOfError(error));
      if (status === undefined) {
        failed = true;
        failure = error;
      }
    }
    this.steps.push(step);
    this.#journal?.step(this.target, step, options.final ?? false);
    if (confirms(step.status)) this.#writes.add(provider, method, path);
    if (failed) throw failure;
    return step.status ?? undefined;
  }
}
