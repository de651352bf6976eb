/// <reference path="./gifenc.d.ts" />
/**
 * Animated GIF through gifenc's LZW writer, in one of these palette modes:
 *
 * - `auto` (the default): frames are held (up to AUTO_HOLD_BYTES of pixels, e.g. ~5 s of 456x256 at
 *   25 fps) and, when the clip ends within that, written with ONE global colour table built from a
 *   sample of all of them (as `shared`). A longer clip gets that table for the held frames and a
 *   table of its own for every later frame (as `per-frame`), so memory stays bounded.
 * - `shared` (short animations: latent walks, style morphs, 3D photos): one global colour table
 *   built from a sample of frames spread over the whole animation, and no local tables. The file is
 *   smaller (no 768-byte table per frame) and colours never jump between frames (no palette
 *   flicker). The frames are held until `finish`, since the palette needs the last of them too; a
 *   frame added twice (the return leg of a ping-pong) is held and indexed once.
 * - `per-frame`: each frame gets its own 256-colour table, streamed (one frame held).
 * - a given palette (`Palette`, e.g. from `sharedPalette`): the global table, frames streamed.
 *
 * On top of any mode:
 * - `dither`: 'bayer' (8x8 ordered) or 'blue-noise' (a 64x64 void-and-cluster mask) threshold
 *   offsets added before the nearest-colour lookup. The mask is fixed in screen space, so a pixel
 *   that does not change between frames gets the same index in both: no crawling noise.
 * - frame-difference transparency (`transparency`, on by default): a pixel whose source colour is
 *   within `tolerance` (per channel) of what the previous frames left on screen becomes the
 *   transparent index, and frames are written with disposal 1 ("leave in place"), so long runs of
 *   one index replace unchanged areas and LZW codes them in a few bits. The comparison is always
 *   against what is shown, never against the previous source frame, so the error never drifts
 *   beyond `tolerance`. A frame where under MIN_TRANSPARENT_SHARE of the pixels would be skipped
 *   is written opaque (scattered holes cost more than they save). The first frame is opaque.
 *
 * Frame rate and width as chosen, delays from the source timestamps; loops forever by default.
 */
import { GIFEncoder, quantize, type Palette } from 'gifenc';
import { downscaleArea, type Rgba } from '../../lib/pixels';
import { GifTimeline } from '../../lib/timeline';
import type { EncodedVideo, FrameWriter } from './writer';

export type { Palette } from 'gifenc';

/**
 * 4096 colour bins for the palette search: ~100x faster than gifenc's default 65536 (rgb565) on
 * busy frames (0.15 s against seconds per 456x256 frame), at no visible cost after 256-colour
 * quantisation.
 */
const COLOR_BINS = 'rgb444';

/** Pixels of held frames (RGBA bytes) the `auto` mode keeps before it starts streaming. */
export const AUTO_HOLD_BYTES = 64 * 1024 * 1024;
/** Below this share of unchanged pixels a frame is written opaque. */
const MIN_TRANSPARENT_SHARE = 0.05;

export type GifPalette = 'auto' | 'per-frame' | 'shared' | Palette;
export type GifDither = 'none' | 'bayer' | 'blue-noise';

export interface GifOptions {
  /** 0 keeps the frame width. */
  width: number;
  /** 0 keeps the source rate (up to 50 fps). */
  fps: number;
  /** Default 'auto'. */
  palette?: GifPalette;
  /** Loop forever (default) or play once. */
  loop?: boolean;
  /** Default 'none'. */
  dither?: GifDither;
  /** Frame-difference transparency; default true. */
  transparency?: boolean;
  /**
   * Frame-difference transparency keeps a shown pixel when it is at most this much (0-255, largest
   * channel) further from the source than the pixel's fresh colour would be. Default 8.
   */
  tolerance?: number;
  /** auto mode: RGBA bytes of frames held before streaming. Default AUTO_HOLD_BYTES. */
  holdBytes?: number;
  /** Colours in a shared table (2-256, one of them kept for transparency). Default 256. */
  colors?: number;
  /** k-means (Lloyd) refinement passes of a shared table over the sampled pixels. Default 4. */
  refine?: number;
  /**
   * Lossy LZW: how much further (0-255, largest channel) from the source than the pixel's own colour
   * a colour that continues the current LZW string may be. Default 10 (12 until issue 12's busier
   * Starry Night net cost it 0.05 dB of PSNR against issue 17's old default; bench/findings.md); -1 off (exact).
   */
  lossy?: number;
}

