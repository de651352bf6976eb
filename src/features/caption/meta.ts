import type { TaskMeta } from '../types';

/** The task as the registry, the task switcher and the job bar see it. */
export const meta = {
  id: 'caption',
  label: 'Captions',
  description: 'Describe your photos in words: one or a whole folder, with a caption per photo.',
  inputs: ['image'],
  outputs: ['text'],
  runLabel: 'Caption',
  progressLabel: 'Captioning',
} as const satisfies TaskMeta;

/** Decoding settings; the defaults are the model's own config (max length 20, greedy). */
export interface CaptionSettings {
  /** 1 = greedy. The model card's example uses 4. */
  numBeams: number;
  /** Total length including the start token (as Hugging Face counts it). */
  maxLength: number;
  /** 1 = off. */
  repetitionPenalty: number;
  /** 0 = off. */
  noRepeatNgramSize: number;
}

export const captionDefaults: CaptionSettings = { numBeams: 1, maxLength: 20, repetitionPenalty: 1, noRepeatNgramSize: 0 };

export const captionLimits = {
  numBeams: [1, 8],
  maxLength: [2, 64],
  repetitionPenalty: [1, 2],
  noRepeatNgramSize: [0, 5],
} as const;
