/**
 * A WASM session in a worker of its own (src/runtime/model.worker.ts), run from the video pipeline.
 * ONNX Runtime's WASM `session.run` blocks its thread (and `env.wasm.proxy` only applies on a page),
 * so with the model in the task worker the pipeline's JavaScript (frame conversion, blend, encoder
 * input) could only run between model runs. Here the model runs over there and the pipeline goes on
 * here; inputs and outputs move between the workers without copies.
 *
 * One remote session is kept per task worker (the last graph opened), so the next video with the same
 * model starts at once; a different graph replaces it. It dies with the task worker (cancel).
 */
import { UserError } from '../lib/errors';
import type { CreateOptions, GraphFiles } from './ort';
import type { HostTensor } from './tensors';

export type ModelWorkerRequest =
  | { id: number; op: 'open'; appRoot: string; files: GraphFiles; options?: CreateOptions }
  | { id: number; op: 'run'; feeds: Record<string, HostTensor>; outputs: readonly string[] };

export type ModelWorkerReply =
  | { id: number; ok: true; outputs?: Record<string, HostTensor> }
  | { id: number; ok: false; name: string; message: string };

/**
 * Cores left beside ORT's WASM threads (min(4, cores), runtime/ort.ts): the model worker pays only
 * where the pipeline's JavaScript and the browser's decoder and encoder get cores of their own. On
 * this project's 2-core machine it measured no gain (the model ran ~13 % slower beside the pipeline:
 * BENCHMARKS.md, issue 17), so the video pipeline's "auto" keeps the model inline there.
 */
export function modelWorkerPays(cores: number): boolean {
  return cores - Math.min(4, cores) >= 2;
}

/** A request before it gets its id (Omit over each member of the union). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

export class RemoteSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: ModelWorkerReply & { ok: true }) => void; reject: (error: Error) => void }>();
  private broken: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.onmessage = ({ data }: MessageEvent<ModelWorkerReply>) => {
      const waiting = this.pending.get(data.id);
      if (!waiting) return;
      this.pending.delete(data.id);
      if (data.ok) {
        waiting.resolve(data);
      } else {
        // The names the app's error handling reads (a user's error, an allocation failure) survive.
        const error = data.name === 'UserError' ? new UserError(data.message) : new Error(data.message);
        waiting.reject(error);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail(new Error(`the model worker stopped: ${event.message || 'no reason given'}`));
    };
    worker.onmessageerror = () => this.fail(new Error('the model worker sent a message that could not be read'));
  }

  /** Starts the worker and opens the graph in it (the bytes are copied: the caller keeps its own). */
  static async open(appRoot: string, files: GraphFiles, options?: CreateOptions): Promise<RemoteSession> {
    // Vite bundles a worker only from a literal `new Worker(new URL(...))`.
    const worker = new Worker(new URL('./model.worker.ts', import.meta.url), { type: 'module', name: 'model' });
    const remote = new RemoteSession(worker);
    try {
      await remote.call({ op: 'open', appRoot, files, options }, []);
    } catch (error) {
      remote.dispose();
      throw error;
    }
    return remote;
  }

  /**
   * Runs the graph over there and returns the requested outputs. Buffers in `transfer` (an input the
   * caller no longer needs) move rather than copy and are unusable here afterwards.
   */
  async run(feeds: Record<string, HostTensor>, options: { outputs: readonly string[]; transfer?: Transferable[] }): Promise<Record<string, HostTensor>> {
    const reply = await this.call({ op: 'run', feeds, outputs: options.outputs }, options.transfer ?? []);
    return reply.outputs ?? {};
  }

  dispose(): void {
    this.fail(new Error('the model worker was closed'));
    this.worker.terminate();
  }

  private call(message: Unnumbered<ModelWorkerRequest>, transfer: Transferable[]): Promise<ModelWorkerReply & { ok: true }> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

let kept: { key: string; remote: Promise<RemoteSession> } | null = null;

/**
 * The task worker's remote session for `key` (the local session's cache key: backend, graph sha256,
 * options), opened by `open()` when it is not the one kept; the one kept before is closed.
 */
export function remoteSession(key: string, open: () => Promise<RemoteSession>): Promise<RemoteSession> {
  if (kept?.key === key) return kept.remote;
  if (kept) void kept.remote.then((r) => r.dispose(), () => undefined);
  const remote = open();
  kept = { key, remote };
  // A failed open is not kept: the next video tries again.
  remote.catch(() => {
    if (kept?.remote === remote) kept = null;
  });
  return remote;
}

/** Closes the kept remote session if it is `remote` (after an error in it, so the next job opens a fresh one). */
export function dropRemoteSession(remote: RemoteSession): void {
  const current = kept;
  if (!current) return;
  void current.remote.then((r) => {
    if (r !== remote) return;
    if (kept === current) kept = null;
    r.dispose();
  }, () => undefined);
}
