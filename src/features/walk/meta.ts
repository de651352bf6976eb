import type { TaskMeta } from '../types';
import { MAX_FRAMES, MIN_FRAMES } from './schedule';

/** The task as the registry, the task switcher and the job bar see it. */
export const meta = {
  id: 'walk',
  label: 'Latent walk',
  description: 'Type two prompts and watch a diffusion model walk from one picture to the other, as a looping GIF.',
  inputs: ['text'],
  outputs: ['gif'],
  runLabel: 'Make walk',
  progressLabel: 'Rendering',
} as const satisfies TaskMeta;

export interface WalkSettings {
  promptA: string;
  promptB: string;
  /** Rendered frames, 4…120. */
  frames: number;
  /** Play back from B to A as well. */
  pingPong: boolean;
  /** Starting noise, held fixed… */
  seed: number;
  /** …unless the noise walks too, from `seed` to `seedB`. */
  seedWalk: boolean;
  seedB: number;
  /** How long each frame shows. */
  frameMillis: number;
  /** A GIF (one palette for all frames) or an MP4 through the browser's encoder (ffmpeg.wasm where it has none). */
  format: WalkFormat;
}

export type WalkFormat = 'gif' | 'mp4';

export const walkDefaults: WalkSettings = {
  promptA: 'a photo of a red cat',
  promptB: 'the blue forest at sunset',
  frames: 16,
  pingPong: true,
  seed: 42,
  seedWalk: false,
  seedB: 43,
  frameMillis: 100,
  format: 'gif',
};

export const walkLimits = { frames: [MIN_FRAMES, MAX_FRAMES], frameMillis: [20, 1000] } as const;

/**
 * The graphs of the one-step SD-Turbo export for ORT-web, by their files' roles in the manifest,
 * with the free-dimension overrides ../shared/CATALOGUE.md gives (text encoder: batch only; fixing
 * its sequence length spoils the image).
 */
export const WALK_GRAPHS = {
  textEncoder: { role: 'text-encoder', overrides: { batch_size: 1 } },
  unet: { role: 'unet', overrides: { batch_size: 1, num_channels: 4, height: 64, width: 64, sequence_length: 77 } },
  vaeDecoder: { role: 'vae-decoder', overrides: { batch_size: 1 } },
} as const;

export const TOKENIZER_ROLES = { vocab: 'vocab', merges: 'merges' } as const;
