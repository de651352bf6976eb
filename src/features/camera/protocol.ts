/** The camera worker's methods: their requests and results (types only, shared by page and worker). */
import type { VideoFormat } from '../../lib/filename';
import type { Backend } from '../../models/registry';
import type { ModelRequest } from '../../workers/protocol';
import type { ColormapId } from '../depth/colormap';
import type { DepthModelKind } from '../depth/protocol';

/** What the live view paints: the chosen style, or the colourised depth map. */
export type CameraMode = 'style' | 'depth';

/** One camera frame, already at the processing size, and what to do with it. */
export interface CameraFrameRequest extends ModelRequest {
  /** Moved, not copied; closed by the worker. */
  frame: ImageBitmap;
  mode: CameraMode;
  /** Style: blend with the camera picture (0-1). */
  strength: number;
  /** Style: steady strokes (media/steady.ts), so a still scene does not flicker. */
  steady?: boolean;
  /** Depth: the model's contract and the colour map. */
  depthKind?: DepthModelKind;
  colormap?: ColormapId;
  /** Depth: catalogue files missing on this device may be downloaded. */
  download?: boolean;
  /** Seconds since the recording started, when one is running: the frame goes into the clip too. */
  recordAt?: number;
}

export interface CameraFrameResult {
  /** The painted frame, to draw on the page's canvas. */
  frame: ImageBitmap;
  backend: Backend;
  variant: string;
  inferMillis: number;
  /** The frame went through the WebGPU single-pass route (texture in, no CPU planar conversion). */
  onGpu: boolean;
}

export interface RecordStartRequest {
  appRoot: string;
  format: Exclude<VideoFormat, 'gif'>;
  width: number;
  height: number;
  /** Microphone audio will follow (cameraAudio calls) with this layout. */
  audio: { sampleRate: number; channels: number } | null;
}

export interface RecordStartResult {
  /** "avc", "vp9"… */
  codec: string;
  /** Audio codec, or null when the clip will be silent (no mic, or no encoder for it here). */
  audioCodec: string | null;
}

/** A run of microphone samples, planar float32 (all of channel 0, then channel 1…). */
export interface AudioChunk {
  data: Float32Array;
  channels: number;
  sampleRate: number;
  /** Seconds since the recording started. */
  timestamp: number;
}

export interface RecordStopResult {
  blob: Blob;
  codec: string;
  frames: number;
  hasAudio: boolean;
  seconds: number;
}

export interface CameraMethods {
  cameraFrame(request: CameraFrameRequest): CameraFrameResult;
  cameraRecordStart(request: RecordStartRequest): RecordStartResult;
  cameraAudio(request: AudioChunk): boolean;
  cameraRecordStop(request: Record<string, never>): RecordStopResult;
}
