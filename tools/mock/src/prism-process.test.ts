import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlive, isListening, startPrism } from './prism-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const nscale = path.join(repoRoot, 'packages/nscale-identity/openapi.json');

/** Child processes of this one that Node still tracks (each is a ProcessWrap until it has exited). */
const childProcesses = () => process.getActiveResourcesInfo().filter((type) => type === 'ProcessWrap').length;

/** Polls `check` until it holds or `ms` pass; a handle of an exited child closes a tick later. */
async function eventually(check: () => boolean | Promise<boolean>, ms = 1_000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check()) && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('startPrism', () => {
  it('gives two Prisms started at once two ports the OS picked, and stop() leaves neither behind', async () => {
    const [a, b] = await Promise.all([startPrism(nscale, { name: 'a' }), startPrism(nscale, { name: 'b' })]);
    try {
      expect(a.port).not.toBe(b.port);
      for (const prism of [a, b]) {
        const response = await fetch(`http://127.0.0.1:${prism.port}/api/v1/organizations/not-a-uuid/users`, {
          headers: { authorization: 'Bearer t' },
        });
        expect(response.status).toBe(422);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    for (const prism of [a, b]) {
      expect(prism.exit).toEqual({ code: null, signal: 'SIGTERM' });
      expect(isAlive(prism.pid)).toBe(false);
      expect(await isListening(prism.port)).toBe(false);
    }
  });

  it('fails at once, with what Prism wrote, when Prism exits before it listens', async () => {
    const before = childProcesses();
    const started = Date.now();
    const error = await startPrism(path.join(repoRoot, 'no-such-spec.json'), { name: 'missing' }).catch(
      (reason: Error) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^prism mock missing exited with code 1 before listening\n/);
    expect((error as Error).message).toMatch(/stderr \(last lines\):[\s\S]*Error opening file ".*no-such-spec\.json"/);
    expect(Date.now() - started).toBeLessThan(20_000);
    await eventually(() => childProcesses() === before);
    expect(childProcesses()).toBe(before);
  });

  it('stops a Prism that does not listen within the timeout, and says so', async () => {
    const before = childProcesses();
    await expect(startPrism(nscale, { name: 'slow', timeoutMs: 50 })).rejects.toThrow(
      /^prism mock slow did not report listening within 50 ms/,
    );
    await eventually(() => childProcesses() === before);
    expect(childProcesses()).toBe(before);
  });

  it.skipIf(process.platform === 'win32')(
    'kills a Prism that ignores SIGTERM once the grace period is over',
    async () => {
      const prism = await startPrism(nscale, { name: 'stuck' });
      // A stopped process keeps SIGTERM pending; only SIGKILL ends it.
      process.kill(prism.pid, 'SIGSTOP');
      const started = Date.now();
      await prism.stop(300);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(prism.exit).toEqual({ code: null, signal: 'SIGKILL' });
      expect(isAlive(prism.pid)).toBe(false);
      expect(await isListening(prism.port)).toBe(false);
    },
  );
});
