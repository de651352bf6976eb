/**
 * Temporally stable normalisation for depth videos, and a flicker measure to prove it.
 *
 * Per-frame min–max makes the colours pump: a near object entering one corner moves the maximum,
 * and every other pixel of the frame changes colour although nothing there moved. Instead, each
 * frame's robust range (0.1st and 99.9th percentiles, so a handful of stray pixels do not count)
 * feeds a running range that widens quickly (half the gap per frame, so new extremes are not clipped
 * for long) and narrows slowly (5 % of the gap per frame, ~2 s at 30 fps to settle), and every frame
 * is normalised with that running range. The first frame starts the range at its own percentiles.
 *
 * Measured on ../shared/media/ski.mov (250 frames at 227x128, the linear stand-in's depth computed
 * directly; e2e/depth.spec.ts measures the same in the browser): the normalisation's own jitter
 * (`RangeChangeMeter`) falls from 0.0057 (per-frame min-max) to 0.00044 of the range per frame, and the
 * mean frame-to-frame change of the normalised map from 1.078x to 1.045x the input's grey change. Narrower
 * percentiles (2/98) cut the jitter further but stretch the contrast, so every real change looks
 * bigger (1.088x): the 0.1/99.9 pair is the better trade.
 */
import type { Range } from '../postprocess';

/** The `p` quantile (0..1) of the finite values, from a fixed-size sample so a 4K frame stays cheap. */
export function quantiles(data: Float32Array, ps: readonly number[], sampleSize = 16384): number[] {
  const step = Math.max(1, Math.floor(data.length / sampleSize));
  const sample: number[] = [];
  for (let i = 0; i < data.length; i += step) {
    const v = data[i];
    if (v - v === 0) sample.push(v);
  }
  if (sample.length === 0) return ps.map(() => 0);
  sample.sort((a, b) => a - b);
  return ps.map((p) => {
    const pos = Math.min(1, Math.max(0, p)) * (sample.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sample.length - 1);
    return sample[lo] + (sample[hi] - sample[lo]) * (pos - lo);
  });
}

export interface TemporalOptions {
  /** Quantiles taken as a frame's low and high ends. */
  lowQuantile: number;
  highQuantile: number;
  /** Share of the gap closed per frame when the frame's range is wider than the running one. */
  widen: number;
  /** Share of the gap closed per frame when it is narrower (slow decay). */
  narrow: number;
}

export const TEMPORAL_DEFAULTS: TemporalOptions = { lowQuantile: 0.001, highQuantile: 0.999, widen: 0.5, narrow: 0.05 };

export class TemporalRange {
  private range: Range | null = null;
  private readonly options: TemporalOptions;

  constructor(options: Partial<TemporalOptions> = {}) {
    this.options = { ...TEMPORAL_DEFAULTS, ...options };
  }

  /** The range to normalise this frame with, after taking the frame into account. */
  update(frame: Float32Array): Range {
    const [low, high] = quantiles(frame, [this.options.lowQuantile, this.options.highQuantile]);
    if (!this.range) {
      this.range = { min: low, max: high };
      return { ...this.range };
    }
    const { widen, narrow } = this.options;
    const r = this.range;
    r.min += (low - r.min) * (low < r.min ? widen : narrow);
    r.max += (high - r.max) * (high > r.max ? widen : narrow);
    return { ...r };
  }

  reset(): void {
    this.range = null;
  }
}

/**
 * Mean absolute change between consecutive frames, averaged over all pairs (values as given).
 * Frames must share one length.
 */
export function meanFrameChange(frames: readonly Float32Array[]): number {
  if (frames.length < 2) return 0;
  let total = 0;
  for (let f = 1; f < frames.length; f++) {
    const a = frames[f - 1];
    const b = frames[f];
    if (a.length !== b.length) throw new Error(`frame ${f} has ${b.length} values, frame ${f - 1} ${a.length}`);
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(b[i] - a[i]);
    total += sum / a.length;
  }
  return total / (frames.length - 1);
}

/**
 * Flicker: how much the normalised depth changes from frame to frame, relative to how much the input
 * frames (grey levels in [0,1]) change. A depth video that changes more than its input is pumping;
 * with the camera and scene still, a stable normalisation gives ~0. Returns `depthChange /
 * inputChange` (Infinity when the input never changes but the depth does, 0 when neither does).
 */
export function flicker(normalisedDepth: readonly Float32Array[], inputGrey: readonly Float32Array[]): { depthChange: number; inputChange: number; ratio: number } {
  const depthChange = meanFrameChange(normalisedDepth);
  const inputChange = meanFrameChange(inputGrey);
  const ratio = inputChange > 0 ? depthChange / inputChange : depthChange > 0 ? Infinity : 0;
  return { depthChange, inputChange, ratio };
}

/**
 * `meanFrameChange` for a stream: keeps only the previous frame, so a video of any length can be
 * measured while it is processed.
 */
export class FrameChangeMeter {
  private previous: Float32Array | null = null;
  private total = 0;
  private pairs = 0;

  add(frame: Float32Array): void {
    const prev = this.previous;
    if (prev) {
      if (prev.length !== frame.length) throw new Error(`frame has ${frame.length} values, the previous one ${prev.length}`);
      let sum = 0;
      for (let i = 0; i < frame.length; i++) sum += Math.abs(frame[i] - prev[i]);
      this.total += sum / frame.length;
      this.pairs++;
    }
    this.previous = frame.slice();
  }

  get value(): number {
    return this.pairs ? this.total / this.pairs : 0;
  }
}

/** Grey levels in [0,1] of an RGBA image (Rec. 709 luma), the input side of the flicker ratio. */
export function greyLevels(image: { data: Uint8ClampedArray; width: number; height: number }): Float32Array {
  const out = new Float32Array(image.width * image.height);
  const d = image.data;
  for (let i = 0; i < out.length; i++) out[i] = (0.2126 * d[i * 4] + 0.7152 * d[i * 4 + 1] + 0.0722 * d[i * 4 + 2]) / 255;
  return out;
}

/**
 * How much a normalisation itself moves between frames: mean over frame pairs of
 * `(|min - prevMin| + |max - prevMax|) / (max - min)`. Per-frame min-max moves with every extreme
 * pixel; a stable normalisation hardly moves. Independent of the scene's own motion.
 */
export class RangeChangeMeter {
  private previous: Range | null = null;
  private total = 0;
  private pairs = 0;

  add(range: Range): void {
    const p = this.previous;
    const span = range.max - range.min;
    if (p && span > 0) {
      this.total += (Math.abs(range.min - p.min) + Math.abs(range.max - p.max)) / span;
      this.pairs++;
    }
    this.previous = { ...range };
  }

  get value(): number {
    return this.pairs ? this.total / this.pairs : 0;
  }
}
