/**
 * Steadier stylised video. Per-frame style transfer redraws its texture on every frame, and where
 * the picture hardly changed (snow, sky, a wall) the strokes still flip from one frame to the next:
 * that reads as flicker. Here each stylised pixel keeps part of the previous frame's stylised pixel
 * where the input around it did not change, and takes the new one where it did (motion, a cut):
 *
 *   change = mean |RGB difference| of the input frames, in [0, 1], averaged over a 5x5 neighbourhood
 *   keep   = KEEP * exp(-change / SCALE)
 *   out    = keep * previous out + (1 - keep) * stylised
 *
 * No optical flow, so a moving area is simply the new frame's. Measured on ski.mov at 456x256
 * (training/flicker.py --steady, first 100 frames): Great Wave's flicker 1.56 -> 1.22, Starry Night
 * 1.47 -> 1.06, Composition VII 1.53 -> 1.17, each output on average 0.013 away from its frame's own
 * stylisation. The WebGPU route computes the same in its compose pass (features/style/worker/gpu-styler.ts).
 */
import type { Rgba } from '../lib/pixels';

export const STEADY = { keep: 0.7, scale: 0.05, radius: 2 } as const;

/** Per pixel, the mean absolute RGB change between two frames (0-1), averaged over the (2r+1)^2 window inside the frame. */
export function changeMap(previous: Uint8ClampedArray, current: Uint8ClampedArray, width: number, height: number, radius: number = STEADY.radius): Float32Array {
  const plain = new Float32Array(width * height);
  for (let i = 0, o = 0; i < plain.length; i++, o += 4) {
    plain[i] = (Math.abs(current[o] - previous[o]) + Math.abs(current[o + 1] - previous[o + 1]) + Math.abs(current[o + 2] - previous[o + 2])) / (3 * 255);
  }
  // Separable box mean, each pass over the part of the window inside the frame.
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const line = y * width;
    for (let x = 0; x < width; x++) {
      const from = Math.max(0, x - radius);
      const to = Math.min(width - 1, x + radius);
      let sum = 0;
      for (let k = from; k <= to; k++) sum += plain[line + k];
      rows[line + x] = sum / (to - from + 1);
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const from = Math.max(0, y - radius);
    const to = Math.min(height - 1, y + radius);
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = from; k <= to; k++) sum += rows[k * width + x];
      out[y * width + x] = sum / (to - from + 1);
    }
  }
  return out;
}

/** The filter for one video: feed it every frame in order (the input and its stylised frame, same size). */
export class SteadyFilter {
  private previousInput: Uint8ClampedArray | null = null;
  private previousOutput: Uint8ClampedArray | null = null;

  apply(input: Rgba, stylised: Rgba): Rgba {
    const { width, height } = input;
    if (stylised.width !== width || stylised.height !== height) throw new Error(`stylised ${stylised.width}x${stylised.height} does not match ${width}x${height}`);
    const before = this.previousInput;
    const kept = this.previousOutput;
    let data = stylised.data;
    if (before && kept && before.length === input.data.length) {
      const change = changeMap(before, input.data, width, height);
      data = new Uint8ClampedArray(stylised.data.length);
      for (let i = 0, o = 0; i < change.length; i++, o += 4) {
        const keep = STEADY.keep * Math.exp(-change[i] / STEADY.scale);
        data[o] = Math.round(keep * kept[o] + (1 - keep) * stylised.data[o]);
        data[o + 1] = Math.round(keep * kept[o + 1] + (1 - keep) * stylised.data[o + 1]);
        data[o + 2] = Math.round(keep * kept[o + 2] + (1 - keep) * stylised.data[o + 2]);
        data[o + 3] = stylised.data[o + 3];
      }
    }
    this.previousInput = input.data.slice(); // a decoder may reuse its frame buffers
    this.previousOutput = data;
    return { data, width, height };
  }
}
