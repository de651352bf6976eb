/** The style task's worker side: its methods, served by the task worker's one loop (src/workers/loop.ts). */
import type { WorkerImpl } from '../../../workers/protocol';
import type { TaskWorker } from '../../registry.worker';
import { meta } from '../meta';
import type { StyleMethods } from '../protocol';
import { styleImage } from './image';
import { styleMorph } from './morph';
import { estimateVideo, previewVideo, styleVideo } from './video';

const methods: WorkerImpl<StyleMethods> = { styleImage, styleMorph, styleVideo, previewVideo, estimateVideo };

export const worker: TaskWorker = { task: meta.id, methods };
