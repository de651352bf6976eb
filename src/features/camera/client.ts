/** The page's handle on the camera worker (typed calls, terminate to stop: src/workers/bridge.ts). */
import { WorkerBridge } from '../../workers/bridge';
import type { CameraMethods } from './protocol';

// Vite bundles a worker only from a literal `new Worker(new URL(...))`.
export const cameraWorker = new WorkerBridge<CameraMethods>(
  () => new Worker(new URL('./worker/camera.worker.ts', import.meta.url), { type: 'module', name: 'camera' }),
  60_000,
);
