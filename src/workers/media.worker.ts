/// <reference lib="webworker" />
/**
 * Video jobs: decoding, per-frame inference and encoding all run here, so frames go from decoder to
 * model to encoder without crossing threads. Cancelling terminates this worker (and the ffmpeg.wasm
 * worker it may have started), which frees every frame, session and buffer at once.
 */
import { previewVideo, styleVideo } from '../features/style/video';
import { probeVideo } from '../media/open';
import type { CallMessage, Progress, ReplyMessage } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

async function dispatch(message: CallMessage, onProgress: (progress: Progress) => void): Promise<unknown> {
  if (message.method === 'styleVideo') return styleVideo(message.args, { onProgress });
  if (message.method === 'previewVideo') return previewVideo(message.args, { onProgress });
  if (message.method === 'probeVideo') return probeVideo(message.args.video, message.args.appRoot);
  throw new Error(`unknown method ${String(message.method)}`);
}

self.onmessage = async (event: MessageEvent<CallMessage>) => {
  const { id } = event.data;
  const onProgress = (progress: Progress) => self.postMessage({ id, type: 'progress', progress } satisfies ReplyMessage);
  try {
    const value = await dispatch(event.data, onProgress);
    self.postMessage({ id, type: 'result', value } satisfies ReplyMessage);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    self.postMessage({ id, type: 'error', name: e.name, message: e.message } satisfies ReplyMessage);
  }
};
