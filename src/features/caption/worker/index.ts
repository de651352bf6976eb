/** The caption task's worker side: its methods, served by the task worker's one loop (src/workers/loop.ts). */
import type { WorkerImpl } from '../../../workers/protocol';
import type { TaskWorker } from '../../registry.worker';
import { meta } from '../meta';
import type { CaptionMethods } from '../protocol';
import { captionImage } from './run';

const methods: WorkerImpl<CaptionMethods> = { captionImage };

export const worker: TaskWorker = { task: meta.id, methods };
