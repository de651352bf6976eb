import { describe, expect, it } from 'vitest';
import { CancelledError } from './errors';
import { runQueue, uniqueName, type QueueItem } from './queue';

function recorder<R>() {
  const log: Array<[number, QueueItem<R>]> = [];
  return { log, onItem: (i: number, item: QueueItem<R>) => log.push([i, item]) };
}

describe('runQueue', () => {
  it('records a failure with its reason and carries on with the rest', async () => {
    const { log, onItem } = recorder<string>();
    const summary = await runQueue(
      ['a', 'bad', 'c'],
      async (x) => {
        if (x === 'bad') throw new Error('Could not read "bad" as an image.');
        return x.toUpperCase();
      },
      { signal: new AbortController().signal, onItem },
    );
    expect(summary).toEqual({ done: 2, failed: 1, cancelled: 0 });
    const final = new Map(log);
    expect(final.get(0)).toEqual({ status: 'done', result: 'A' });
    expect(final.get(1)).toEqual({ status: 'failed', error: 'Could not read "bad" as an image.' });
    expect(final.get(2)).toEqual({ status: 'done', result: 'C' });
  });

  it('runs one item at a time, in order', async () => {
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await runQueue(
      [30, 5, 15, 1],
      async (ms, i) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, ms));
        order.push(i);
        active--;
      },
      { signal: new AbortController().signal, onItem: () => undefined },
    );
    expect(peak).toBe(1);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('stops on cancel: the item under way and the ones after it are cancelled, none starts', async () => {
    const controller = new AbortController();
    const { log, onItem } = recorder<number>();
    const started: number[] = [];
    const summary = await runQueue(
      [0, 1, 2, 3],
      async (x, _i, signal) => {
        started.push(x);
        if (x === 1) {
          controller.abort(new CancelledError());
          // A task cancelled midway rejects with its own cancellation.
          if (signal.aborted) throw new CancelledError();
        }
        return x;
      },
      { signal: controller.signal, onItem },
    );
    expect(started).toEqual([0, 1]);
    expect(summary).toEqual({ done: 1, failed: 0, cancelled: 3 });
    expect(new Map(log).get(3)).toEqual({ status: 'cancelled' });
  });

  it('treats a result that arrives after cancel as cancelled, not done', async () => {
    const controller = new AbortController();
    const summary = await runQueue(
      ['x'],
      async () => {
        controller.abort();
        return 'late';
      },
      { signal: controller.signal, onItem: () => undefined },
    );
    expect(summary).toEqual({ done: 0, failed: 0, cancelled: 1 });
  });
});

describe('uniqueName', () => {
  it('keeps the first and numbers the next ones before the extension', () => {
    const taken = new Set<string>();
    expect(uniqueName('starry_in-starry-night.png', taken)).toBe('starry_in-starry-night.png');
    expect(uniqueName('starry_in-starry-night.png', taken)).toBe('starry_in-starry-night-2.png');
    expect(uniqueName('starry_in-starry-night.png', taken)).toBe('starry_in-starry-night-3.png');
    expect(uniqueName('other.png', taken)).toBe('other.png');
  });

  it('counts names differing only in case as the same (ZIPs opened on Windows or macOS)', () => {
    const taken = new Set<string>();
    expect(uniqueName('Photo-a.png', taken)).toBe('Photo-a.png');
    expect(uniqueName('photo-a.png', taken)).toBe('photo-a-2.png');
  });

  it('does not collide with a name that already looks numbered', () => {
    const taken = new Set<string>();
    uniqueName('a-2.png', taken);
    uniqueName('a.png', taken);
    expect(uniqueName('a.png', taken)).toBe('a-3.png');
    expect(uniqueName('noext', taken)).toBe('noext');
    expect(uniqueName('noext', taken)).toBe('noext-2');
  });
});
