/** The style task's worker methods: their requests and results (types only, shared by page and worker). */
import type { VideoFormat } from '../../lib/filename';
import type { Rgba } from '../../lib/pixels';
import type { Trim } from '../../lib/timeline';
import type { GifOptions } from '../../media/encode/gif';
import type { DecoderPath } from '../../media/frames';
import type { PipelineStats } from '../../media/pipeline';
import type { Backend } from '../../models/registry';
import type { ExtraInput } from '../../runtime/ort';
import type { ModelRequest } from '../../workers/protocol';

export interface StyleImageRequest extends ModelRequest {
  image: Blob;
  imageName: string;
  /** Long side to process at; 0 keeps the original size (tiled). */
  maxSide: number;
  /** The model's inputs besides the image (a blend model's style weights), the same for every tile. */
  extraInputs?: ExtraInput[];
}

export interface StyleImageResult {
  input: Rgba;
  stylised: Rgba;
  backend: Backend;
  variant: string;
  tiles: number;
  inferMillis: number;
}

/** Style morph: one image through the model once per entry of `frames` (its extra inputs), as an animated GIF. */
export interface StyleMorphRequest extends ModelRequest {
  image: Blob;
  imageName: string;
  maxSide: number;
  /** Blend with the original, as the Strength slider does for a photo. */
  strength: number;
  frames: ExtraInput[][];
  frameMillis: number;
  /** GIF (one palette shared by every frame) or MP4. */
  format: 'gif' | 'mp4';
  /** After the last mix, play the mixes back down (each is rendered once). */
  pingPong: boolean;
}

export interface StyleMorphResult {
  blob: Blob;
  /** "gif", "avc"... */
  codec: string;
  /** Frames in the output (ping-pong included), of `rendered` mixes through the model. */
  frames: number;
  rendered: number;
  width: number;
  height: number;
  backend: Backend;
  variant: string;
}

export interface StyleVideoRequest extends ModelRequest {
  video: File;
  /** Output height in pixels; 0 keeps the source's. */
  height: number;
  trim: Trim;
  strength: number;
  /** Keep strokes from flipping where the picture holds still, moving them with a pan (media/steady.ts): less flicker. */
  steady: boolean;
  format: VideoFormat;
  gif: GifOptions;
  /** "ffmpeg" skips the browser's VideoEncoder (URL ?encoder=ffmpeg), to use or test the fallback. */
  encoder: 'auto' | 'ffmpeg';
  /** The model's inputs besides the frame (the quality model's style weights, "Best quality"). */
  extraInputs?: ExtraInput[];
  /** "serial" runs decode, model and encode strictly in turn (URL ?pipeline=serial), for comparison. */
  pipeline?: 'overlapped' | 'serial';
  /**
   * Where an overlapped WASM job runs the model: "worker" in a worker of its own, "inline" in the
   * pipeline's worker, "auto" (default) a worker of its own only where the CPU has cores beyond ORT's
   * threads (URL ?modelWorker=on|off; BENCHMARKS.md: on 2 cores it gains nothing).
   */
  modelWorker?: 'auto' | 'worker' | 'inline';
}

export interface StyleVideoResult {
  blob: Blob;
  decoder: DecoderPath;
  /** Frames went decoder -> GPU texture -> model input without the CPU route's readback and conversion (WebGPU route). */
  framesOnGpu: boolean;
  /** Encoder codec ("avc", "vp9") or "gif". */
  codec: string;
  width: number;
  height: number;
  frames: number;
  /** Output duration. */
  seconds: number;
  /** Source time of the output's first frame (the trim start, snapped to a frame). */
  sourceStart: number;
  hasAudio: boolean;
  framesPerSecond: number;
  backend: Backend;
  variant: string;
  /** Set when the job finished but the user should know something went wrong (a truncated file). */
  warning?: string;
  /** Time per stage (CPU route only). */
  timing?: PipelineStats;
}

/** Best quality for a video: the time the whole job will take, measured on its first frames first. */
export interface EstimateVideoRequest extends ModelRequest {
  video: File;
  height: number;
  trim: Trim;
  extraInputs?: ExtraInput[];
  /** The job will steady its strokes (media/steady.ts): timed as part of each frame's overhead. */
  steady?: boolean;
  /** Frames to time after one warm-up run (default 1). */
  sample?: number;
}

export interface EstimateVideoResult {
  /** Frames the job will run through the model. */
  frames: number;
  width: number;
  height: number;
  /** Median model time per frame over the timed frames (after the warm-up run). */
  modelMillis: number;
  /** Decode, conversions and encode per frame, measured on the same frames. */
  overheadMillis: number;
  /** Session start and its first run: paid once, before this estimate (the job reuses the session). */
  startMillis: number;
  /** Paid once per job: opening the video, indexing its frames, decoding the first frame. */
  setupMillis: number;
  backend: Backend;
}

/** Live preview: the first seconds stylised straight onto a canvas the page handed over. */
export interface PreviewVideoRequest extends ModelRequest {
  video: File;
  height: number;
  seconds: number;
  /** As the job will run it: steady strokes on or off. */
  steady: boolean;
  canvas: OffscreenCanvas;
}

export interface PreviewVideoResult {
  /** Frames stylised and shown, of `total` in the previewed seconds. */
  frames: number;
  total: number;
  framesPerSecond: number;
  decoder: DecoderPath;
}

export interface StyleMethods {
  styleImage(request: StyleImageRequest): StyleImageResult;
  styleMorph(request: StyleMorphRequest): StyleMorphResult;
  styleVideo(request: StyleVideoRequest): StyleVideoResult;
  previewVideo(request: PreviewVideoRequest): PreviewVideoResult;
  estimateVideo(request: EstimateVideoRequest): EstimateVideoResult;
}
