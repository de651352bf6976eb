/**
 * What every task shares: the chosen task, backend, input, job, errors and one result. Plain data
 * only; each task keeps its own settings in its own slice (src/features/<task>/state.ts), and
 * workers and sessions live in src/workers, never in here.
 */
import { create } from 'zustand';
import type { VideoInfo } from '../media/frames';
import type { Backend } from '../models/registry';
import type { GpuInfo } from '../runtime/capabilities';
import type { Stage } from '../workers/protocol';

export interface InputFile {
  file: File;
  name: string;
  previewUrl: string;
  /** Set for videos: what the media worker found when the file was opened. */
  video: VideoInfo | null;
}

export interface JobState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'failed';
  stage: Stage | null;
  /** 0..1 over the whole job. */
  fraction: number;
  etaSeconds: number | null;
  detail: string;
}

/**
 * The finished output of a job. `url` is the download (an object URL this store revokes when the
 * result is replaced), `payload` whatever the task that made it (`task`) needs to show it.
 */
export interface TaskResult<Payload = unknown> {
  task: string;
  url: string;
  fileName: string;
  payload: Payload;
}

export interface AppState {
  /** Id of the chosen task (src/features/registry.ts). */
  task: string;
  backend: Backend;
  gpu: GpuInfo | null;
  input: InputFile | null;
  /** The name of a file being opened to replace the input (a video's probe can take seconds); Run waits for it. */
  opening: string | null;
  job: JobState;
  result: TaskResult | null;
  error: string | null;
}

export const idleJob: JobState = { status: 'idle', stage: null, fraction: 0, etaSeconds: null, detail: '' };

export const useAppStore = create<AppState>(() => ({
  task: '',
  backend: 'wasm',
  gpu: null,
  input: null,
  opening: null,
  job: idleJob,
  result: null,
  error: null,
}));

/** The current result if `task` made it, typed as that task's payload. */
export function resultOf<Payload>(state: AppState, task: string): TaskResult<Payload> | null {
  return state.result?.task === task ? (state.result as TaskResult<Payload>) : null;
}
