import { describe, expect, it } from 'vitest';
import type { Rgba } from '../../lib/pixels';
import { blueNoise, GifWriter, lossyLzw, PaletteMapper, sharedPalette, type GifOptions } from './gif';
import { frameRgba, framesRgba, readGif } from './gif-reader';

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
    const perFrame = await encode(walk, { width: 0, fps: 0, palette: 'per-frame' });
    const localTableBytes = perFrame.gif.frames.reduce((n, f) => n + (f.localPalette?.length ?? 0) * 3, 0);
    expect(localTableBytes).toBeGreaterThan(9 * 3 * 16);
    expect(bytes.byteLength).toBeLessThan(perFrame.bytes.byteLength - localTableBytes / 2);
  });

  it('keeps a per-frame mode on request: global table on the first frame, a local one on each later frame', async () => {
    const { gif } = await encode(walk.slice(0, 4), { width: 0, fps: 0, palette: 'per-frame' });
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

/** PSNR (dB) of decoded frames against the frames they were made from, RGB only. */
function psnr(decoded: Uint8ClampedArray[], frames: Rgba[]): number {
  let se = 0;
  let n = 0;
  for (const [f, frame] of frames.entries()) {
    for (let i = 0; i < frame.data.length; i++) {
      if (i % 4 === 3) continue;
      se += (decoded[f][i] - frame.data[i]) ** 2;
      n++;
    }
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n));
}

/** A textured still background with a bright square moving across it: most pixels repeat frame to frame. */
function moving(t: number, width = 64, height = 48): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  let seed = 99;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const i = (y * width + x) * 4;
      const inSquare = x >= 4 + t * 40 && x < 16 + t * 40 && y >= 16 && y < 28;
      data[i] = inSquare ? 250 : 60 + (x * 3) + (seed >>> 28);
      data[i + 1] = inSquare ? 200 : 90 + y * 2;
      data[i + 2] = inSquare ? 40 : 140 + ((x + y) % 7) * 6;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

describe('GIF defaults for short clips (issue 17): shared palette, frame-difference transparency', () => {
  const clip = Array.from({ length: 12 }, (_, i) => moving(i / 11));

  it('writes one global palette, no local ones, transparent pixels with disposal 1, and decodes close to the input', async () => {
    const { result, gif, bytes } = await encode(clip, { width: 0, fps: 0 });
    expect(result.frames).toBe(12);
    expect([gif.width, gif.height, gif.loopCount]).toEqual([64, 48, 0]);
    expect(gif.frames).toHaveLength(12);
    expect(gif.globalPalette).not.toBeNull();
    expect(gif.frames.every((f) => f.localPalette === null)).toBe(true);
    expect(gif.frames.every((f) => f.disposal === 1)).toBe(true);
    expect(gif.frames[0].transparentIndex).toBeNull(); // the first frame is drawn whole
    const transparent = gif.frames.slice(1).filter((f) => f.transparentIndex !== null);
    expect(transparent.length).toBe(11);
    // Most of a later frame is the still background, skipped.
    const share = gif.frames[6].indices.filter((k) => k === gif.frames[6].transparentIndex).length / (64 * 48);
    expect(share).toBeGreaterThan(0.7);
    const decoded = framesRgba(gif);
    expect(psnr(decoded, clip)).toBeGreaterThan(32);
    // The square is where it should be in the composited last frame (not left behind at its start).
    const at = (f: Uint8ClampedArray, x: number, y: number) => Array.from(f.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 3));
    expect(at(decoded[11], 50, 20)[0]).toBeGreaterThan(220);
    expect(at(decoded[11], 8, 20)[0]).toBeLessThan(200);
    // frameRgba composites the same way.
    expect(frameRgba(gif, 11)).toEqual(decoded[11]);
    // Smaller than the same palette without transparency, and than a palette per frame.
    const opaque = await encode(clip, { width: 0, fps: 0, transparency: false });
    const perFrame = await encode(clip, { width: 0, fps: 0, palette: 'per-frame', transparency: false, lossy: -1 });
    expect(opaque.gif.frames.every((f) => f.transparentIndex === null)).toBe(true);
    expect(bytes.byteLength).toBeLessThan(opaque.bytes.byteLength * 0.8);
    expect(bytes.byteLength).toBeLessThan(perFrame.bytes.byteLength * 0.8);
  });

  it('writes a frame opaque when hardly anything stays the same', async () => {
    const { gif } = await encode([walk[0], walk[9]], { width: 0, fps: 0 });
    expect(gif.frames[1].transparentIndex).toBeNull();
    expect(meanAbsError(frameRgba(gif, 1), walk[9].data)).toBeLessThan(6);
  });

  it('streams frames with tables of their own once the hold budget is spent, and still decodes right', async () => {
    const frameBytes = 64 * 48 * 4;
    const { gif } = await encode(clip, { width: 0, fps: 0, holdBytes: 4 * frameBytes });
    expect(gif.frames).toHaveLength(12);
    // The first five frames (held until the budget ran out) use the global table, the rest their own.
    expect(gif.frames.slice(0, 5).every((f) => f.localPalette === null)).toBe(true);
    expect(gif.frames.slice(5).every((f) => f.localPalette !== null)).toBe(true);
    expect(gif.frames.slice(5).some((f) => f.transparentIndex !== null)).toBe(true);
    expect(psnr(framesRgba(gif), clip)).toBeGreaterThan(30);
  });

  it('keeps lossy coding within its tolerance of each pixel and makes a busy frame smaller', async () => {
    const busy = moving(0.3, 128, 96);
    const exact = await encode([busy], { width: 0, fps: 0, lossy: -1 });
    const lossy = await encode([busy], { width: 0, fps: 0, lossy: 12 });
    expect(lossy.bytes.byteLength).toBeLessThan(exact.bytes.byteLength);
    // Largest channel error of each pixel: at most 12 more than its exactly coded error.
    const a = frameRgba(exact.gif, 0);
    const b = frameRgba(lossy.gif, 0);
    let worst = 0;
    for (let p = 0; p < a.length; p += 4) {
      const err = (f: Uint8ClampedArray) => Math.max(...[0, 1, 2].map((c) => Math.abs(f[p + c] - busy.data[p + c])));
      worst = Math.max(worst, err(b) - err(a));
    }
    expect(worst).toBeLessThanOrEqual(12);
    // The bare function: indices only change towards colours within the tolerance.
    const palette = sharedPalette([busy]);
    const mapper = new PaletteMapper(palette);
    const index = Uint8Array.from({ length: 128 * 96 }, (_, p) => mapper.index(busy.data[p * 4], busy.data[p * 4 + 1], busy.data[p * 4 + 2]));
    const changed = lossyLzw(index.slice(), busy, palette, 0, -1, null);
    expect(changed).toBeGreaterThanOrEqual(0);
    expect(lossyLzw(index.slice(), busy, palette, -1, -1, null)).toBe(0);
  });
});

