import { describe, expect, it } from 'vitest';
import type { Rgba } from '../../../lib/pixels';
import { cameraOffset, fillHoles, parallaxFrames, PARALLAX_DEFAULTS, warpFrame } from './parallax';

const RED = [200, 30, 30, 255];
const BLUE = [20, 40, 220, 255];

/** A far red background with a green stripe every 8 columns, and a near blue square in the middle. */
function scene(width = 64, height = 48) {
  const data = new Uint8ClampedArray(width * height * 4);
  const depth = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const near = x >= 24 && x < 40 && y >= 16 && y < 32;
      data.set(near ? BLUE : x % 8 === 0 ? [30, 200, 30, 255] : RED, i * 4);
      depth[i] = near ? 1 : 0;
    }
  return { image: { data, width, height } as Rgba, depth };
}

const px = (img: Rgba, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe('warpFrame', () => {
  it('moves near pixels one way and far ones the other, by (depth - focus) * offset', () => {
    const { image, depth } = scene();
    const out = warpFrame(image, depth, { dx: 8, dy: 0 }, 0.5);
    // The square (depth 1) moves +4, the background (depth 0) -4.
    expect(px(out, 24 + 4, 20)).toEqual(BLUE);
    expect(px(out, 39 + 4, 20)).toEqual(BLUE);
    expect(px(out, 22, 20)).not.toEqual(BLUE); // square's old left edge minus 2: background now
    // A green background stripe from column 8 is now at column 4.
    expect(px(out, 4, 5)[1]).toBe(200);
  });

  it('fills the uncovered background with background, never with the near object', () => {
    const { image, depth } = scene();
    const out = warpFrame(image, depth, { dx: 12, dy: 0 }, 0.5);
    // The square moved +6, the background -6: columns 24..29 + ... were behind the square's left part.
    for (let y = 16; y < 32; y++) {
      for (let x = 18; x < 30; x++) expect(px(out, x, y)).not.toEqual(BLUE);
    }
    // Every pixel is filled and opaque, including the right border the background slid away from.
    for (let i = 3; i < out.data.length; i += 4) expect(out.data[i]).toBe(255);
    expect(px(out, 63, 40)).not.toEqual([0, 0, 0, 0]);
  });

  it('keeps the focus plane still: with a flat depth at the focus the frame is the photo', () => {
    const { image } = scene();
    const out = warpFrame(image, new Float32Array(64 * 48).fill(0.5), { dx: 30, dy: -20 }, 0.5);
    expect(Array.from(out.data)).toEqual(Array.from(image.data));
  });

  it('lets the nearer pixel win where two land on one spot', () => {
    const image: Rgba = { data: Uint8ClampedArray.from([...RED, ...BLUE, ...RED]), width: 3, height: 1 };
    // Pixel 0 (far) moves +1 onto pixel 1's spot; pixel 1 (near) stays.
    const out = warpFrame(image, Float32Array.from([0, 1, 1]), { dx: -2, dy: 0 }, 1);
    expect(px(out, 1, 0)).toEqual(BLUE);
  });
});

describe('fillHoles', () => {
  it('takes the farthest of the first filled pixels around, and the closest one on that surface', () => {
    // 6x1: [far A][hole][hole][hole][near B][near B]
    const rgba = Uint8ClampedArray.from([1, 1, 1, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 255, 9, 9, 9, 255]);
    const z = Float32Array.from([0.1, -Infinity, -Infinity, -Infinity, 0.9, 0.9]);
    fillHoles(rgba, z, 6, 1);
    expect(Array.from(z)).toEqual([0.1, 0.1, 0.1, 0.1, 0.9, 0.9].map((v) => Math.fround(v)));
    // Even the hole next to B took A: background stretched in.
    expect(Array.from(rgba.subarray(12, 16))).toEqual([1, 1, 1, 255]);
  });

  it('prefers a close pixel over a far-away one of about the same depth', () => {
    // 1 row, background with a slight gradient both sides: the hole at 1 takes 0, the one at 3 takes 4.
    const rgba = Uint8ClampedArray.from([1, 1, 1, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 5, 255]);
    const z = Float32Array.from([0.12, -Infinity, -Infinity, -Infinity, 0.1]);
    fillHoles(rgba, z, 5, 1);
    expect(rgba[4]).toBe(1);
    expect(rgba[12]).toBe(5);
  });
});

describe('parallaxFrames', () => {
  it('makes the asked number of frames at the photo\'s size, looping back to the start', () => {
    const { image, depth } = scene();
    const frames = [...parallaxFrames(image, depth, { frames: 12 })];
    expect(frames).toHaveLength(12);
    for (const f of frames) expect([f.width, f.height]).toEqual([64, 48]);
    // Frames differ from each other (the camera moves) ...
    expect(Array.from(frames[0].data)).not.toEqual(Array.from(frames[6].data));
    // ... and the loop closes: the frame after the last would be frame 0 again.
    const next = warpFrame(image, depth, cameraOffset(12, { ...PARALLAX_DEFAULTS, frames: 12 }, 64));
    expect(Array.from(next.data)).toEqual(Array.from(frames[0].data));
  });

  it('sways only sideways, circles in both directions', () => {
    const sway = [0, 1, 2, 3].map((k) => cameraOffset(k, { ...PARALLAX_DEFAULTS, frames: 4, path: 'sway' }, 100));
    expect(sway.every((o) => o.dy === 0)).toBe(true);
    expect(Math.max(...sway.map((o) => Math.abs(o.dx)))).toBeCloseTo(PARALLAX_DEFAULTS.amplitude * 200, 6);
    const circle = [0, 1, 2, 3].map((k) => cameraOffset(k, { ...PARALLAX_DEFAULTS, frames: 4 }, 100));
    expect(Math.max(...circle.map((o) => Math.abs(o.dy)))).toBeGreaterThan(0);
  });

  it('refuses fewer than 2 frames and a depth of the wrong size', () => {
    const { image, depth } = scene();
    expect(() => parallaxFrames(image, depth, { frames: 1 }).next()).toThrow(/at least 2 frames/);
    expect(() => warpFrame(image, new Float32Array(3), { dx: 1, dy: 0 })).toThrow(/depth has 3 values/);
  });
});