export interface SharedPaletteOptions {
  /** How many frames, spread evenly from first to last, the palette is built from. Default 12. */
  sampleFrames?: number;
  /** Pixels sampled over all those frames together. Default 256 Ki. */
  samplePixels?: number;
  /** Colours in the table (2-256). Default 256. */
  colors?: number;
  /** gifenc colour bins for the search. Default rgb444. */
  bins?: 'rgb444' | 'rgb565';
  /** k-means (Lloyd) passes over the sample after gifenc's quantiser. Default 0. */
  refine?: number;
}

/**
 * One palette for a whole animation, from a sample of its frames: up to `sampleFrames` frames
 * spread evenly from the first to the last (the two ends of a walk look the most different), and
 * from each an even, jittered sample of pixels (jittered so a stride never lines up with the rows).
 */
export function sharedPalette(frames: readonly Rgba[], options: SharedPaletteOptions = {}): Palette {
  if (frames.length === 0) throw new Error('a GIF needs at least one frame');
  const unique = [...new Set(frames)];
  const count = Math.min(unique.length, Math.max(1, options.sampleFrames ?? 12));
  const picked = Array.from({ length: count }, (_, j) => unique[count === 1 ? 0 : Math.round((j * (unique.length - 1)) / (count - 1))]);
  const perFrame = Math.max(1, Math.floor((options.samplePixels ?? 256 * 1024) / count));
  const parts: Uint8Array[] = [];
  let seed = 0x9e3779b9;
  const jitter = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  for (const frame of picked) {
    const pixels = frame.width * frame.height;
    if (pixels <= perFrame) {
      parts.push(new Uint8Array(frame.data.buffer, frame.data.byteOffset, pixels * 4));
      continue;
    }
    const step = pixels / perFrame;
    const part = new Uint8Array(perFrame * 4);
    for (let i = 0; i < perFrame; i++) {
      const p = Math.min(pixels - 1, Math.floor((i + jitter()) * step));
      part.set(frame.data.subarray(p * 4, p * 4 + 4), i * 4);
    }
    parts.push(part);
  }
  const sample = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    sample.set(p, offset);
    offset += p.byteLength;
  }
  const palette = quantize(sample, options.colors ?? 256, { format: options.bins ?? COLOR_BINS });
  return refinePalette(palette, sample, options.refine ?? 0);
}

/**
 * Lloyd iterations: each colour moves to the mean of the sampled pixels nearest to it (through the
 * same 5-bit lookup the frames use), which lowers the mean squared error of the table.
 */
export function refinePalette(palette: Palette, sample: Uint8Array, passes: number): Palette {
  let current = palette.map((c) => [c[0], c[1], c[2]]);
  for (let pass = 0; pass < passes; pass++) {
    const mapper = new PaletteMapper(current);
    const sums = new Float64Array(current.length * 4);
    for (let i = 0; i < sample.length; i += 4) {
      const k = mapper.index(sample[i], sample[i + 1], sample[i + 2]) * 4;
      sums[k] += sample[i];
      sums[k + 1] += sample[i + 1];
      sums[k + 2] += sample[i + 2];
      sums[k + 3]++;
    }
    current = current.map((c, j) => (sums[j * 4 + 3] > 0 ? [0, 1, 2].map((ch) => Math.round(sums[j * 4 + ch] / sums[j * 4 + 3])) : c));
  }
  return current;
}

/** 8x8 Bayer matrix, thresholds (i + 0.5) / 64 in [0, 1). */
function bayer8(): Float32Array {
  const m = new Float32Array(64);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      let v = 0;
      for (let bit = 0, xs = x, ys = y ^ x; bit < 3; bit++, xs >>= 1, ys >>= 1) v = (v << 2) | ((ys & 1) << 1) | (xs & 1);
      m[y * 8 + x] = (v + 0.5) / 64;
    }
  }
  return m;
}

/**
 * A size x size blue-noise threshold mask by void-and-cluster (Ulichney 1993): ranks are assigned by
 * removing the tightest cluster / filling the largest void under a toroidal Gaussian energy, so
 * neighbouring thresholds are far apart in value. Deterministic (fixed seed).
 */
