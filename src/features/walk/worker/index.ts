/** The walk task's worker side: its methods, served by the task worker's one loop (src/workers/loop.ts). */
import type { WorkerImpl } from '../../../workers/protocol';
import type { TaskWorker } from '../../registry.worker';
import { meta } from '../meta';
import type { WalkMethods } from '../protocol';
import { latentWalk } from './run';

const methods: WorkerImpl<WalkMethods> = { latentWalk };

export const worker: TaskWorker = { task: meta.id, methods };
