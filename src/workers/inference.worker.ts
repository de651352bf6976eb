/// <reference lib="webworker" />
import { styleImage } from '../features/style/run';
import { blendWalk } from '../features/style/walk';
import type { CallMessage, Progress, ReplyMessage } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** Runs the call; returns its result and the buffers to transfer rather than copy. */
async function dispatch(call: CallMessage, onProgress: (progress: Progress) => void): Promise<[unknown, Transferable[]]> {
  if (call.method === 'styleImage') {
    const value = await styleImage(call.args, { onProgress });
    return [value, [value.input.data.buffer, value.stylised.data.buffer]];
  }
  if (call.method === 'blendWalk') return [await blendWalk(call.args, { onProgress }), []];
  throw new Error(`unknown method ${String(call.method)}`);
}

self.onmessage = async (event: MessageEvent<CallMessage>) => {
  const { id } = event.data;
  // Cancelling terminates this worker (an ORT run cannot be interrupted), so runs take no signal.
  const onProgress = (progress: Progress) => self.postMessage({ id, type: 'progress', progress } satisfies ReplyMessage);
  try {
    const [value, transfer] = await dispatch(event.data, onProgress);
    self.postMessage({ id, type: 'result', value } satisfies ReplyMessage, transfer);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    self.postMessage({ id, type: 'error', name: e.name, message: e.message } satisfies ReplyMessage);
  }
};
