/**
 * The camera's motion between two frames, as one whole-pixel shift: the (dy, dx) for which
 * current(p) ≈ previous(p − (dy, dx)) over the part of the frame both cover. Steady strokes
 * (media/steady.ts) move their history by it, so that in a pan the strokes travel with the scene
 * instead of being held in place and dropped.
 *
 * Searched coarse to fine on grey copies: ±coarse pixels on the smallest level of a pyramid of
 * halvings (the first level whose long side is at most maxSmall), then ±refine pixels around twice
 * that at each larger level, up to the frame itself. At 456x256 that is training/flicker.py's
 * global_shifts() (±6 on the half-size copy; ski.mov pans up to 13 px a frame there), except that
 * flicker.py refines by ±1: a shift of half a pixel on the small copy can tie along a diagonal
 * (a true (1.5, −6) scoring (1, −5) and (2, −7) alike), which ±1 around the wrong one cannot mend.
 *
 * A shift is taken only when it explains the frame clearly better than standing still: its error at
 * full size under `evidence` times the error of no shift. On ski.mov (first 100 frames, 456x256)
 * every pan scores 0.26–0.90 of standing still; the two pairs that pan beyond the search range score
 * 0.97 and 1.00 with a wrong shift, and a camera held still over a plain, noisy scene picks a shift
 * by its noise at about 1.0. Both then keep the history in place, as steady strokes did before.
 *
 * Cost in Node on this project's 2-core VM, ski.mov's first 100 frames: 6 ms a frame at 456x256,
 * 9 ms at 852x480, 14 ms at 1280x720, 18 ms at 1920x1080. Levels whose long side is past about
 * 1.5 × sampleSide are sampled every 2nd, 3rd or 4th row and column (1080p took 89 ms without); at
 * 852x480 that moves 9 of 99 shifts by one pixel against the exhaustive search, at 1920x1080 5.
 */

export const MOTION = { coarse: 6, refine: 2, maxSmall: 256, evidence: 0.93, sampleSide: 480 } as const;

/**
 * Every how many rows and columns a level's error is sampled: 1 up to a long side of about
 * 1.5 × sampleSide (so 456x256, where flicker.py's figures were measured, is searched in full), more
 * beyond; the shift stays whole pixels of the level.
 */
export function strideOf(grey: Grey): number {
  return Math.max(1, Math.round(Math.max(grey.width, grey.height) / MOTION.sampleSide));
}

/** A grey image, values in [0, 1]. */
export interface Grey {
  data: Float32Array;
  width: number;
  height: number;
}

/** The mean of R, G and B in [0, 1] from interleaved bytes, `channels` per pixel (RGBA: 4, RGB: 3). */
export function greyOf(data: Uint8ClampedArray | Uint8Array, width: number, height: number, channels = 4): Grey {
  const out = new Float32Array(width * height);
  for (let i = 0, o = 0; i < out.length; i++, o += channels) out[i] = (data[o] + data[o + 1] + data[o + 2]) / (3 * 255);
  return { data: out, width, height };
}

/** 2x2 mean, odd last row/column dropped (as torch's avg_pool2d(2)). */
export function halve(grey: Grey): Grey {
  const width = grey.width >> 1;
  const height = grey.height >> 1;
  const out = new Float32Array(width * height);
  const src = grey.data;
  for (let y = 0; y < height; y++) {
    const a = 2 * y * grey.width;
    const b = a + grey.width;
    for (let x = 0; x < width; x++) out[y * width + x] = (src[a + 2 * x] + src[a + 2 * x + 1] + src[b + 2 * x] + src[b + 2 * x + 1]) / 4;
  }
  return { data: out, width, height };
}

/** The frame, then halvings down to the first level whose long side is at most MOTION.maxSmall (largest first). */
export function pyramid(grey: Grey): Grey[] {
  const levels = [grey];
  for (let level = grey; Math.max(level.width, level.height) > MOTION.maxSmall && Math.min(level.width, level.height) >= 2 * MOTION.coarse + 2; ) {
    level = halve(level);
    levels.push(level);
  }
  return levels;
}

/**
 * Mean |b(p) − a(p − (dy, dx))| over the overlap (Infinity if the shift leaves none), on every
 * `stride`-th row and column of it. With `bound`, it may stop early and return some figure above the
 * bound once the mean is sure to exceed it.
 */
