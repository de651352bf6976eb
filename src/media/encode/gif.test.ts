import { describe, expect, it } from 'vitest';
import type { Rgba } from '../../lib/pixels';
import { GifWriter, sharedPalette, type GifOptions } from './gif';
import { frameRgba, readGif } from './gif-reader';

/** A 48x32 frame: a diagonal gradient whose hue moves with `t` (0…1), so frames differ in colour. */
function frame(t: number, width = 48, height = 32): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const g = (x + y) / (width + height);
      data[i] = 255 * (1 - t) * g + 40 * t;
      data[i + 1] = 120 + 100 * Math.sin(6 * g + 3 * t);
      data[i + 2] = 255 * t * (1 - g) + 30;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

async function encode(frames: Rgba[], options: GifOptions, seconds = 0.1) {
  const writer = new GifWriter(options);
  for (const [i, f] of frames.entries()) await writer.add(f, i * seconds, seconds);
  const result = await writer.finish();
  const bytes = new Uint8Array(await result.blob.arrayBuffer());
  return { result, bytes, gif: readGif(bytes) };
}

function meanAbsError(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    sum += Math.abs(a[i] - b[i]);
    n++;
  }
  return sum / n;
}

const walk = Array.from({ length: 10 }, (_, i) => frame(i / 9));

describe('GIF reader', () => {
  it('reads a known 1x1 GIF written by another encoder', () => {
    const bytes = Uint8Array.from(atob('R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs='), (c) => c.charCodeAt(0));
    const gif = readGif(bytes);
    expect(gif).toMatchObject({ width: 1, height: 1, loopCount: null });
    expect(gif.globalPalette?.slice(0, 2)).toEqual([
      [255, 255, 255],
      [0, 0, 0],
    ]);
    expect(gif.frames).toHaveLength(1);
    expect(Array.from(frameRgba(gif, 0))).toEqual([255, 255, 255, 255]);
    expect(() => readGif(new TextEncoder().encode('PNG...'))).toThrow(/not a GIF/);
  });
});

describe('GIF with one palette shared by every frame', () => {
  it('has the frame count, size, loop flag and a single global colour table', async () => {
    const { result, gif, bytes } = await encode(walk, { width: 0, fps: 0, palette: 'shared' });
    expect(result.frames).toBe(10);
    expect(result.blob.type).toBe('image/gif');
    expect(gif.width).toBe(48);
    expect(gif.height).toBe(32);
    expect(gif.loopCount).toBe(0); // NETSCAPE2.0, forever
    expect(gif.frames).toHaveLength(10);
    expect(gif.globalPalette).not.toBeNull();
    expect(gif.globalPalette!.length).toBeLessThanOrEqual(256);
    expect(gif.frames.every((f) => f.localPalette === null)).toBe(true);
    expect(gif.frames.every((f) => f.width === 48 && f.height === 32 && f.delayMs === 100)).toBe(true);
    // Pixels come back close to the frames they were made from, first and last alike.
    for (const i of [0, 5, 9]) expect(meanAbsError(frameRgba(gif, i), walk[i].data)).toBeLessThan(6);
    // No 768-byte table per frame: smaller than the same frames with a palette each.
    const perFrame = await encode(walk, { width: 0, fps: 0 });
    const localTableBytes = perFrame.gif.frames.reduce((n, f) => n + (f.localPalette?.length ?? 0) * 3, 0);
    expect(localTableBytes).toBeGreaterThan(9 * 3 * 16);
    expect(bytes.byteLength).toBeLessThan(perFrame.bytes.byteLength - localTableBytes / 2);
  });

  it('keeps the old per-frame mode by default: global table on the first frame, a local one on each later frame', async () => {
    const { gif } = await encode(walk.slice(0, 4), { width: 0, fps: 0 });
    expect(gif.frames).toHaveLength(4);
    expect(gif.globalPalette).not.toBeNull();
    expect(gif.frames[0].localPalette).toBeNull();
    expect(gif.frames.slice(1).every((f) => f.localPalette !== null)).toBe(true);
    expect(meanAbsError(frameRgba(gif, 3), walk[3].data)).toBeLessThan(6);
  });

  it('plays a ping-pong loop from frames added twice, identical on the way back', async () => {
    const order = [0, 1, 2, 3, 4, 3, 2, 1];
    const { gif, result } = await encode(order.map((i) => walk[i]), { width: 0, fps: 0, palette: 'shared' });
    expect(result.frames).toBe(8);
    expect(gif.frames).toHaveLength(8);
    expect(gif.frames[5].indices).toEqual(gif.frames[3].indices);
    expect(gif.frames[7].indices).toEqual(gif.frames[1].indices);
    expect(gif.frames[1].indices).not.toEqual(gif.frames[2].indices);
  });

  it('scales to the chosen width, plays once when asked, and times frames by their timestamps', async () => {
    const { gif } = await encode(walk.slice(0, 3), { width: 24, fps: 0, palette: 'shared', loop: false }, 0.25);
    expect([gif.width, gif.height]).toEqual([24, 16]);
    expect(gif.frames.map((f) => [f.width, f.height, f.delayMs])).toEqual([
      [24, 16, 250],
      [24, 16, 250],
      [24, 16, 250],
    ]);
    expect(gif.loopCount).toBeNull();
  });

  it('streams with a palette given up front, written once as the global table', async () => {
    const palette = sharedPalette(walk);
    const { gif } = await encode(walk, { width: 0, fps: 0, palette });
    expect(gif.frames.every((f) => f.localPalette === null)).toBe(true);
    expect(gif.globalPalette!.slice(0, palette.length)).toEqual(palette.map((c) => c.slice(0, 3)));
    expect(meanAbsError(frameRgba(gif, 9), walk[9].data)).toBeLessThan(6);
  });

  it('builds the palette from frames spread over the whole animation, not just the first ones', () => {
    const solid = (r: number, g: number, b: number): Rgba => {
      const data = new Uint8ClampedArray(16 * 16 * 4);
      for (let i = 0; i < data.length; i += 4) data.set([r, g, b, 255], i);
      return { width: 16, height: 16, data };
    };
    const frames = Array.from({ length: 30 }, (_, i) => (i < 29 ? solid(230, 20, 20) : solid(20, 30, 240)));
    const palette = sharedPalette(frames, { sampleFrames: 4 });
    const near = (c: number[], target: number[]) => Math.hypot(c[0] - target[0], c[1] - target[1], c[2] - target[2]) < 24;
    expect(palette.some((c) => near(c, [230, 20, 20]))).toBe(true);
    expect(palette.some((c) => near(c, [20, 30, 240]))).toBe(true); // the last frame's blue is in it
    expect(() => sharedPalette([])).toThrow(/at least one frame/);
  });

  it('samples a few pixels of large frames and still covers their colours', () => {
    const big = frame(0.5, 320, 240);
    const palette = sharedPalette([big], { samplePixels: 1024 });
    expect(palette.length).toBeGreaterThan(16);
    // every pixel of the whole frame (75x more than sampled) finds a near colour in the table
    let total = 0;
    for (let i = 0; i < big.data.length; i += 4) {
      let best = Infinity;
      for (const c of palette) best = Math.min(best, Math.hypot(c[0] - big.data[i], c[1] - big.data[i + 1], c[2] - big.data[i + 2]));
      total += best;
    }
    expect(total / (big.width * big.height)).toBeLessThan(8);
  });
});
