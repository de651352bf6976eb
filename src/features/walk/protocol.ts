/** The walk task's worker methods: their requests and results (types only, shared by page and worker). */
import type { Backend, ModelFile } from '../../models/registry';
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

/** SD-Turbo files the user picked (src/features/walk/own.ts), to copy into the model store. */
export interface ImportWalkRequest {
  files: Array<{ file: Blob; path: string; role: string }>;
}

export interface ImportWalkResult {
  /** As stored: read back by sha256 like downloaded files (no URL: nothing to download). */
  files: ModelFile[];
  /** `memory`: this browser has no OPFS, so the copy lasts this visit only. */
  storage: 'device' | 'memory';
}

export interface WalkMethods {
  latentWalk(request: LatentWalkRequest): LatentWalkResult;
  importWalkFiles(request: ImportWalkRequest): ImportWalkResult;
}
