/** The depth task's worker side: its methods, served by the task worker's one loop (src/workers/loop.ts). */
import type { WorkerImpl } from '../../../workers/protocol';
import type { TaskWorker } from '../../registry.worker';
import { meta } from '../meta';
import type { DepthMethods } from '../protocol';
import { depthImage } from './photo';
import { depthPhoto3d } from './photo3d';
import { depthVideo } from './video';

const methods: WorkerImpl<DepthMethods> = { depthImage, depthPhoto3d, depthVideo };

export const worker: TaskWorker = { task: meta.id, methods };