export function pairError(a: Grey, b: Grey, dy: number, dx: number, bound = Infinity, stride = 1): number {
  const { width, height } = a;
  const y0 = Math.max(0, dy);
  const y1 = Math.min(height, height + dy);
  const x0 = Math.max(0, dx);
  const x1 = Math.min(width, width + dx);
  if (y1 <= y0 || x1 <= x0) return Infinity;
  const count = Math.ceil((y1 - y0) / stride) * Math.ceil((x1 - x0) / stride);
  const limit = bound * count;
  let sum = 0;
  for (let y = y0; y < y1; y += stride) {
    const rowB = y * width;
    const rowA = (y - dy) * width - dx;
    let line = 0;
    for (let x = x0; x < x1; x += stride) line += Math.abs(b.data[rowB + x] - a.data[rowA + x]);
    sum += line;
    if (sum > limit) return sum / count;
  }
  return sum / count;
}

/**
 * The best shift within ±radius of (cy, cx), and its error (exact: only worse candidates stop early).
 * The centre is tried first and keeps a tie (a flat frame stays put); other ties go to the smallest
 * dy, then dx.
 */
function search(a: Grey, b: Grey, cy: number, cx: number, radius: number): [number, number, number] {
  const stride = strideOf(a);
  let best: [number, number, number] = [cy, cx, pairError(a, b, cy, cx, Infinity, stride)];
  for (let dy = cy - radius; dy <= cy + radius; dy++) {
    for (let dx = cx - radius; dx <= cx + radius; dx++) {
      if (dy === cy && dx === cx) continue;
      const error = pairError(a, b, dy, dx, best[2], stride);
      if (error < best[2]) best = [dy, dx, error];
    }
  }
  return best;
}

/** The shift from `previous` to `current` (pyramids of frames of one size). */
export function globalShift(previous: Grey[], current: Grey[]): [number, number] {
  const top = current.length - 1;
  let [dy, dx, error] = search(previous[top], current[top], 0, 0, MOTION.coarse);
  for (let level = top - 1; level >= 0; level--) [dy, dx, error] = search(previous[level], current[level], 2 * dy, 2 * dx, MOTION.refine);
  if (dy === 0 && dx === 0) return [0, 0];
  const still = pairError(previous[0], current[0], 0, 0, Infinity, strideOf(current[0]));
  return error < MOTION.evidence * still ? [dy, dx] : [0, 0];
}

/** Feed it every frame in order: each call gives that frame's shift from the one before ([0, 0] for the first, or after a size change). */
export class MotionTracker {
  private previous: Grey[] | null = null;

  next(grey: Grey): [number, number] {
    const levels = pyramid(grey);
    const before = this.previous;
    this.previous = levels;
    if (!before || before[0].width !== grey.width || before[0].height !== grey.height) return [0, 0];
    return globalShift(before, levels);
  }
}

/**
 * `data` (channels interleaved, `channels` per pixel) moved by (dy, dx): out(p) = in(p − (dy, dx)), the
 * uncovered border filled from the nearest pixel (flicker.py's moved()). Row by row: the covered part
 * is one block copy, each uncovered end a fill with the row's edge pixel.
 */
export function moveImage<T extends Uint8ClampedArray | Float32Array>(data: T, width: number, height: number, channels: number, dy: number, dx: number): T {
  if (dy === 0 && dx === 0) return data;
  const out = new (data.constructor as { new (length: number): T })(data.length);
  const line = width * channels;
  const shift = Math.max(-width, Math.min(width, dx));
  const left = Math.max(0, shift); // output pixels [0, left) repeat the source row's first pixel
  const right = Math.max(0, -shift); // and [width - right, width) its last
  for (let y = 0; y < height; y++) {
    const from = Math.min(height - 1, Math.max(0, y - dy)) * line;
    const to = y * line;
    if (left + right < width) out.set(data.subarray(from + right * channels, from + (width - left) * channels), to + left * channels);
    for (let x = 0; x < left; x++) out.set(data.subarray(from, from + channels), to + x * channels);
    for (let x = width - right; x < width; x++) out.set(data.subarray(from + line - channels, from + line), to + x * channels);
  }
  return out;
}