export function blueNoise(size = 64, sigma = 1.5): Float32Array {
  const n = size * size;
  const kernel = new Float32Array(n);
  for (let dy = 0; dy < size; dy++) {
    for (let dx = 0; dx < size; dx++) {
      const ddx = Math.min(dx, size - dx);
      const ddy = Math.min(dy, size - dy);
      kernel[dy * size + dx] = Math.exp(-(ddx * ddx + ddy * ddy) / (2 * sigma * sigma));
    }
  }
  const energy = new Float32Array(n);
  const on = new Uint8Array(n);
  const toggle = (p: number, sign: number) => {
    on[p] = sign > 0 ? 1 : 0;
    const px = p % size;
    const py = (p / size) | 0;
    for (let y = 0; y < size; y++) {
      const ky = ((y - py + size) % size) * size;
      const row = y * size;
      for (let x = 0; x < size; x++) energy[row + x] += sign * kernel[ky + ((x - px + size) % size)];
    }
  };
  const extreme = (want: number, max: boolean) => {
    let best = -1;
    let value = max ? -Infinity : Infinity;
    for (let p = 0; p < n; p++) {
      if (on[p] !== want) continue;
      if (max ? energy[p] > value : energy[p] < value) {
        value = energy[p];
        best = p;
      }
    }
    return best;
  };
  // Initial pattern: 10% random points, relaxed until the tightest cluster is the largest void.
  let seed = 12345;
  const ones = Math.max(1, Math.floor(n / 10));
  for (let placed = 0; placed < ones; ) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const p = seed % n;
    if (!on[p]) {
      toggle(p, 1);
      placed++;
    }
  }
  for (let guard = 0; guard < n; guard++) {
    const cluster = extreme(1, true);
    toggle(cluster, -1);
    const voidAt = extreme(0, false);
    toggle(voidAt, 1);
    if (voidAt === cluster) break;
  }
  const initial = on.slice();
  const initialEnergy = energy.slice();
  const rank = new Int32Array(n);
  for (let r = ones - 1; r >= 0; r--) {
    const cluster = extreme(1, true);
    toggle(cluster, -1);
    rank[cluster] = r;
  }
  on.set(initial);
  energy.set(initialEnergy);
  for (let r = ones; r < n; r++) {
    const voidAt = extreme(0, false);
    toggle(voidAt, 1);
    rank[voidAt] = r;
  }
  return Float32Array.from(rank, (r) => (r + 0.5) / n);
}

let masks: { bayer?: Float32Array; blue?: Float32Array } = {};
function thresholdMask(dither: GifDither): { mask: Float32Array; size: number } | null {
  if (dither === 'bayer') return { mask: (masks.bayer ??= bayer8()), size: 8 };
  if (dither === 'blue-noise') return { mask: (masks.blue ??= blueNoise(64)), size: 64 };
  return null;
}

/** For tests: forget the cached masks. */
export function resetDitherMasks(): void {
  masks = {};
}

/**
 * Nearest palette index for each pixel, with an optional screen-space threshold offset per pixel
 * (amplitude `amplitude` in 0-255 units), through a cache of 32768 colour bins (5 bits a channel)
 * whose entries are resolved at the bin's centre, so the same colour at the same place always
 * gets the same index.
 */
export class PaletteMapper {
  private readonly cache = new Int16Array(32768).fill(-1);
  private readonly flat: Int32Array;

  constructor(readonly palette: Palette, readonly colors = palette.length) {
    this.flat = Int32Array.from(palette.slice(0, colors).flatMap((c) => [c[0], c[1], c[2]]));
  }

  index(r: number, g: number, b: number): number {
    const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
    let hit = this.cache[key];
    if (hit < 0) {
      const cr = (r & ~7) + 4;
      const cg = (g & ~7) + 4;
      const cb = (b & ~7) + 4;
      let best = Infinity;
      const f = this.flat;
      for (let i = 0, k = 0; i < this.colors; i++, k += 3) {
        const dr = f[k] - cr;
        const dg = f[k + 1] - cg;
        const db = f[k + 2] - cb;
        const d = dr * dr + dg * dg + db * db;
        if (d < best) {
          best = d;
          hit = i;
        }
      }
      this.cache[key] = hit;
    }
    return hit;
  }
}

/** Dither amplitude (0-255 units, peak to peak) for the threshold masks. */
const DITHER_AMPLITUDE = 24;

