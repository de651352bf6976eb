import { afterEach, describe, expect, it, vi } from 'vitest';
import { modelWorkerPays, RemoteSession, remoteSession, type ModelWorkerReply, type ModelWorkerRequest } from './remote-session';

/** A stand-in for the model worker: answers like model.worker.ts, run = the input times two. */
class FakeWorker {
  static made: FakeWorker[] = [];
  onmessage: ((event: { data: ModelWorkerReply }) => void) | null = null;
  onerror: ((event: { message: string; preventDefault(): void }) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  terminated = false;
  transfers: Transferable[][] = [];
  /** `silent`: takes requests and never answers (a crash is then raised by the test). */
  constructor(readonly url: URL, readonly options: WorkerOptions, public mode: 'answer' | 'fail-open' | 'silent' = 'answer') {
    FakeWorker.made.push(this);
  }
  postMessage(message: ModelWorkerRequest, transfer: Transferable[] = []) {
    this.transfers.push(transfer);
    if (this.mode === 'silent') return;
    queueMicrotask(() => {
      if (message.op === 'open') {
        const reply: ModelWorkerReply = this.mode === 'fail-open' ? { id: message.id, ok: false, name: 'UserError', message: 'This file is not a model the app can run (bad).' } : { id: message.id, ok: true };
        this.onmessage?.({ data: reply });
        return;
      }
      const input = Object.values(message.feeds)[0];
      const data = Float32Array.from(input.data as Float32Array, (v) => v * 2);
      this.onmessage?.({ data: { id: message.id, ok: true, outputs: { [message.outputs[0]]: { type: 'float32', dims: input.dims, data } } } });
    });
  }
  terminate() {
    this.terminated = true;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeWorker.made = [];
});

const files = { graph: new Uint8Array([1, 2, 3]) };

describe('modelWorkerPays', () => {
  it('uses a model worker only where at least 2 cores are left beside ORT\'s min(4, cores) threads', () => {
    expect([1, 2, 4, 5].map(modelWorkerPays)).toEqual([false, false, false, false]);
    expect([6, 8, 16].map(modelWorkerPays)).toEqual([true, true, true]);
  });
});

describe('RemoteSession', () => {
  it('opens the graph over there, runs, moves the input without a copy and returns the output', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const remote = await RemoteSession.open('http://app/', files);
    const input = new Float32Array([0.25, 0.5, 1]);
    const out = await remote.run({ input: { type: 'float32', dims: [1, 3, 1, 1], data: input } }, { outputs: ['output'], transfer: [input.buffer] });
    expect(Array.from(out.output.data as Float32Array)).toEqual([0.5, 1, 2]);
    expect(FakeWorker.made[0].transfers[1]).toEqual([input.buffer]);
    expect(FakeWorker.made[0].options).toMatchObject({ type: 'module' });
    remote.dispose();
    expect(FakeWorker.made[0].terminated).toBe(true);
    await expect(remote.run({}, { outputs: ['output'] })).rejects.toThrow(/closed/);
  });

  it('keeps a user error from the worker as a UserError and closes the worker when opening fails', async () => {
    vi.stubGlobal('Worker', class extends FakeWorker {
      constructor(url: URL, options: WorkerOptions) {
        super(url, options, 'fail-open');
      }
    });
    const opening = RemoteSession.open('http://app/', files);
    await expect(opening).rejects.toMatchObject({ name: 'UserError', message: expect.stringMatching(/not a model/) });
    expect(FakeWorker.made[0].terminated).toBe(true);
  });

  it('a worker that dies rejects the run in flight instead of leaving it pending', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const remote = await RemoteSession.open('http://app/', files);
    const worker = FakeWorker.made[0];
    worker.mode = 'silent';
    const running = remote.run({ input: { type: 'float32', dims: [1], data: new Float32Array(1) } }, { outputs: ['output'] });
    worker.onerror?.({ message: 'out of memory', preventDefault() {} });
    await expect(running).rejects.toThrow(/model worker stopped: out of memory/);
  });

  it('keeps one remote session per task worker: the same key reuses it, another key replaces and closes it', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const open = () => RemoteSession.open('http://app/', files);
    const a = await remoteSession('wasm:a', open);
    expect(await remoteSession('wasm:a', open)).toBe(a);
    const b = await remoteSession('wasm:b', open);
    expect(b).not.toBe(a);
    await Promise.resolve();
    expect(FakeWorker.made.map((w) => w.terminated)).toEqual([true, false]);
  });
});
