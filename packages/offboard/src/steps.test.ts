import { describe, expect, it } from 'vitest';
import { describeCall } from './steps.js';

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
