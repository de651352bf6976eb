/**
 * The 3D photo: one photo and its depth become a short looping parallax animation, the camera
 * circling (or swaying side to side) in front of the scene. Pure: RGBA frames out, encoded by the
 * caller (GIF through src/media/encode/gif.ts, or video).
 *
 * Each frame is a forward warp: every pixel moves by `(depth - focus) * offset`, so the focus plane
 * stays still, nearer things move one way and farther things the other. Where two pixels land on the
 * same spot, the nearer wins (a depth buffer). Where none lands (the background a near object used to
 * cover, the border the picture slid away from, cracks where a surface stretches), the hole takes the
 * farthest of the first filled pixels left, right, above and below it (see `fillHoles`): a
 * disocclusion shows background stretched in, never the foreground's edge smeared out.
 */
import type { Rgba } from '../../../lib/pixels';

export type ParallaxPath = 'circle' | 'sway';

export interface ParallaxOptions {
  /** Frames in one loop. */
  frames: number;
  /** Largest camera offset, as a share of the photo's longer side (nearest and farthest points move by about this much). */
  amplitude: number;
  path: ParallaxPath;
  /** Normalised depth that stays still (0 far .. 1 near). */
  focus: number;
}

export const PARALLAX_DEFAULTS: ParallaxOptions = { frames: 24, amplitude: 0.025, path: 'circle', focus: 0.5 };

/** Camera offset of frame `k` of `frames`, in pixels, before scaling by depth. */
export function cameraOffset(k: number, options: ParallaxOptions, longSide: number): { dx: number; dy: number } {
  const theta = (2 * Math.PI * k) / options.frames;
  const a = options.amplitude * longSide * 2; // (depth - focus) spans at most ±0.5 of this
  if (options.path === 'sway') return { dx: a * Math.sin(theta), dy: 0 };
  // An ellipse, flatter vertically: a camera circling at eye level.
  return { dx: a * Math.cos(theta), dy: 0.5 * a * Math.sin(theta) };
}

/**
 * One frame: `image` seen from a camera moved by `offset`, with `depth` normalised to [0,1]
 * (1 = near) and the same size as the image. Every output pixel is filled and opaque where the photo
 * was.
 */
export function warpFrame(image: Rgba, depth: Float32Array, offset: { dx: number; dy: number }, focus = PARALLAX_DEFAULTS.focus): Rgba {
  const { width, height, data } = image;
  const n = width * height;
  if (depth.length !== n) throw new Error(`depth has ${depth.length} values for a ${width}x${height} photo`);
  const out = new Uint8ClampedArray(n * 4);
  const z = new Float32Array(n).fill(-Infinity);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = y * width + x;
      const d = depth[s];
      const k = d - focus;
      const tx = Math.round(x + k * offset.dx);
      const ty = Math.round(y + k * offset.dy);
      if (tx < 0 || ty < 0 || tx >= width || ty >= height) continue;
      const t = ty * width + tx;
      if (d <= z[t]) continue;
      z[t] = d;
      out[t * 4] = data[s * 4];
      out[t * 4 + 1] = data[s * 4 + 1];
      out[t * 4 + 2] = data[s * 4 + 2];
      out[t * 4 + 3] = data[s * 4 + 3];
    }
  }
  fillHoles(out, z, width, height);
  return { data: out, width, height };
}

/** Depths this close count as one surface when choosing a hole's source: then the nearest pixel wins. */
const SAME_SURFACE = 0.05;

/**
 * Fills every pixel whose depth is -Infinity. For each hole, the first filled pixel in each of the
 * four directions (left, right, up, down) is a candidate; the farthest candidate's surface wins and,
 * on it, the closest candidate. A disocclusion lies between the near object that moved and the
 * background it uncovered, so the background is always among the candidates and always farther:
 * it is stretched in, the object's edge is not smeared out. One pass, O(pixels).
 */
export function fillHoles(rgba: Uint8ClampedArray, z: Float32Array, width: number, height: number): void {
  const n = width * height;
  const hole = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (z[i] !== -Infinity) continue;
    hole[i] = 1;
    any = true;
  }
  if (!any) return;
  // Per pixel: index of the first filled pixel to the left/right/up/down (-1 when none).
  const left = new Int32Array(n);
  const right = new Int32Array(n);
  const up = new Int32Array(n);
  const down = new Int32Array(n);
  for (let y = 0; y < height; y++) {
    let last = -1;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      left[i] = last;
      if (!hole[i]) last = i;
    }
    last = -1;
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      right[i] = last;
      if (!hole[i]) last = i;
    }
  }
  for (let x = 0; x < width; x++) {
    let last = -1;
    for (let y = 0; y < height; y++) {
      const i = y * width + x;
      up[i] = last;
      if (!hole[i]) last = i;
    }
    last = -1;
    for (let y = height - 1; y >= 0; y--) {
      const i = y * width + x;
      down[i] = last;
      if (!hole[i]) last = i;
    }
  }
  const sources = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (!hole[i]) continue;
    const x = i % width;
    const y = (i - x) / width;
    const candidates = [left[i], right[i], up[i], down[i]];
    let farthest = Infinity;
    for (const c of candidates) if (c >= 0 && z[c] < farthest) farthest = z[c];
    let best = -1;
    let bestDistance = Infinity;
    for (const c of candidates) {
      if (c < 0 || z[c] > farthest + SAME_SURFACE) continue;
      const cx = c % width;
      const distance = Math.abs(cx - x) + Math.abs((c - cx) / width - y);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = c;
      }
    }
    sources[i] = best;
  }
  // Copy after choosing, so every hole takes an original pixel, never one filled a moment before.
  for (let i = 0; i < n; i++) {
    const from = sources[i];
    if (from < 0) continue;
    z[i] = z[from];
    rgba.copyWithin(i * 4, from * 4, from * 4 + 4);
  }
}

/** Every frame of the loop, in order (frame 0 has the camera at its starting point of the path). */
export function* parallaxFrames(image: Rgba, depth: Float32Array, options: Partial<ParallaxOptions> = {}): Generator<Rgba> {
  const o = { ...PARALLAX_DEFAULTS, ...options };
  if (!(Number.isInteger(o.frames) && o.frames >= 2)) throw new Error(`a 3D photo needs at least 2 frames, got ${o.frames}`);
  const longSide = Math.max(image.width, image.height);
  for (let k = 0; k < o.frames; k++) yield warpFrame(image, depth, cameraOffset(k, o, longSide), o.focus);
}
