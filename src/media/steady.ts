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
 * The history (previous input and output) first moves with the camera: one whole-pixel shift per
 * frame (media/motion.ts), so in a pan the strokes travel with the scene instead of being dropped
 * where the picture moved. No optical flow beyond that, so a subject moving on its own is simply the
 * new frame's. The WebGPU route computes the same in its compose pass (features/style/worker/gpu-styler.ts).
 *
 * Measured on ski.mov at 456x256 (training/flicker.py --shipped --steady --motion, first 100 frames;
 * training/flicker-motion.json): change along the camera's motion, relative to the input's, per frame
 * / held in place / moved with the camera: Starry Night 2.13 / 1.75 / 1.19, Water Lily Pond
 * 2.89 / 2.20 / 1.40. At fixed pixels (strokes that travel count as change there) 1.48 / 1.06 / 1.19.
 */
import type { Rgba } from '../lib/pixels';
import { greyOf, MotionTracker, moveImage } from './motion';

export const STEADY = { keep: 0.7, scale: 0.05, radius: 2 } as const;

/** Per pixel, the mean absolute RGB change between two frames (0-1), averaged over the (2r+1)^2 window inside the frame. */
export function changeMap(previous: Uint8ClampedArray, current: Uint8ClampedArray, width: number, height: number, radius: number = STEADY.radius): Float32Array {
  const plain = new Float32Array(width * height);
  for (let i = 0, o = 0; i < plain.length; i++, o += 4) {
    plain[i] = (Math.abs(current[o] - previous[o]) + Math.abs(current[o + 1] - previous[o + 1]) + Math.abs(current[o + 2] - previous[o + 2])) / (3 * 255);
  }
  // Separable box mean with running sums, each pass over the part of the window inside the frame.
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const line = y * width;
    let sum = 0;
    for (let x = 0; x < Math.min(radius, width); x++) sum += plain[line + x];
    for (let x = 0; x < width; x++) {
      if (x + radius < width) sum += plain[line + x + radius];
      if (x - radius - 1 >= 0) sum -= plain[line + x - radius - 1];
      rows[line + x] = sum / (Math.min(width - 1, x + radius) - Math.max(0, x - radius) + 1);
    }
  }
  const out = new Float32Array(width * height);
  const sums = new Float64Array(width);
  for (let y = 0; y < Math.min(radius, height); y++) for (let x = 0; x < width; x++) sums[x] += rows[y * width + x];
  for (let y = 0; y < height; y++) {
    const entering = y + radius < height ? (y + radius) * width : -1;
    const leaving = y - radius - 1 >= 0 ? (y - radius - 1) * width : -1;
    const count = Math.min(height - 1, y + radius) - Math.max(0, y - radius) + 1;
    for (let x = 0; x < width; x++) {
      if (entering >= 0) sums[x] += rows[entering + x];
      if (leaving >= 0) sums[x] -= rows[leaving + x];
      out[y * width + x] = sums[x] / count;
    }
  }
  return out;
}

/**
 * The filter for one video: feed it every frame in order (the input and its stylised frame, same size).
 * `followMotion: false` holds the history in place (the filter before the camera's motion was followed).
 */
export class SteadyFilter {
  private previousInput: Uint8ClampedArray | null = null;
  private previousOutput: Uint8ClampedArray | null = null;
  private readonly motion: MotionTracker | null;
  /** The last frame's shift from the one before it (dy, dx), for tests. */
  lastShift: [number, number] = [0, 0];

  constructor({ followMotion = true }: { followMotion?: boolean } = {}) {
    this.motion = followMotion ? new MotionTracker() : null;
  }

  apply(input: Rgba, stylised: Rgba): Rgba {
    const { width, height } = input;
    if (stylised.width !== width || stylised.height !== height) throw new Error(`stylised ${stylised.width}x${stylised.height} does not match ${width}x${height}`);
    this.lastShift = this.motion ? this.motion.next(greyOf(input.data, width, height)) : [0, 0];
    const [dy, dx] = this.lastShift;
    let before = this.previousInput;
    let kept = this.previousOutput;
    let data = stylised.data;
    if (before && kept && before.length === input.data.length) {
      before = moveImage(before, width, height, 4, dy, dx);
      kept = moveImage(kept, width, height, 4, dy, dx);
      const change = changeMap(before, input.data, width, height);
      data = new Uint8ClampedArray(stylised.data.length);
      const fresh = stylised.data;
      // Beyond this change the kept share rounds to nothing (under 1/512): the new pixel as it is.
      const cut = STEADY.scale * Math.log(512 * STEADY.keep);
      for (let i = 0, o = 0; i < change.length; i++, o += 4) {
        if (change[i] > cut) {
          data[o] = fresh[o];
          data[o + 1] = fresh[o + 1];
          data[o + 2] = fresh[o + 2];
        } else {
          // Uint8ClampedArray rounds on assignment.
          const keep = STEADY.keep * Math.exp(-change[i] / STEADY.scale);
          data[o] = fresh[o] + keep * (kept[o] - fresh[o]);
          data[o + 1] = fresh[o + 1] + keep * (kept[o + 1] - fresh[o + 1]);
          data[o + 2] = fresh[o + 2] + keep * (kept[o + 2] - fresh[o + 2]);
        }
        data[o + 3] = fresh[o + 3];
      }
    }
    this.previousInput = input.data.slice(); // a decoder may reuse its frame buffers
    this.previousOutput = data;
    return { data, width, height };
  }
}