describe('GIF dithering', () => {
  const still = frame(0.4, 64, 48);

  it('uses a pattern fixed in screen space: identical frames get identical indices, a change stays local', async () => {
    for (const dither of ['bayer', 'blue-noise'] as const) {
      const changed: Rgba = { ...still, data: still.data.slice() };
      for (let y = 30; y < 40; y++) for (let x = 40; x < 56; x++) changed.data.set([255, 255, 255, 255], (y * 64 + x) * 4);
      const { gif } = await encode([still, still, changed], { width: 0, fps: 0, dither, transparency: false, lossy: -1 });
      expect(gif.frames[1].indices).toEqual(gif.frames[0].indices);
      const outside = (k: number) => gif.frames[k].indices.filter((_, p) => !((p / 64) >= 30 && (p / 64) < 40 && p % 64 >= 40 && p % 64 < 56));
      expect(outside(2)).toEqual(outside(0));
      // And with transparency, the repeated frame is skipped entirely (lossless: same index, same colour).
      const skipped = await encode([still, still], { width: 0, fps: 0, dither, lossy: -1 });
      const f1 = skipped.gif.frames[1];
      expect(f1.transparentIndex).not.toBeNull();
      expect(f1.indices.every((k) => k === f1.transparentIndex)).toBe(true);
    }
  });

  it('dithers: a smooth ramp becomes a mix of neighbouring colours with the same local average', async () => {
    const plain = await encode([still], { width: 0, fps: 0, dither: 'none', lossy: -1 });
    const bayer = await encode([still], { width: 0, fps: 0, dither: 'bayer', lossy: -1 });
    const switches = (idx: Uint8Array) => idx.reduce((n, k, p) => n + (p % 64 > 0 && k !== idx[p - 1] ? 1 : 0), 0);
    expect(switches(bayer.gif.frames[0].indices)).toBeGreaterThan(switches(plain.gif.frames[0].indices));
    expect(meanAbsError(frameRgba(bayer.gif, 0), still.data)).toBeLessThan(14);
  });

  it('builds a blue-noise mask: every threshold once, neighbours far apart in value', () => {
    const mask = blueNoise(16);
    expect(new Set(mask).size).toBe(256);
    expect(Math.min(...mask)).toBeGreaterThan(0);
    expect(Math.max(...mask)).toBeLessThan(1);
    let diff = 0;
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) diff += Math.abs(mask[y * 16 + x] - mask[y * 16 + ((x + 1) % 16)]);
    // White noise averages 1/3 between neighbours; blue noise pushes neighbours apart.
    expect(diff / 256).toBeGreaterThan(0.36);
    expect(blueNoise(16)).toEqual(mask); // deterministic
  });
});