/**
 * Maps a frame to palette indices. With `shown` (the RGB on screen after the previous frames) and a
 * `transparentIndex`, a pixel becomes transparent when the shown colour is within `tolerance` (per
 * channel, largest channel) as close to the source as the colour the pixel would get now: what
 * stays on screen is never more than `tolerance` worse than a fresh pixel (`tolerance` 0: exactly as
 * good; < 0 turns this off except for an exact repeat of the shown colour, which is lossless).
 * `shown` is updated to what this frame shows. Returns the share of transparent pixels.
 */
export function indexFrame(
  image: Rgba,
  mapper: PaletteMapper,
  dither: GifDither,
  out: Uint8Array,
  shown: Uint8Array | null = null,
  transparentIndex = -1,
  tolerance = 0,
): number {
  const { width, height, data } = image;
  const threshold = thresholdMask(dither);
  const palette = mapper.palette;
  let skipped = 0;
  for (let y = 0, p = 0; y < height; y++) {
    const row = threshold ? (y % threshold.size) * threshold.size : 0;
    for (let x = 0; x < width; x++, p++) {
      const i = p * 4;
      const r = data[i];
      const g = data[i + 1];
      const b = data[i + 2];
      let index: number;
      if (threshold) {
        const t = (threshold.mask[row + (x % threshold.size)] - 0.5) * DITHER_AMPLITUDE;
        index = mapper.index(clamp255(r + t), clamp255(g + t), clamp255(b + t));
      } else index = mapper.index(r, g, b);
      if (shown) {
        const c = palette[index];
        const s = p * 3;
        if (transparentIndex >= 0) {
          const same = c[0] === shown[s] && c[1] === shown[s + 1] && c[2] === shown[s + 2];
          if (same || (tolerance >= 0 && maxDiff(r, g, b, shown[s], shown[s + 1], shown[s + 2]) <= maxDiff(r, g, b, c[0], c[1], c[2]) + tolerance)) {
            out[p] = transparentIndex;
            skipped++;
            continue;
          }
        }
        shown[s] = c[0];
        shown[s + 1] = c[1];
        shown[s + 2] = c[2];
      }
      out[p] = index;
    }
  }
  return skipped / (width * height);
}

const maxDiff = (r: number, g: number, b: number, r2: number, g2: number, b2: number) => Math.max(Math.abs(r - r2), Math.abs(g - g2), Math.abs(b - b2));

/**
 * Lossy LZW (the idea of giflossy / gifsicle --lossy): walks the frame as the GIF's LZW coder will,
 * growing the same string table (clear at 4096 codes, like gifenc's coder), and where the current
 * string has no continuation with the pixel's own index but has one with another colour within
 * `tolerance` (per channel) of the pixel's source colour, takes that colour instead, so the string
 * goes on and one code covers more pixels. Transparent pixels are never swapped. `shown` is kept in
 * step with the colours written. Returns how many pixels changed.
 */
export function lossyLzw(index: Uint8Array, image: Rgba, palette: Palette, tolerance: number, transparentIndex: number, shown: Uint8Array | null): number {
  if (tolerance < 0 || index.length < 2) return 0;
  const { data } = image;
  const firstChild = new Int32Array(4096).fill(-1);
  const sibling = new Int32Array(4096);
  const symbol = new Uint8Array(4096);
  const first = 256 + 2;
  let next = first;
  let current = index[0];
  let changed = 0;
  for (let p = 1; p < index.length; p++) {
    const k = index[p];
    let found = -1;
    let bestCode = -1;
    const i = p * 4;
    // Candidates may be at most `tolerance` worse than the pixel's own colour (largest channel).
    const own = k === transparentIndex ? 0 : maxDiff(data[i], data[i + 1], data[i + 2], palette[k][0], palette[k][1], palette[k][2]);
    let bestError = own + tolerance + 1;
    for (let c = firstChild[current]; c >= 0; c = sibling[c]) {
      const sym = symbol[c];
      if (sym === k) {
        found = c;
        break;
      }
      if (k === transparentIndex || sym === transparentIndex) continue;
      const col = palette[sym];
      const error = maxDiff(data[i], data[i + 1], data[i + 2], col[0], col[1], col[2]);
      if (error < bestError) {
        bestError = error;
        bestCode = c;
      }
    }
    if (found < 0 && bestCode >= 0) {
      found = bestCode;
      const sym = symbol[bestCode];
      index[p] = sym;
      changed++;
      if (shown) {
        const col = palette[sym];
        shown[p * 3] = col[0];
        shown[p * 3 + 1] = col[1];
        shown[p * 3 + 2] = col[2];
      }
    }
    if (found >= 0) {
      current = found;
      continue;
    }
    if (next < 4096) {
      symbol[next] = k;
      sibling[next] = firstChild[current];
      firstChild[current] = next;
      firstChild[next] = -1;
      next++;
    } else {
      firstChild.fill(-1);
      next = first;
    }
    current = k;
  }
  return changed;
}

