/**
 * The WebGPU device ORT runs on can be lost at any moment (driver reset, another tab taking the GPU,
 * a laptop switching GPUs, `device.destroy()`). A lost device never comes back: every run on it then
 * fails or never settles. This module remembers the loss, so a run waiting on the GPU is rejected at
 * once with a GpuLostError, and the page (state/jobs.ts) reruns the job on WASM in a fresh worker.
 */
export class GpuLostError extends Error {
  constructor(detail: string) {
    super(`The GPU stopped responding (${detail}).`);
    this.name = 'GpuLostError';
  }
}

let lostInfo: { reason: string; message: string } | null = null;
let rejectLost: ((error: GpuLostError) => void) | null = null;
/** Rejects once the device is lost; never resolves. */
export const gpuLostPromise: Promise<never> = new Promise<never>((_, reject) => {
  rejectLost = reject;
});
gpuLostPromise.catch(() => undefined); // nobody may be waiting when it happens

const watched = new WeakSet<object>();

/** Watches `device` (ORT's own, from `ort.env.webgpu.device`) for loss. Safe to call more than once. */
export function watchDevice(device: { lost: Promise<{ reason: string; message: string }> } | null | undefined): void {
  if (!device || watched.has(device)) return;
  watched.add(device);
  void device.lost.then((info) => {
    lostInfo = { reason: info.reason, message: info.message };
    rejectLost?.(new GpuLostError(describeLoss()));
  });
}

function describeLoss(): string {
  if (!lostInfo) return 'unknown';
  return [lostInfo.reason, lostInfo.message].filter(Boolean).join(': ') || 'device lost';
}

export function gpuWasLost(): boolean {
  return lostInfo !== null;
}

/**
 * What WebGPU implementations and ORT say when a call meets a lost device ("Device is lost", "Device
 * was destroyed", "GPUDevice lost"): such an error can reach the job before `device.lost` has settled
 * (a readback's mapAsync on the video route rejects in the same turn), and it is a loss all the same.
 */
const LOSS_MESSAGE = /\b(gpu)?device\b[^.]*?\b(is|was|has been)?\s*(lost|destroyed)\b/i;

/** `error` as a GpuLostError when the device is gone (whatever ORT made of it), else unchanged. */
export function asGpuLost(error: unknown): unknown {
  if (error instanceof GpuLostError) return error;
  if (gpuWasLost()) return new GpuLostError(describeLoss());
  const message = error instanceof Error ? error.message : String(error);
  return LOSS_MESSAGE.test(message) ? new GpuLostError(message) : error;
}
