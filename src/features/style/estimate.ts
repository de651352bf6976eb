/**
 * "Best quality" for a video: how long the job will take, from a measured warm-up on its first frame
 * (worker/video.ts estimateVideo), before the user starts it. Pure maths here; the measuring call and
 * its state are in videoEstimate.ts.
 */
import { formatDuration } from '../../lib/progress';

export interface FrameTiming {
  /** Model time per frame, after a warm-up run. */
  modelMillis: number;
  /** Decode, conversions and encode per frame. */
  overheadMillis: number;
  /** Paid once per job: opening the video, indexing its frames, the decoder's first frame. */
  setupMillis?: number;
}

/**
 * Seconds for `frames` frames. The model and the rest overlap only where other threads do the work
 * (the decoder and encoder); the model's WASM threads hold the cores, so the estimate counts both in
 * full: an honest upper bound that the overlapped pipeline beats by a little, never a promise it breaks.
 */
export function estimateSeconds(frames: number, timing: FrameTiming): number {
  if (!(frames > 0)) return 0;
  const perFrame = Math.max(0, timing.modelMillis) + Math.max(0, timing.overheadMillis);
  return (frames * perFrame + Math.max(0, timing.setupMillis ?? 0)) / 1000;
}

/** "About 3 min 20 s for 250 frames (0.8 s a frame)". */
export function describeEstimate(frames: number, timing: FrameTiming): string {
  const seconds = estimateSeconds(frames, timing);
  const perFrame = (timing.modelMillis + timing.overheadMillis) / 1000;
  const each = perFrame >= 10 ? perFrame.toFixed(0) : perFrame.toFixed(1);
  return `About ${formatDuration(Math.max(1, seconds))} for ${frames} frame${frames === 1 ? '' : 's'} (${each} s a frame)`;
}
