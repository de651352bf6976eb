/** App state: plain data only. Workers and sessions live in src/workers, never in here. */
import { create } from 'zustand';
import type { ImageFormat } from '../lib/filename';
import type { Rgba } from '../lib/pixels';
import type { GpuInfo } from '../runtime/capabilities';
import type { Backend, Task } from '../models/registry';
import type { Stage } from '../workers/protocol';
import { styleMeta } from '../features/style/meta';

export interface InputFile {
  file: File;
  name: string;
  previewUrl: string;
}

export interface CustomModel {
  name: string;
  bytes: Uint8Array;
}

export interface JobState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'failed';
  stage: Stage | null;
  /** 0..1 over the whole job. */
  fraction: number;
  etaSeconds: number | null;
  detail: string;
}

export interface StyleResult {
  pixels: { input: Rgba; stylised: Rgba };
  url: string;
  fileName: string;
  width: number;
  height: number;
  backend: Backend;
  variant: string;
  inferMillis: number;
  tiles: number;
  styleTitle: string;
}

export interface AppState {
  task: Task;
  backend: Backend;
  gpu: GpuInfo | null;
  input: InputFile | null;
  styleId: string;
  customModel: CustomModel | null;
  strength: number;
  maxSide: number;
  format: ImageFormat;
  job: JobState;
  result: StyleResult | null;
  error: string | null;
}

export const idleJob: JobState = { status: 'idle', stage: null, fraction: 0, etaSeconds: null, detail: '' };

export const useAppStore = create<AppState>(() => ({
  task: 'style',
  backend: 'wasm',
  gpu: null,
  input: null,
  styleId: '',
  customModel: null,
  strength: styleMeta.defaults.strength,
  maxSide: styleMeta.defaults.maxSide,
  format: styleMeta.defaults.format,
  job: idleJob,
  result: null,
  error: null,
}));
