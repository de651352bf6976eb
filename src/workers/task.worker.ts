/// <reference lib="webworker" />
/**
 * The task worker: the shared methods plus every feature's worker methods (src/features/registry.worker.ts),
 * served by the one message loop. The page runs two instances of it (photo jobs, video jobs), so
 * cancelling a video does not drop the warm photo sessions, and vice versa. Cancelling terminates
 * the instance (and the ffmpeg.wasm worker it may have started), which frees every frame, session
 * and buffer at once.
 */
import { taskMethods } from '../features/registry.worker';
import { probeVideo } from '../media/open';
import { dropModelFiles, importModelFiles } from '../models/import';
import { joinMethods, serve, type Port } from './loop';
import type { CoreMethods, WorkerImpl } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const core: WorkerImpl<CoreMethods> = {
  probeVideo: async (request, context) => probeVideo(request.video, request.appRoot, () => context.onProgress({ stage: 'load', done: 0, total: 0 })),
  importModelFiles,
  dropModelFiles,
};

serve(self as unknown as Port, joinMethods(core, taskMethods));
