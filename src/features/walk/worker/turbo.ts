/**
 * One-step SD-Turbo sampling as pure functions, exactly as ../shared/CATALOGUE.md gives it (the
 * ONNX Runtime web SD-Turbo example), plus the checks every frame must pass.
 *
 *   x     = noise · σ                       (σ = 14.6146, the first sigma of the Euler schedule)
 *   unet  = UNet(x / √(σ² + 1), t = 999, text)   -> ε (the predicted noise)
 *   x0    = x − σ · ε                       (one Euler step from σ to 0)
 *   image = VAE(x0 / 0.18215)               (undo the latent scaling factor)
 *   pixel = clamp(v / 2 + 0.5, 0, 1)        ([-1, 1] -> [0, 1])
 */
import { UserError } from '../../../lib/errors';

export const SIGMA = 14.6146;
export const VAE_SCALING = 0.18215;
export const TIMESTEP = 999n;
/** [batch, channels, height, width] of the latent for a 512×512 image. */
export const LATENT_DIMS = [1, 4, 64, 64] as const;
export const LATENT_SIZE = 4 * 64 * 64;

/** Step 1: the starting latent from unit Gaussian noise. */
export function startLatent(noise: Float32Array): Float32Array {
  return noise.map((n) => n * SIGMA);
}

/** Step 2: the UNet's `sample` input (the scheduler's scale_model_input). */
export function unetInput(x: Float32Array): Float32Array {
  const scale = 1 / Math.sqrt(SIGMA * SIGMA + 1);
  return x.map((v) => v * scale);
}

/** Step 3: the denoised latent from the UNet's `out_sample` (ε). */
export function denoise(x: Float32Array, epsilon: Float32Array): Float32Array {
  if (x.length !== epsilon.length) throw new Error(`the UNet gave ${epsilon.length} values for a latent of ${x.length}`);
  return x.map((v, i) => v - SIGMA * epsilon[i]);
}

/** Step 4: the VAE decoder's `latent_sample` input. */
export function vaeInput(x0: Float32Array): Float32Array {
  return x0.map((v) => v / VAE_SCALING);
}

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Step 5: the VAE's `sample` [1,3,H,W] in about [-1, 1] -> an opaque RGBA image. */
export function vaeToImage(sample: Float32Array, dims: readonly number[]): RgbaImage {
  if (dims.length !== 4 || dims[0] !== 1 || dims[1] !== 3) throw new Error(`the VAE decoder gave [${dims.join(',')}], not [1,3,height,width]`);
  const [, , height, width] = dims;
  const plane = width * height;
  if (sample.length !== 3 * plane) throw new Error(`the VAE decoder gave ${sample.length} values for [${dims.join(',')}]`);
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round(Math.min(1, Math.max(0, sample[c * plane + i] / 2 + 0.5)) * 255);
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

export type FrameStage = 'text encoder' | 'UNet' | 'VAE decoder';

/**
 * A frame that came out wrong: NaN/Infinity in a model's output, or an image with nothing in it.
 * Both are known failures of fp16 graphs in ONNX Runtime Web (InstanceNorm/LayerNorm overflow), so
 * the sentence says so and what to try. A UserError: the page shows the sentence as it is.
 */
export class FrameCheckError extends UserError {
  constructor(
    readonly kind: 'nan' | 'black',
    /** 1-based frame number (0 for the prompts' text encoder run). */
    readonly frame: number,
    readonly stage: FrameStage,
    detail: string,
  ) {
    super(
      kind === 'nan'
        ? `${frame > 0 ? `Frame ${frame}` : 'The prompt encoding'} came out as NaN in the ${stage} output (${detail}). This is a known half-precision (fp16) overflow in ONNX Runtime Web on some GPUs; the walk was stopped. Try again with another browser or GPU, or use the style morph instead.`
        : `Frame ${frame} came out all black (${detail}). This is how a half-precision (fp16) overflow in ONNX Runtime Web shows on some GPUs; the walk was stopped. Try again with another browser or GPU, or use the style morph instead.`,
    );
    this.name = 'UserError'; // keep the UI's "show the sentence" rule; `kind` tells the two apart
  }
}

/** Throws FrameCheckError when any value is NaN or ±Infinity. */
export function checkFinite(values: ArrayLike<number>, frame: number, stage: FrameStage): void {
  let bad = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || v === Infinity || v === -Infinity) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) throw new FrameCheckError('nan', frame, stage, `${bad} of ${values.length} values are not numbers, the first at index ${first}`);
}

/** No pixel brighter than this (of 255) in any channel counts as all black. */
export const BLACK_LEVEL = 2;

/** Throws FrameCheckError when every pixel of an RGBA image is black (≤ BLACK_LEVEL in R, G and B). */
export function checkNotBlack(image: RgbaImage, frame: number): void {
  let brightest = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const m = Math.max(image.data[i], image.data[i + 1], image.data[i + 2]);
    if (m > brightest) brightest = m;
    if (brightest > BLACK_LEVEL) return;
  }
  throw new FrameCheckError('black', frame, 'VAE decoder', `the brightest value is ${brightest} of 255`);
}