/** gifenc reads a typed array's whole underlying buffer: hand it a view that is its buffer. */
const ownBuffer = (data: Uint8ClampedArray) => (data.byteOffset === 0 && data.buffer.byteLength === data.byteLength ? data : data.slice());

const clamp255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v | 0);

/** A table of 2^k entries (GIF's rule) with room for one more index (the transparent one) when `spare`. */
function tableFor(palette: Palette, spare: boolean): { table: Palette; transparentIndex: number } {
  const colors = palette.map((c) => [c[0], c[1], c[2]]);
  if (!spare || colors.length >= 256) return { table: colors, transparentIndex: -1 };
  const transparentIndex = colors.length;
  colors.push([0, 0, 0]);
  return { table: colors, transparentIndex };
}

export class GifWriter implements FrameWriter {
  private readonly encoder = GIFEncoder();
  private readonly timeline: GifTimeline;
  private readonly mode: GifPalette;
  private readonly dither: GifDither;
  private readonly transparency: boolean;
  private readonly tolerance: number;
  private readonly lossy: number;
  private pending: { image: Rgba; timestamp: number; duration: number } | null = null;
  /** Held frames in order with their delays (shared and auto modes), written at `finish` or on overflow. */
  private readonly held: { image: Rgba; delayMs: number }[] = [];
  private heldBytes = 0;
  /** auto mode after overflow: later frames are streamed with tables of their own. */
  private streaming = false;
  /** Source frame -> its resized copy, so a frame added again (ping-pong) is not copied again. */
  private readonly resized = new Map<Rgba, Rgba>();
  /** What the GIF shows after the frames written so far (RGB), for frame-difference transparency. */
  private shown: Uint8Array | null = null;
  private frames = 0;
  /** Frames written with transparent pixels, for reports and tests. */
  transparentFrames = 0;

  constructor(private readonly options: GifOptions) {
    this.timeline = new GifTimeline(options.fps);
    this.mode = options.palette ?? 'auto';
    this.dither = options.dither ?? 'none';
    this.transparency = options.transparency ?? true;
    this.tolerance = options.tolerance ?? 8;
    this.lossy = options.lossy ?? 10;
  }

  async add(image: Rgba, timestamp: number, duration: number): Promise<void> {
    if (!this.timeline.accept(timestamp)) return;
    if (this.pending) this.write(this.pending.image, this.pending.timestamp, timestamp);
    this.pending = { image: this.resize(image), timestamp, duration };
  }

