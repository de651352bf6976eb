/**
 * The one message loop every worker runs: a call names a method, the loop runs it with a progress
 * callback and replies with its result (moving the buffers the method marks for transfer) or its
 * error. Cancelling terminates the worker (an ORT run cannot be interrupted), so methods take no signal.
 * Written against a minimal port, not the worker global, so it is unit-tested in Node.
 */
import { asGpuLost } from '../runtime/gpu-lost';
import type { AnyWorkerMethod, ReplyMessage, WorkerContext } from './protocol';

/** Allocation failures of the JS heap (typed arrays), ORT's arena or the WASM heap. */
const MEMORY_ERROR = /allocation failed|out of memory|\boom\b|failed to allocate|could not allocate|cannot allocate|bad_alloc/i;

/**
 * What the user reads for an error: a frame too large for memory names the fix (a smaller processing
 * size); anything after the GPU was lost becomes a GpuLostError (the page reruns the job on WASM).
 */
export function replyError(error: unknown): { name: string; message: string } {
  const mapped = asGpuLost(error);
  const e = mapped instanceof Error ? mapped : new Error(String(mapped));
  if (e.name !== 'UserError' && e.name !== 'GpuLostError' && MEMORY_ERROR.test(`${e.name}: ${e.message}`)) {
    return {
      name: 'UserError',
      message: `This photo or video frame is too large for the memory this device can give the app (${e.message}). Choose a smaller processing size (1024 or 512 px for photos, 720p or lower for videos) and try again.`,
    };
  }
  return { name: e.name, message: e.message };
}

export interface Port {
  postMessage(message: ReplyMessage, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => unknown) | null;
}

export type MethodTable = Readonly<Record<string, AnyWorkerMethod>>;

/** Joins method tables; a name served twice is a programming error, found when the worker starts. */
export function joinMethods(...tables: MethodTable[]): MethodTable {
  const joined: Record<string, AnyWorkerMethod> = {};
  for (const table of tables) {
    for (const [name, method] of Object.entries(table)) {
      if (name in joined) throw new Error(`two worker methods are named ${name}`);
      joined[name] = method;
    }
  }
  return joined;
}

export function serve(port: Port, methods: MethodTable): void {
  port.onmessage = async (event: MessageEvent<{ id: number; method: string; args: unknown }>) => {
    const { id, method, args } = event.data;
    const transfer: Transferable[] = [];
    const context: WorkerContext = {
      onProgress: (progress) => port.postMessage({ id, type: 'progress', progress }, []),
      transfer: (...items) => transfer.push(...items),
    };
    try {
      const run = Object.hasOwn(methods, method) ? methods[method] : undefined;
      if (!run) throw new Error(`unknown method ${String(method)}`);
      const value = await run(args as never, context);
      port.postMessage({ id, type: 'result', value }, transfer);
    } catch (error) {
      port.postMessage({ id, type: 'error', ...replyError(error) }, []);
    }
  };
}
