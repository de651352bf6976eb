/** App state: plain data only. Workers and sessions live in src/workers, never in here. */
import { create } from 'zustand';
import type { ImageFormat, VideoFormat } from '../lib/filename';
import type { Rgba } from '../lib/pixels';
import { WHOLE_VIDEO, type Trim } from '../lib/timeline';
import type { GifOptions } from '../media/encode/gif';
import type { DecoderPath, VideoInfo } from '../media/frames';
import type { GpuInfo } from '../runtime/capabilities';
import type { Backend, Task } from '../models/registry';
import type { Stage } from '../workers/protocol';
import { NO_BLEND, type BlendChoice } from '../features/style/blend';
import { styleMeta } from '../features/style/meta';
import type { StyleTier } from '../features/style/plan';

export interface InputFile {
  file: File;
  name: string;
  previewUrl: string;
  /** Set for videos: what the media worker found when the file was opened. */
  video: VideoInfo | null;
}

export interface VideoSettings {
  format: VideoFormat;
  /** Processing and output height; 0 = the source's. */
  height: number;
  trim: Trim;
  gif: GifOptions;
}

export interface VideoResult {
  url: string;
  fileName: string;
  format: VideoFormat;
  bytes: number;
  width: number;
  height: number;
  frames: number;
  seconds: number;
  /** Source time of the output's first frame, to play the source alongside. */
  sourceStart: number;
  decoder: DecoderPath;
  framesOnGpu: boolean;
  codec: string;
  hasAudio: boolean;
  framesPerSecond: number;
  backend: Backend;
  styleTitle: string;
}

export interface LivePreview {
  status: 'idle' | 'running' | 'done';
  /** Frames stylised and shown, of `total`; the rest were dropped to keep to real time. */
  frames: number;
  total: number;
  framesPerSecond: number;
  styleTitle: string;
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
  /** The model that ran: a style's own, the realtime blend, or the quality-tier model. */
  modelId: string;
  inferMillis: number;
  tiles: number;
  styleTitle: string;
  /** Names the download: the style id, or "first+second-30" for a blend; fixed when the job ran. */
  fileSuffix: string;
}

/** A blend walk: an animated GIF of the photo going from one style to the other and back. */
export interface WalkResult {
  url: string;
  fileName: string;
  bytes: number;
  frames: number;
  width: number;
  height: number;
  backend: Backend;
  title: string;
}

export interface AppState {
  task: Task;
  backend: Backend;
  gpu: GpuInfo | null;
  input: InputFile | null;
  styleId: string;
  customModel: CustomModel | null;
  /** Photos only: a second style mixed into the chosen one through the blend model. */
  blend: BlendChoice;
  /** Photos only: 'best' runs the quality-tier model (about 9x the work of 'fast'). */
  tier: StyleTier;
  strength: number;
  maxSide: number;
  format: ImageFormat;
  job: JobState;
  result: StyleResult | null;
  walkResult: WalkResult | null;
  video: VideoSettings;
  videoResult: VideoResult | null;
  live: LivePreview;
  error: string | null;
}

export const idleLive: LivePreview = { status: 'idle', frames: 0, total: 0, framesPerSecond: 0, styleTitle: '' };

export const idleJob: JobState = { status: 'idle', stage: null, fraction: 0, etaSeconds: null, detail: '' };

export const useAppStore = create<AppState>(() => ({
  task: 'style',
  backend: 'wasm',
  gpu: null,
  input: null,
  styleId: '',
  customModel: null,
  blend: NO_BLEND,
  tier: 'fast',
  strength: styleMeta.defaults.strength,
  maxSide: styleMeta.defaults.maxSide,
  format: styleMeta.defaults.format,
  job: idleJob,
  result: null,
  walkResult: null,
  video: {
    format: styleMeta.video.format,
    height: styleMeta.video.height,
    trim: WHOLE_VIDEO,
    gif: { fps: styleMeta.video.gifFps[0], width: styleMeta.video.gifWidths[0] },
  },
  videoResult: null,
  live: idleLive,
  error: null,
}));
