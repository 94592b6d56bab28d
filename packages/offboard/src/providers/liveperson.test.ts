import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type FakeProviders, startFakeProviders } from '../../test/fake-providers.js';
import { offboarderFor, runOne, stepsOf } from '../../test/harness.js';
import type { Target } from '../types.js';

const target: Target = { provider: 'liveperson', account: '12345678', user: '42' };
const where = '/api/account/12345678/configuration/le-users/users/42';
let fake: FakeProviders;

beforeEach(async () => {
  fake = await startFakeProviders(emptyState());
  fake.state.liveperson.users.add('12345678/42');
  fake.state.liveperson.revision = 7;
});
afterEach(() => fake.close());

const ifMatchSent = () =>
  fake.requests.filter((request) => request.method === 'DELETE').map((request) => request.headers['if-match']);

describe('liveperson provider', () => {
  it('reads the revision and deletes with If-Match set to it (never -1), with v=4.0', async () => {
    const result = await runOne(fake, 'apply', target);
    expect(result.outcome).toBe('deleted');
    expect(stepsOf(result)).toEqual([`GET ${where} 200`, `DELETE ${where} 200`, `GET ${where} 404`]);
    expect(ifMatchSent()).toEqual(['7']);
    expect(fake.requests.every((request) => request.path.endsWith('?v=4.0'))).toBe(true);
  });

  it.each([412, 409] as const)('re-reads and retries when the revision changed once (%i)', async (status) => {
    fake.state.liveperson.changeRevisionOnRead = 1;
    fake.state.liveperson.conflictStatus = status;
    const result = await runOne(fake, 'apply', target);
    expect(result.outcome).toBe('deleted');
    expect(stepsOf(result)).toEqual([
      `GET ${where} 200`,
      `DELETE ${where} ${status}`,
      `GET ${where} 200`,
      `DELETE ${where} 200`,
      `GET ${where} 404`,
    ]);
    expect(ifMatchSent()).toEqual(['7', '8']);
  });

  it('gives up after the bounded number of re-reads', async () => {
    fake.state.liveperson.changeRevisionOnRead = 100;
    const result = await runOne(fake, 'apply', target, { maxRevisionRetries: 2 });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/changed 3 times/);
    expect(fake.count('DELETE')).toBe(3);
  });

  it('refuses to delete without a revision', async () => {
    fake.state.liveperson.revisionHeader = false;
    const result = await runOne(fake, 'apply', target);
    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/ac-revision/) });
    expect(fake.count('DELETE')).toBe(0);
  });

  it('reports already-absent on a rerun, with one DELETE in all', async () => {
    expect((await runOne(fake, 'apply', target)).outcome).toBe('deleted');
    expect((await runOne(fake, 'apply', target)).outcome).toBe('already-absent');
    expect(fake.count('DELETE')).toBe(1);
  });

  it('runs the targets of one account one at a time, so their deletes never invalidate each other', async () => {
    for (let user = 43; user < 50; user++) fake.state.liveperson.users.add(`12345678/${user}`);
    const offboarder = offboarderFor(fake, { concurrency: 8 });
    const targets = Array.from({ length: 8 }, (_, index): Target => ({ ...target, user: String(42 + index) }));
    const results = await offboarder.run('apply', targets);
    offboarder.close();
    expect(results.map((result) => result.outcome)).toEqual(Array(8).fill('deleted'));
    expect(fake.requests.filter((request) => request.method === 'DELETE')).toHaveLength(8);
  });

  it('plans the DELETE with the revision it read, without sending it', async () => {
    const result = await runOne(fake, 'plan', target);
    expect(result).toMatchObject({ outcome: 'planned', reason: 'would end deleted' });
    expect(stepsOf(result)).toEqual([`GET ${where} 200`, `DELETE ${where} -`]);
    expect(fake.count('DELETE')).toBe(0);
  });
});
