/**
 * Typed calls into a worker. Cancelling terminates the worker, because an ONNX Runtime run cannot be
 * interrupted; the next call starts a fresh one. An idle worker is stopped too, to give its GPU and
 * WASM memory back, unless something lives only in it (`hold`: a model copied into its memory).
 */
import { CancelledError, UserError } from '../lib/errors';
import type { CallMessage, MethodName, Progress, ReplyMessage, RequestOf, ResultOf } from './protocol';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  onProgress?: (progress: Progress) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  transfer?: Transferable[];
}

function rebuildError(name: string, message: string): Error {
  if (name === 'UserError') return new UserError(message);
  const error = new Error(message);
  error.name = name;
  return error;
}

/** `Methods`: the method map the worker serves (for the app: CoreMethods & the registry's TaskMethods). */
export class WorkerBridge<Methods> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly holds = new Set<string>();
  private stops = 0;

  constructor(
    private readonly spawn: () => Worker,
    private readonly idleMillis = 5 * 60_000,
  ) {}

  call<M extends MethodName<Methods>>(method: M, args: RequestOf<Methods[M]>, options: CallOptions = {}): Promise<ResultOf<Methods[M]>> {
    if (options.signal?.aborted) return Promise.reject(new CancelledError());
    clearTimeout(this.idleTimer);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.stop(new CancelledError());
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (value) => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve(value as ResultOf<Methods[M]>);
        },
        reject: (error) => {
          options.signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        onProgress: options.onProgress,
      });
      worker.postMessage({ id, method, args } as CallMessage<Methods, M>, options.transfer ?? []);
    });
  }

  /**
   * Counts the workers stopped so far: what lived only in a worker's memory (a model copied there in
   * a browser without OPFS) is gone once this differs from its value when it was put there.
   */
  get generation(): number {
    return this.stops;
  }

  /** While any `key` is held, an idle worker is not stopped (cancelling and crashes still stop it). */
  hold(key: string, on: boolean): void {
    if (on) {
      this.holds.add(key);
      clearTimeout(this.idleTimer);
    } else if (this.holds.delete(key)) this.idleIfDone();
  }

  /** Stops the worker now if no call is in flight and nothing holds it (what lives in its memory goes); true if it did. */
  stopIfIdle(): boolean {
    if (!this.worker || this.pending.size > 0 || this.holds.size > 0) return false;
    this.stop();
    return true;
  }

  /** Terminates the worker; every call in flight rejects with `reason`. */
  stop(reason: unknown = new CancelledError()): void {
    clearTimeout(this.idleTimer);
    if (this.worker) this.stops++;
    this.worker?.terminate();
    this.worker = null;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(reason);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    worker.onmessage = (event: MessageEvent<ReplyMessage>) => this.onReply(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.stop(new Error(`the worker crashed: ${event.message || 'unknown error'}`));
    };
    this.worker = worker;
    return worker;
  }

  private onReply(reply: ReplyMessage): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    if (reply.type === 'progress') {
      call.onProgress?.(reply.progress);
      return;
    }
    this.pending.delete(reply.id);
    if (reply.type === 'result') call.resolve(reply.value);
    else call.reject(rebuildError(reply.name, reply.message));
    if (reply.type === 'error' && reply.name === 'GpuLostError') {
      // This worker's WebGPU device is gone for good: the next call starts a fresh worker.
      this.stop(rebuildError(reply.name, reply.message));
      return;
    }
    this.idleIfDone();
  }

  private idleIfDone(): void {
    clearTimeout(this.idleTimer);
    if (this.worker && this.pending.size === 0 && this.holds.size === 0) this.idleTimer = setTimeout(() => this.stop(), this.idleMillis);
  }
}
