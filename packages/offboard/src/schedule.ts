// Runs a batch with bounded concurrency, never two items of the same key at once (they would race
// on shared provider state), and without creating a task per item up front: memory grows with
// the concurrency and the items waiting on a busy key, not with the size of the batch. Once
// `stopped()` turns true no item starts; the ones running finish.

interface Queue {
  readonly indexes: number[];
  head: number;
}

export interface RunBoundedOptions {
  /** Checked before each start: true means start nothing more. */
  readonly stopped?: () => boolean;
}

/** The results of the items that ran, in input order (all of them unless stopped). */
export function runBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  keyOf: (item: T) => string | undefined,
  task: (item: T) => Promise<R>,
  options: RunBoundedOptions = {},
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const ran = new Uint8Array(items.length);
  const busy = new Set<string>();
  const waiting = new Map<string, Queue>();
  const stopped = options.stopped ?? (() => false);
  let next = 0;
  let active = 0;
  let finished = 0;

  /** The next item to start: one waiting on a key that is free again, else the next in order. */
  const pick = (): number | undefined => {
    for (const [key, queue] of waiting) {
      if (busy.has(key)) continue;
      const index = queue.indexes[queue.head++]!;
      if (queue.head === queue.indexes.length) waiting.delete(key);
      return index;
    }
    while (next < items.length) {
      const index = next++;
      const key = keyOf(items[index]!);
      if (key === undefined || !busy.has(key)) return index;
      const queue = waiting.get(key);
      if (queue) queue.indexes.push(index);
      else waiting.set(key, { indexes: [index], head: 0 });
    }
    return undefined;
  };

  return new Promise((resolve, reject) => {
    const settle = () => resolve(finished === items.length ? results : results.filter((_, index) => ran[index] === 1));
    const start = (index: number) => {
      const item = items[index]!;
      const key = keyOf(item);
      if (key !== undefined) busy.add(key);
      active++;
      task(item).then((result) => {
        results[index] = result;
        ran[index] = 1;
        active--;
        finished++;
        if (key !== undefined) busy.delete(key);
        pump();
      }, reject);
    };
    const pump = () => {
      while (active < concurrency && !stopped()) {
        const index = pick();
        if (index === undefined) break;
        start(index);
      }
      if (active === 0) settle();
    };
    pump();
  });
}
