import { describe, expect, it } from 'vitest';
import { runBounded } from './schedule.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runBounded', () => {
  it('keeps results in input order, never exceeds the concurrency, never runs one key twice at once', async () => {
    const items = Array.from({ length: 60 }, (_, index) => ({
      index,
      key: index % 3 === 0 ? 'shared' : index % 5 === 0 ? `k${index % 2}` : undefined,
    }));
    let active = 0;
    let most = 0;
    const running = new Set<string>();
    const results = await runBounded(
      items,
      4,
      (item) => item.key,
      async (item) => {
        active++;
        most = Math.max(most, active);
        if (item.key) {
          expect(running.has(item.key)).toBe(false);
          running.add(item.key);
        }
        await tick();
        if (item.key) running.delete(item.key);
        active--;
        return item.index * 2;
      },
    );
    expect(results).toEqual(items.map((item) => item.index * 2));
    expect(most).toBe(4);
  });

  it('does not let a long lane hold every slot', async () => {
    const items = [...Array.from({ length: 10 }, () => 'lane'), 'free-1', 'free-2'];
    const order: string[] = [];
    await runBounded(
      items,
      2,
      (item) => (item === 'lane' ? 'lane' : undefined),
      async (item) => {
        await tick();
        order.push(item);
      },
    );
    expect(order.indexOf('free-1')).toBeLessThan(3);
    expect(order.indexOf('free-2')).toBeLessThan(4);
  });

  it('handles an empty batch and surfaces a failing task', async () => {
    expect(
      await runBounded(
        [],
        3,
        () => undefined,
        async () => 1,
      ),
    ).toEqual([]);
    await expect(
      runBounded(
        [1, 2],
        1,
        () => undefined,
        async (n) => (n === 2 ? Promise.reject(new Error('boom')) : n),
      ),
    ).rejects.toThrow('boom');
  });
});