  async finish(): Promise<EncodedVideo> {
    if (this.pending) this.write(this.pending.image, this.pending.timestamp, this.pending.timestamp + this.pending.duration);
    this.pending = null;
    this.flushHeld();
    this.encoder.finish();
    return { blob: new Blob([this.encoder.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' }), codec: 'gif', frames: this.frames, hasAudio: false };
  }

  private holds(): boolean {
    return (this.mode === 'shared' || this.mode === 'auto') && !this.streaming;
  }

  /** Writes the held frames with one palette built from them (shared / auto). */
  private flushHeld(): void {
    if (this.held.length === 0) return;
    const { table, transparentIndex } = tableFor(sharedPalette(this.held.map((h) => h.image), { colors: Math.min(this.options.colors ?? 256, this.transparency ? 255 : 256), refine: this.options.refine ?? 4 }), this.transparency);
    const mapper = new PaletteMapper(table, transparentIndex >= 0 ? transparentIndex : table.length);
    const indexed = new Map<Rgba, Uint8Array>();
    // A frame shown twice (a ping-pong) must look the same both times: lossless skips only, then.
    const repeats = new Set(this.held.map((h) => h.image)).size < this.held.length;
    for (const { image, delayMs } of this.held) {
      // A frame shown again (ping-pong) without transparency is indexed once.
      let index = this.transparency ? undefined : indexed.get(image);
      if (!index) {
        index = new Uint8Array(image.width * image.height);
        const skipped = this.indexWithTransparency(image, mapper, index, transparentIndex, repeats);
        if (!this.transparency) indexed.set(image, index);
        this.writeIndexed(index, image, table, delayMs, false, skipped > 0 ? transparentIndex : -1);
      } else this.writeIndexed(index, image, table, delayMs, false, -1);
    }
    this.held.length = 0;
    this.heldBytes = 0;
  }

  /** Indexes a frame, with transparency against what is shown when that helps; returns the transparent share. */
  private indexWithTransparency(image: Rgba, mapper: PaletteMapper, index: Uint8Array, transparentIndex: number, lossless = false): number {
    const share = this.indexFrameOnce(image, mapper, index, transparentIndex, lossless);
    if (!lossless) lossyLzw(index, image, mapper.palette, this.lossy, share > 0 ? transparentIndex : -1, this.shown);
    return share;
  }

  private indexFrameOnce(image: Rgba, mapper: PaletteMapper, index: Uint8Array, transparentIndex: number, lossless: boolean): number {
    const first = this.shown === null;
    if (first) this.shown = new Uint8Array(image.width * image.height * 3);
    const shown = this.shown!;
    if (!this.transparency || first || transparentIndex < 0) {
      indexFrame(image, mapper, this.dither, index, shown);
      return 0;
    }
    const before = shown.slice();
    const share = indexFrame(image, mapper, this.dither, index, shown, transparentIndex, lossless ? -1 : this.tolerance);
    if (share >= MIN_TRANSPARENT_SHARE) return share;
    // Too few unchanged pixels to pay for the holes: write this frame opaque.
    shown.set(before);
    indexFrame(image, mapper, this.dither, index, shown);
    return 0;
  }

  private resize(image: Rgba): Rgba {
    const { width } = this.options;
    if (width <= 0 || width >= image.width) return image;
    const known = this.resized.get(image);
    if (known) return known;
    const small = downscaleArea(image, width, Math.max(1, Math.round((image.height * width) / image.width)));
    if (this.mode === 'shared') this.resized.set(image, small);
    return small;
  }

  private write(image: Rgba, start: number, end: number): void {
    const delayMs = this.timeline.delayCs(start, end) * 10; // gifenc takes milliseconds and stores 1/100 s
    if (this.holds()) {
      if (!this.held.some((h) => h.image === image)) this.heldBytes += image.data.byteLength;
      this.held.push({ image, delayMs });
      if (this.mode === 'auto' && this.heldBytes > (this.options.holdBytes ?? AUTO_HOLD_BYTES)) {
        this.flushHeld();
        this.streaming = true;
      }
      return;
    }
    const given = this.mode !== 'per-frame' && this.mode !== 'auto' && this.mode !== 'shared';
    const { table, transparentIndex } = given
      ? tableFor(this.mode as Palette, this.transparency)
      : tableFor(quantize(ownBuffer(image.data), this.transparency ? 255 : 256, { format: COLOR_BINS }), this.transparency);
    const mapper = new PaletteMapper(table, transparentIndex >= 0 ? transparentIndex : table.length);
    const index = new Uint8Array(image.width * image.height);
    const skipped = this.indexWithTransparency(image, mapper, index, transparentIndex);
    this.writeIndexed(index, image, table, delayMs, !given, skipped > 0 ? transparentIndex : -1);
  }

  /** The first frame carries the global table (and the loop block); later frames a local table only per frame. */
  private writeIndexed(index: Uint8Array, image: Rgba, palette: Palette, delayMs: number, local: boolean, transparentIndex: number): void {
    const first = this.frames === 0;
    this.encoder.writeFrame(index, image.width, image.height, {
      ...(first || local ? { palette } : {}),
      delay: delayMs,
      repeat: this.options.loop === false ? -1 : 0,
      // Disposal 1 ("leave in place") on every frame: transparent pixels show the frames before.
      dispose: 1,
      ...(transparentIndex >= 0 ? { transparent: true, transparentIndex } : {}),
    });
    if (transparentIndex >= 0) this.transparentFrames++;
    this.frames++;
  }
}
