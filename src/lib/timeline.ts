/**
 * Video time maths shared by the decoders, the encoders and the tests. Times are in seconds on the
 * source's timeline; frames keep their own timestamps, so variable frame rate stays variable.
 */
export interface Trim {
  start: number;
  /** Exclusive; Infinity means "to the end". */
  end: number;
}

export const WHOLE_VIDEO: Trim = { start: 0, end: Infinity };

/** A frame belongs to the trim when it starts inside [start, end): the same rule for counting and for decoding. */
export function inTrim(timestamp: number, trim: Trim): boolean {
  return timestamp >= trim.start - 1e-6 && timestamp < trim.end - 1e-6;
}

/**
 * Orders the ends, keeps them inside the video, and widens an empty range to the whole video. An end
 * at the video's end stays open (Infinity): a last frame without a duration starts exactly at the
 * reported duration and would otherwise be cut.
 */
export function clampTrim(start: number, end: number, duration: number): Trim {
  const a = Math.min(Math.max(0, Math.min(start, end)), duration);
  const b = Math.min(Math.max(0, Math.max(start, end)), duration);
  if (b - a <= 0) return WHOLE_VIDEO;
  return { start: a, end: b >= duration ? Infinity : b };
}

/**
 * Which frames a GIF keeps and how long each shows. GIF delays are whole 1/100 s and browsers slow
 * down delays under 2/100 s, so the rate is capped at 50 fps. Delays are rounded against the
 * absolute time, so rounding errors never add up over a long clip.
 */
export class GifTimeline {
  static readonly MAX_FPS = 50;
  private readonly interval: number;
  private nextSlot: number | null = null;
  private origin: number | null = null;
  private writtenCs = 0;

  /** `fps` 0 keeps the source rate (up to MAX_FPS). */
  constructor(fps: number) {
    this.interval = 1 / Math.min(fps > 0 ? fps : GifTimeline.MAX_FPS, GifTimeline.MAX_FPS);
  }

  /** Whether the frame starting at `timestamp` goes into the GIF; call in presentation order. */
  accept(timestamp: number): boolean {
    if (this.nextSlot !== null && timestamp < this.nextSlot - 1e-6) return false;
    // Slots stay anchored to the first frame; after a gap (VFR) they restart from this frame.
    const next = (this.nextSlot ?? timestamp) + this.interval;
    this.nextSlot = next > timestamp ? next : timestamp + this.interval;
    return true;
  }

  /** Delay in 1/100 s for a kept frame shown from `start` until `end` (the next kept frame or the clip's end). */
  delayCs(start: number, end: number): number {
    this.origin ??= start;
    const delay = Math.max(2, Math.round((end - this.origin) * 100) - this.writtenCs);
    this.writtenCs += delay;
    return delay;
  }
}

/**
 * Bytes per pixel of a GIF from src/media/encode/gif.ts's default (one shared, refined palette,
 * frame-difference transparency 8, lossy LZW 10), measured on ski.mov (2 s, 456x256, 50 frames) by
 * bench/profile-gif.mjs with issue 12's new nets: 0.383 through The Starry Night, 0.319 The Great
 * Wave, 0.246 The Scream. 0.30 keeps all three within 22 % (issue 17 asks for 25 %).
 */
const GIF_BYTES_PER_PIXEL = 0.3;
const GIF_BYTES_PER_FRAME = 30; // graphic control block + image descriptor + LZW block framing
const GIF_BYTES_FIXED = 3 * 256 + 40; // header, the one global colour table, loop block

export function estimateGifBytes(width: number, height: number, frames: number): number {
  if (frames <= 0) return 0;
  return Math.round(GIF_BYTES_FIXED + frames * (width * height * GIF_BYTES_PER_PIXEL + GIF_BYTES_PER_FRAME));
}

/** How many frames a GIF at `fps` (0 = source rate) keeps of `sourceFrames` frames spanning `seconds`. */
export function gifFrameCount(sourceFrames: number, seconds: number, fps: number): number {
  const rate = Math.min(fps > 0 ? fps : GifTimeline.MAX_FPS, GifTimeline.MAX_FPS);
  return Math.min(sourceFrames, Math.ceil(seconds * rate - 1e-6));
}
