/**
 * "Best quality" for a video (opt-in): which model runs, and the time estimate shown before the
 * user starts the job, measured on the video's first frame in the video worker (estimateVideo). A
 * job started while the estimate is still being measured waits for it, so the two never share the
 * worker's session at once.
 */
import { create } from 'zustand';
import type { Trim } from '../../lib/timeline';
import type { ModelEntry } from '../../models/registry';
import type { ExtraInput } from '../../runtime/ort';
import { appRoot } from '../../state/jobs';
import { useAppStore, type InputFile } from '../../state/store';
import { videoWorker } from '../../workers/client';
import { describeEstimate, estimateSeconds } from './estimate';
import { offeredQualityModel } from './models';
import { oneHotInputs, QUALITY_SUFFIX } from './plan';

export interface VideoEstimate {
  status: 'idle' | 'measuring' | 'done' | 'failed';
  /** What was measured: input, style, height and trim. */
  key: string;
  text: string;
  seconds: number;
  frames: number;
}

const idle: VideoEstimate = { status: 'idle', key: '', text: '', seconds: 0, frames: 0 };
export const useVideoEstimate = create<VideoEstimate>(() => idle);

export interface BestVideoPlan {
  model: ModelEntry;
  extraInputs: ExtraInput[];
  fileSuffix: string;
}

/** The quality model with `styleId`'s weight, or null where Best quality is not offered for it (models.ts bestTierOffer). */
export function bestVideoPlan(styleId: string): BestVideoPlan | null {
  const quality = offeredQualityModel(styleId);
  if (!quality) return null;
  return { model: quality, extraInputs: oneHotInputs(quality, styleId), fileSuffix: `${styleId}-${QUALITY_SUFFIX}` };
}

let measuring: Promise<void> = Promise.resolve();

/** Resolves once no estimate is being measured. */
export function estimateSettled(): Promise<void> {
  return measuring;
}

/** Measures (again) when the input, style, height, trim or steady strokes changed since the last estimate. */
export function requestEstimate(input: InputFile, styleId: string, height: number, trim: Trim, steady = false): void {
  const plan = bestVideoPlan(styleId);
  if (!plan) return;
  const key = JSON.stringify([input.previewUrl, styleId, height, trim.start, trim.end, steady]);
  const current = useVideoEstimate.getState();
  if (current.key === key && current.status !== 'failed') return;
  useVideoEstimate.setState({ ...idle, status: 'measuring', key });
  const { backend, gpu } = useAppStore.getState();
  const run = async () => {
    if (useVideoEstimate.getState().key !== key) return; // superseded while queued
    try {
      const result = await videoWorker.call('estimateVideo', {
        appRoot: appRoot(),
        backend,
        fp16: gpu?.shaderF16 ?? false,
        model: plan.model,
        video: input.file,
        height,
        trim,
        steady,
        extraInputs: plan.extraInputs,
      });
      if (useVideoEstimate.getState().key !== key) return;
      const text = `${describeEstimate(result.frames, result)}, timed on the first frame at ${result.width}×${result.height} on ${result.backend.toUpperCase()}.`;
      useVideoEstimate.setState({ status: 'done', key, text, seconds: estimateSeconds(result.frames, result), frames: result.frames });
    } catch (error) {
      if (useVideoEstimate.getState().key !== key) return;
      const detail = error instanceof Error ? error.message : String(error);
      useVideoEstimate.setState({ ...idle, status: 'failed', key, text: `The time could not be measured (${detail}).` });
    }
  };
  measuring = measuring.then(run);
}
