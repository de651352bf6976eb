/** Plumbing every job shares: one job at a time, cancel, progress with rate and time left, errors. */
import { CancelledError, isCancelled, toUserMessage } from '../lib/errors';
import { estimateProgress, formatBytes } from '../lib/progress';
import type { Progress, Stage } from '../workers/protocol';
import { idleJob, useAppStore } from './store';

const set = useAppStore.setState;

/** Absolute URL of the app's root, whatever sub-path it is served from. */
export function appRoot(): string {
  return new URL(import.meta.env.BASE_URL, document.baseURI).href;
}

export function showError(message: string | null): void {
  set({ error: message });
}

let running: AbortController | null = null;

export function isJobRunning(): boolean {
  return running !== null;
}

export function cancelJob(): void {
  running?.abort(new CancelledError());
}

/**
 * Runs `work` as the current job: Cancel aborts its signal, a failure becomes the alert, and the
 * job bar ends in done / cancelled / failed. Returns false when another job is still running.
 */
export async function runAsJob(startDetail: string, work: (signal: AbortSignal) => Promise<string>): Promise<boolean> {
  if (running) return false;
  const controller = new AbortController();
  running = controller;
  set({ error: null, job: { ...idleJob, status: 'running', detail: startDetail } });
  try {
    let doneDetail: string;
    try {
      doneDetail = await work(controller.signal);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'GpuLostError') || useAppStore.getState().backend !== 'webgpu' || controller.signal.aborted) throw error;
      // The GPU device was lost mid-job (its worker is already replaced): the rest of this visit runs
      // on WASM, and the job starts again there rather than failing.
      set({ backend: 'wasm', job: { ...idleJob, status: 'running', detail: 'The GPU stopped responding: starting again on WASM (CPU)' } });
      doneDetail = `${await work(controller.signal)} (the GPU stopped responding, so this ran again on WASM)`;
    }
    set({ job: { ...idleJob, status: 'done', fraction: 1, detail: doneDetail } });
  } catch (error) {
    if (isCancelled(error)) set({ job: { ...idleJob, status: 'cancelled', detail: 'Cancelled.' } });
    else set({ job: { ...idleJob, status: 'failed' }, error: toUserMessage(error) });
  } finally {
    if (running === controller) running = null;
  }
  return true;
}

const STAGE_SPAN: Record<Stage, [number, number]> = { download: [0, 0.25], load: [0.25, 0.35], infer: [0.35, 1], frames: [0.35, 1], import: [0, 1] };

/** `working`: what the task calls its model's work ("Stylising"), shown while it runs. */
function describe(progress: Progress, ratePerSecond: number | null, working: string): string {
  if (progress.stage === 'download') return 'Downloading model';
  if (progress.stage === 'load') return 'Starting model';
  if (progress.stage === 'import') return `Copying model files: ${formatBytes(progress.done)} of ${formatBytes(progress.total)}`;
  if (progress.stage === 'frames') {
    const rate = ratePerSecond === null ? '' : ` · ${ratePerSecond.toFixed(1)} fps`;
    return `${working}: frame ${progress.done} of ${progress.total}${rate}`;
  }
  if (progress.total > 1) return `${working}: tile ${progress.done} of ${progress.total}`;
  return working;
}

/** Turns a worker's progress into the job bar's fraction, rate and time left; `working` as in describe(). */
export function progressReporter(working = 'Working'): (progress: Progress) => void {
  let stage: Stage | null = null;
  let stageStarted = performance.now();
  return (progress) => {
    if (progress.stage !== stage) {
      stage = progress.stage;
      stageStarted = performance.now();
    }
    const estimate = estimateProgress(progress.done, progress.total, stageStarted, performance.now());
    const [from, to] = STAGE_SPAN[progress.stage];
    set({
      job: {
        status: 'running',
        stage: progress.stage,
        fraction: from + (to - from) * estimate.fraction,
        etaSeconds: estimate.etaSeconds,
        detail: describe(progress, estimate.ratePerSecond, working),
      },
    });
  };
}
