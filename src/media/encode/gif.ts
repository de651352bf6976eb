/// <reference path="./gifenc.d.ts" />
/**
 * Animated GIF through gifenc, in one of two palette modes:
 *
 * - `per-frame` (the default, for stylised video): each frame gets its own 256-colour table,
 *   because the colours of a long video drift too far for one palette. Each frame is written as
 *   soon as the next one fixes its delay, so only one is held.
 * - `shared` (for short animations: latent walks, style morphs, 3D photos): one global colour table
 *   built from a sample of frames spread over the whole animation, and no local tables. The file is
 *   smaller (no 768-byte table per frame) and colours never jump between frames (no palette
 *   flicker). The frames are held until `finish`, since the palette needs the last of them too; a
 *   frame added twice (the return leg of a ping-pong) is held and indexed once.
 * - a given palette (`Palette`, e.g. from `sharedPalette`): the global table, frames streamed.
 *
 * Frame rate and width as chosen, delays from the source timestamps; loops forever by default.
 */
import { applyPalette, GIFEncoder, quantize, type Palette } from 'gifenc';
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

export type GifPalette = 'per-frame' | 'shared' | Palette;

export interface GifOptions {
  /** 0 keeps the frame width. */
  width: number;
  /** 0 keeps the source rate (up to 50 fps). */
  fps: number;
  /** Default 'per-frame'. */
  palette?: GifPalette;
  /** Loop forever (default) or play once. */
  loop?: boolean;
}

export interface SharedPaletteOptions {
  /** How many frames, spread evenly from first to last, the palette is built from. Default 12. */
  sampleFrames?: number;
  /** Pixels sampled over all those frames together. Default 256 Ki. */
  samplePixels?: number;
  /** Colours in the table (2-256). Default 256. */
  colors?: number;
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
  return quantize(sample, options.colors ?? 256, { format: COLOR_BINS });
}

export class GifWriter implements FrameWriter {
  private readonly encoder = GIFEncoder();
  private readonly timeline: GifTimeline;
  private pending: { image: Rgba; timestamp: number; duration: number } | null = null;
  /** Shared mode: the frames in order with their delays, written at `finish`. */
  private readonly held: { image: Rgba; delayMs: number }[] = [];
  /** Source frame -> its resized copy, so a frame added again (ping-pong) is not copied again. */
  private readonly resized = new Map<Rgba, Rgba>();
  private frames = 0;

  constructor(private readonly options: GifOptions) {
    this.timeline = new GifTimeline(options.fps);
  }

  async add(image: Rgba, timestamp: number, duration: number): Promise<void> {
    if (!this.timeline.accept(timestamp)) return;
    if (this.pending) this.write(this.pending.image, this.pending.timestamp, timestamp);
    this.pending = { image: this.resize(image), timestamp, duration };
  }

  async finish(): Promise<EncodedVideo> {
    if (this.pending) this.write(this.pending.image, this.pending.timestamp, this.pending.timestamp + this.pending.duration);
    this.pending = null;
    if (this.options.palette === 'shared' && this.held.length > 0) {
      const palette = sharedPalette(this.held.map((h) => h.image));
      const indexed = new Map<Rgba, Uint8Array>();
      for (const { image, delayMs } of this.held) {
        let index = indexed.get(image);
        if (!index) {
          index = applyPalette(image.data, palette, COLOR_BINS);
          indexed.set(image, index);
        }
        this.writeIndexed(index, image, palette, delayMs);
      }
      this.held.length = 0;
    }
    this.encoder.finish();
    return { blob: new Blob([this.encoder.bytes() as Uint8Array<ArrayBuffer>], { type: 'image/gif' }), codec: 'gif', frames: this.frames, hasAudio: false };
  }

  private resize(image: Rgba): Rgba {
    const { width } = this.options;
    if (width <= 0 || width >= image.width) return image;
    const known = this.resized.get(image);
    if (known) return known;
    const small = downscaleArea(image, width, Math.max(1, Math.round((image.height * width) / image.width)));
    if (this.options.palette === 'shared') this.resized.set(image, small);
    return small;
  }

  private write(image: Rgba, start: number, end: number): void {
    const delayMs = this.timeline.delayCs(start, end) * 10; // gifenc takes milliseconds and stores 1/100 s
    const mode = this.options.palette ?? 'per-frame';
    if (mode === 'shared') {
      this.held.push({ image, delayMs });
      return;
    }
    const palette = mode === 'per-frame' ? quantize(image.data, 256, { format: COLOR_BINS }) : mode;
    this.writeIndexed(applyPalette(image.data, palette, COLOR_BINS), image, palette, delayMs, mode === 'per-frame');
  }

  /** The first frame carries the global table (and the loop block); later frames a local table only per frame. */
  private writeIndexed(index: Uint8Array, image: Rgba, palette: Palette, delayMs: number, local = false): void {
    const first = this.frames === 0;
    this.encoder.writeFrame(index, image.width, image.height, {
      ...(first || local ? { palette } : {}),
      delay: delayMs,
      repeat: this.options.loop === false ? -1 : 0,
    });
    this.frames++;
  }
}
