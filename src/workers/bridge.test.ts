import { describe, expect, it, vi } from 'vitest';
import { CancelledError, UserError } from '../lib/errors';
import { WorkerBridge } from './bridge';
import type { CallMessage, ReplyMessage } from './protocol';

/** A method map as a feature declares one. */
interface Methods {
  styleImage(request: { imageName: string }): unknown;
}

/** Stands in for a Worker: `script` decides how it answers each call. */
class FakeWorker {
  onmessage: ((event: MessageEvent<ReplyMessage>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  terminated = false;
  constructor(private readonly script: (call: CallMessage<Methods>, reply: (r: ReplyMessage) => void) => void) {}
  postMessage(call: CallMessage<Methods>) {
    this.script(call, (reply) => queueMicrotask(() => !this.terminated && this.onmessage?.({ data: reply } as MessageEvent<ReplyMessage>)));
  }
  terminate() {
    this.terminated = true;
  }
}

const request = { imageName: 'x' };

describe('WorkerBridge', () => {
  it('forwards progress and resolves with the result', async () => {
    const bridge = new WorkerBridge<Methods>(
      () =>
        new FakeWorker((call, reply) => {
          reply({ id: call.id, type: 'progress', progress: { stage: 'infer', done: 1, total: 2 } });
          reply({ id: call.id, type: 'result', value: 42 });
        }) as unknown as Worker,
    );
    const seen: number[] = [];
    const value = await bridge.call('styleImage', request, { onProgress: (p) => seen.push(p.done) });
    expect(value).toBe(42);
    expect(seen).toEqual([1]);
  });

  it('rebuilds user errors so their message reaches the UI', async () => {
    const bridge = new WorkerBridge<Methods>(
      () => new FakeWorker((call, reply) => reply({ id: call.id, type: 'error', name: 'UserError', message: 'Bad photo.' })) as unknown as Worker,
    );
    const error = await bridge.call('styleImage', request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('Bad photo.');
  });

  it('cancels by terminating the worker, and the next call gets a fresh one', async () => {
    const workers: FakeWorker[] = [];
    const bridge = new WorkerBridge<Methods>(() => {
      // The first worker never answers (a long ORT run); later ones answer at once.
      const worker = new FakeWorker((call, reply) => workers.length > 1 && reply({ id: call.id, type: 'result', value: 'ok' }));
      workers.push(worker);
      return worker as unknown as Worker;
    });
    const controller = new AbortController();
    const first = bridge.call('styleImage', request, { signal: controller.signal });
    controller.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    expect(workers[0].terminated).toBe(true);
    await expect(bridge.call('styleImage', request)).resolves.toBe('ok');
    expect(workers).toHaveLength(2);
  });

  it('rejects calls in flight when the worker crashes', async () => {
    let worker: FakeWorker | null = null;
    const bridge = new WorkerBridge<Methods>(() => (worker = new FakeWorker(() => undefined)) as unknown as Worker);
    const call = bridge.call('styleImage', request);
    worker!.onerror?.({ message: 'out of memory', preventDefault() {} } as ErrorEvent);
    await expect(call).rejects.toThrow(/worker crashed: out of memory/);
  });

  it('stops an idle worker unless something lives only in it, and counts the workers stopped', async () => {
    vi.useFakeTimers();
    try {
      const workers: FakeWorker[] = [];
      const bridge = new WorkerBridge<Methods>(() => {
        const worker = new FakeWorker((call, reply) => reply({ id: call.id, type: 'result', value: 'ok' }));
        workers.push(worker);
        return worker as unknown as Worker;
      }, 1000);
      await bridge.call('styleImage', request);
      expect(bridge.generation).toBe(0);
      await vi.advanceTimersByTimeAsync(1001);
      expect(workers[0].terminated).toBe(true);
      expect(bridge.generation).toBe(1);

      // A model copied into the worker's memory holds it: idle, it stays.
      await bridge.call('styleImage', request);
      bridge.hold('own-walk', true);
      await bridge.call('styleImage', request);
      await vi.advanceTimersByTimeAsync(5000);
      expect(workers[1].terminated).toBe(false);
      expect(bridge.generation).toBe(1);
      // Released, the idle stop comes back.
      bridge.hold('own-walk', false);
      await vi.advanceTimersByTimeAsync(1001);
      expect(workers[1].terminated).toBe(true);
      expect(bridge.generation).toBe(2);

      // A cancel stops a held worker all the same (an ORT run cannot be interrupted): the count says so.
      bridge.hold('own-walk', true);
      const controller = new AbortController();
      const call = bridge.call('styleImage', request, { signal: controller.signal });
      controller.abort();
      await expect(call).rejects.toBeInstanceOf(CancelledError);
      expect(bridge.generation).toBe(3);
      // Stopping with no worker running changes nothing.
      bridge.stop();
      expect(bridge.generation).toBe(3);

      // stopIfIdle: not while held, not under a call in flight; idle and free, at once.
      await bridge.call('styleImage', request);
      expect(bridge.stopIfIdle()).toBe(false); // still held since the cancel above
      bridge.hold('own-walk', false);
      let answer: (() => void) | null = null;
      const slow = new WorkerBridge<Methods>(() => new FakeWorker((c, reply) => (answer = () => reply({ id: c.id, type: 'result', value: 'ok' }))) as unknown as Worker, 1000);
      const running = slow.call('styleImage', request);
      expect(slow.stopIfIdle()).toBe(false);
      answer!();
      await running;
      expect([slow.stopIfIdle(), slow.generation]).toEqual([true, 1]);
      expect(slow.stopIfIdle()).toBe(false); // no worker left to stop
    } finally {
      vi.useRealTimers();
    }
  });
});
