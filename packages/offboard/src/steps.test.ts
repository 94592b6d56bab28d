import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APIConnectionError, APIUserAbortError } from '@offboard/runtime';
import { describe, expect, it } from 'vitest';
import { Journal } from './journal.js';
import { describeCall, StepLog } from './steps.js';

type Init = { params?: { path?: Record<string, unknown>; query?: Record<string, unknown> } };
type Recorder = Record<string, (template: string, init?: Init) => Promise<{ response: Response }>>;
const call = (fn: (c: Recorder) => Promise<{ response: Response }>) => describeCall(fn as never);

describe('describeCall', () => {
  it('takes the method and fills the template from the typed call, percent-encoding as sent', () => {
    expect(call((c) => c.DELETE!('/iam/users/{userId}', { params: { path: { userId: 1001 } } }))).toEqual({
      method: 'DELETE',
      path: '/iam/users/1001',
    });
    expect(call((c) => c.GET!('/a/{x}/b/{y}', { params: { path: { y: 'ü/ ?', x: '1' } } })).path).toBe(
      '/a/1/b/%C3%BC%2F%20%3F',
    );
  });

  it('adds the query in the order given, leaving out what is undefined', () => {
    const described = call((c) =>
      c.GET!('/iam/users', { params: { query: { limit: 100, offset: 0, email: undefined, q: 'a&b' } } }),
    );
    expect(described.path).toBe('/iam/users?limit=100&offset=0&q=a%26b');
    expect(call((c) => c.GET!('/plain')).path).toBe('/plain');
  });

  it('refuses a step that is not exactly one call', () => {
    expect(() => describeCall((() => Promise.resolve({ response: new Response() })) as never)).toThrow(
      'a step must make one call on the client',
    );
    expect(() =>
      call((c) => {
        void c.GET!('/one');
        return c.GET!('/two');
      }),
    ).toThrow('a step is one call on the client');
  });

  it('sends nothing while describing: the recorder is not the client', () => {
    let sent = 0;
    const client = {
      GET: () => {
        sent += 1;
        return Promise.resolve({ response: new Response() });
      },
    };
    const fn = (c: typeof client) => (c.GET as (path: string) => Promise<{ response: Response }>)('/x');
    expect(describeCall(fn as never)).toEqual({ method: 'GET', path: '/x' });
    expect(sent).toBe(0);
    expect(() => describeCall(((c: typeof client) => c.GET()) as never)).toThrow('a step must name its path template');
  });
});

describe('StepLog.write', () => {
  const target = { provider: 'cloudflare', account: 'a', user: 'u' };
  type Client = { DELETE: (path: string) => Promise<{ response: Response }> };

  it.each([
    [
      'an abort that cut short the body of a 202: the provider did it',
      new APIUserAbortError('aborted', { status: 202 }),
      202,
      false,
    ],
    ['an abort before any answer', new APIUserAbortError('aborted'), null, true],
    ['no answer at all', new APIConnectionError('reset'), null, true],
  ])('journals what arrived after %s', async (_, error, status, rethrown) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offboard-steps-'));
    try {
      const journal = await Journal.open(path.join(dir, 'journal.jsonl'));
      const log = new StepLog(target, 'apply', { journal });
      const client: Client = { DELETE: () => Promise.reject(error) };
      const written = log.write(client, (c) => c.DELETE('/users/u'), { final: true });
      if (rethrown) await expect(written).rejects.toBe(error);
      else await expect(written).resolves.toBe(status);
      expect(log.steps).toEqual([{ method: 'DELETE', path: '/users/u', status, at: expect.any(String) }]);
      // Only a 2xx that arrived counts as confirmed: a rerun resends nothing else.
      expect(journal.finalConfirmed(target)).toBe(!rethrown);
      await journal.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
