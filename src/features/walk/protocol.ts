/** The walk task's worker methods: their requests and results (types only, shared by page and worker). */
import type { Backend } from '../../models/registry';
import type { ModelRequest, Progress } from '../../workers/protocol';
import type { WalkSettings } from './meta';

export interface LatentWalkRequest extends ModelRequest, WalkSettings {
  /** The user accepted the model's licence and asked for it: missing files may be downloaded. */
  download: boolean;
}

export interface LatentWalkResult {
  /** The GIF or MP4. */
  output: Blob;
  /** `gif`, or the video codec (`avc`…). */
  codec: string;
  /** Rendered frames, and frames in the GIF (ping-pong plays some twice). */
  frames: number;
  played: number;
  width: number;
  height: number;
  promptTokens: { a: number; b: number; truncated: boolean };
  /** UNet + VAE per frame, mean; prompts; the whole job in the worker (loading included). */
  msPerFrame: number;
  promptsMs: number;
  totalMs: number;
  backend: Backend;
  variant: string;
}

/**
 * Progress of a walk. Each finished frame rides along (RGBA, cloned) so the page shows it
 * at once: `frame` with `done` frames of `total`, and the walk's own estimate of the time left.
 */
export type LatentWalkProgress = Progress & {
  frame?: { index: number; width: number; height: number; data: Uint8ClampedArray };
  remainingMs?: number;
};

export interface WalkMethods {
  latentWalk(request: LatentWalkRequest): LatentWalkResult;
}
