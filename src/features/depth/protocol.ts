/** The depth task's worker methods: their requests and results (types only, shared by page and worker). */
import type { VideoFormat } from '../../lib/filename';
import type { DecoderPath } from '../../media/frames';
import type { Backend } from '../../models/registry';
import type { ModelRequest } from '../../workers/protocol';
import type { ColormapId } from './colormap';
import type { Range } from './postprocess';

/** Which preprocessing and contract a catalogue depth model follows (CATALOGUE.md). */
export type DepthModelKind = 'depth-anything' | 'midas';

export interface DepthModelRequest extends ModelRequest {
  /** `from-file`: the user's own file (copied into the model store: src/features/depth/models.ts), whose graph says which contract it follows. */
  kind: DepthModelKind | 'from-file';
  /** Catalogue files missing on this device may be downloaded: the user asked for it by running. */
  download: boolean;
}

export interface DepthImageRequest extends DepthModelRequest {
  image: Blob;
  imageName: string;
}

export interface DepthImageResult {
  /** The photo's size: the map always has it, whatever size the model ran at. */
  width: number;
  height: number;
  /** Relative inverse depth normalised min-max to [0,1] (1 = nearest point), `width * height` values. */
  depth: Float32Array;
  /** The raw model values that became 0 and 1. */
  range: Range;
  modelSize: { width: number; height: number };
  backend: Backend;
  variant: string;
  inferMillis: number;
}

export type Photo3dFormat = 'gif' | 'mp4';

export interface Depth3dRequest extends DepthModelRequest {
  image: Blob;
  imageName: string;
  format: Photo3dFormat;
  maxSide: number;
  frames: number;
  frameMillis: number;
  amplitude: number;
}

export interface Depth3dResult {
  blob: Blob;
  /** "gif", or the video codec ("avc"). */
  codec: string;
  frames: number;
  width: number;
  height: number;
  backend: Backend;
  variant: string;
}

export interface DepthVideoRequest extends DepthModelRequest {
  video: File;
  /** Processing (and output) height; 0 keeps the source's. */
  height: number;
  format: VideoFormat;
  colormap: ColormapId;
  /** "ffmpeg" skips the browser's VideoEncoder (URL ?encoder=ffmpeg). */
  encoder: 'auto' | 'ffmpeg';
}

/**
 * Flicker of the depth video: mean frame-to-frame change of the normalised map, for the running
 * range the video was made with and for per-frame min-max (measured alongside, not encoded), and
 * of the input's grey levels; each ratio is depth change / input change.
 */
export interface FlickerReport {
  stable: number;
  perFrame: number;
  input: number;
  stableRatio: number;
  perFrameRatio: number;
  /** How much the normalisation itself moves per frame, as a share of its range (RangeChangeMeter). */
  rangeStable: number;
  rangePerFrame: number;
}

export interface DepthVideoResult {
  blob: Blob;
  decoder: DecoderPath;
  codec: string;
  width: number;
  height: number;
  frames: number;
  seconds: number;
  hasAudio: boolean;
  framesPerSecond: number;
  backend: Backend;
  variant: string;
  flicker: FlickerReport;
  warning?: string;
}

export interface DepthMethods {
  depthImage(request: DepthImageRequest): DepthImageResult;
  depthPhoto3d(request: Depth3dRequest): Depth3dResult;
  depthVideo(request: DepthVideoRequest): DepthVideoResult;
}
