/**
 * The page's two instances of the task worker (one loop, one dispatch: task.worker.ts): photo jobs
 * and video jobs. Two, so that cancelling one kind of job (which terminates its worker) keeps the
 * other's warm sessions. Their methods are the shared ones plus every registered task's.
 */
import type { TaskMethods } from '../features/registry';
import { WorkerBridge } from './bridge';
import type { CoreMethods } from './protocol';

export type AppMethods = CoreMethods & TaskMethods;

// Vite bundles a worker only from a literal `new Worker(new URL(...))`; both are the same script.
export const photoWorker = new WorkerBridge<AppMethods>(
  () => new Worker(new URL('./task.worker.ts', import.meta.url), { type: 'module', name: 'photo' }),
);

export const videoWorker = new WorkerBridge<AppMethods>(
  () => new Worker(new URL('./task.worker.ts', import.meta.url), { type: 'module', name: 'video' }),
);
