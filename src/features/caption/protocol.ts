/** The caption task's worker methods: their requests and results (types only, shared by page and worker). */
import type { Backend } from '../../models/registry';
import type { ModelRequest, Progress } from '../../workers/protocol';
import type { CaptionSettings } from './meta';

export interface CaptionImageRequest extends ModelRequest, CaptionSettings {
  image: Blob;
  imageName: string;
}

export interface CaptionImageResult {
  text: string;
  ids: number[];
  /** Ended with the end token rather than cut at maxLength. */
  finished: boolean;
  /** Decoder runs. */
  steps: number;
  /** Decoder runs whose key/value cache stayed on the GPU (WebGPU), and reads of it back to the CPU (beam reorders). */
  gpuCacheSteps: number;
  cacheReadbacks: number;
  width: number;
  height: number;
  /** Encoder + decoder loop (the caption itself). */
  captionMs: number;
  /** Everything in the worker for this photo: decoding the file, opening the models the first time, captioning. */
  totalMs: number;
  backend: Backend;
  variant: string;
}

/**
 * Progress of a caption: `done` tokens of at most `total`, and the caption so far (`text`), so the
 * page shows it token by token. The shared Progress carries no payload, so the text rides along as
 * an extra field (structured clone keeps it).
 */
export type CaptionProgress = Progress & { text?: string };

export interface CaptionMethods {
  captionImage(request: CaptionImageRequest): CaptionImageResult;
}
