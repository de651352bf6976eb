/// <reference lib="webworker" />
import { styleImage } from '../features/style/run';
import type { CallMessage, Progress, ReplyMessage, StyleImageResult } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

function transferablesOf(result: StyleImageResult): Transferable[] {
  return [result.input.data.buffer, result.stylised.data.buffer];
}

self.onmessage = async (event: MessageEvent<CallMessage>) => {
  const { id, method, args } = event.data;
  // Cancelling terminates this worker (an ORT run cannot be interrupted), so runs take no signal.
  const onProgress = (progress: Progress) => self.postMessage({ id, type: 'progress', progress } satisfies ReplyMessage);
  try {
    if (method !== 'styleImage') throw new Error(`unknown method ${String(method)}`);
    const value = await styleImage(args, { onProgress });
    self.postMessage({ id, type: 'result', value } satisfies ReplyMessage, transferablesOf(value));
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    self.postMessage({ id, type: 'error', name: e.name, message: e.message } satisfies ReplyMessage);
  }
};
