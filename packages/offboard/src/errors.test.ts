// Everything the package throws has one root, OffboardError, beside the runtime's classes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOffboarder, InputError, JournalError, OffboardError, ValidationError } from './index.js';
import { Journal } from './journal.js';

describe('errors', () => {
  it('bad input is an InputError, an OffboardError (not a ValidationError: that is the runtime refusing a call)', async () => {
    const error = await createOffboarder({ env: {} })
      .run('plan', [{ provider: 'nope', account: '1', user: '1' }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toBeInstanceOf(OffboardError);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect((error as Error).name).toBe('InputError');
  });

  it('a closed journal refuses a write with a JournalError', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'offboard-errors-'));
    try {
      const journal = await Journal.open(path.join(dir, 'journal.jsonl'));
      await journal.close();
      let caught: unknown;
      try {
        journal.intent({ provider: 'gcore', account: '1', user: '2' }, 'DELETE', '/iam/users/2');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(JournalError);
      expect(caught).toBeInstanceOf(OffboardError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
