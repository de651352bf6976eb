import { describe, expect, it } from 'vitest';
import { changeMap, STEADY, SteadyFilter } from './steady';

const W = 16;
const H = 12;

function frame(fill: (x: number, y: number, c: number) => number) {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 4; c++) data[(y * W + x) * 4 + c] = c === 3 ? 255 : fill(x, y, c);
  return { data, width: W, height: H };
}

/** A texture that flips from frame to frame, as per-frame style transfer redraws strokes. */
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const texture = () => frame(() => Math.round(random() * 255));
const meanChange = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.reduce((sum, v, i) => sum + (i % 4 === 3 ? 0 : Math.abs(v - b[i])), 0) / ((a.length * 3) / 4);

describe('steadier stylised video', () => {
  it('averages the input change over the window inside the frame', () => {
    const before = frame(() => 0);
    const after = frame((x, y) => (x === 0 && y === 0 ? 255 : 0)); // one corner pixel changed fully in all channels
    const change = changeMap(before.data, after.data, W, H);
    expect(change[0]).toBeCloseTo(1 / 9); // its window in the corner is 3x3
    expect(change[2 * W + 2]).toBeCloseTo(1 / 25); // a full 5x5 window reaches it
    expect(change[3 * W + 3]).toBe(0); // out of reach
  });

  it('passes the first frame through, and where the input holds still keeps strokes from flipping', () => {
    const filter = new SteadyFilter();
    const still = frame((x, y, c) => (x * 13 + y * 7 + c * 50) % 256);
    const stylised = Array.from({ length: 8 }, texture);
    const out = stylised.map((s) => filter.apply(still, s));
    expect(out[0].data).toEqual(stylised[0].data);
    const raw = stylised.slice(1).reduce((sum, s, i) => sum + meanChange(s.data, stylised[i].data), 0);
    const steady = out.slice(1).reduce((sum, s, i) => sum + meanChange(s.data, out[i].data), 0);
    // keep = 0.7 with no input change: each output moves 30 % of the way to the new texture.
    expect(steady / raw).toBeLessThan(0.45);
    expect(steady / raw).toBeGreaterThan(0.2);
  });

  it('takes the new stylised frame where the input changed (motion, a cut): no ghost of the old one', () => {
    const filter = new SteadyFilter();
    filter.apply(frame(() => 0), texture());
    const next = texture();
    const out = filter.apply(frame(() => 200), next); // every pixel changed by 200/255
    const keep = STEADY.keep * Math.exp(-(200 / 255) / STEADY.scale);
    expect(keep).toBeLessThan(1e-6);
    expect(out.data).toEqual(next.data);
  });

  it('refuses a stylised frame of another size', () => {
    expect(() => new SteadyFilter().apply(frame(() => 0), { data: new Uint8ClampedArray(16), width: 2, height: 2 })).toThrow(/does not match/);
  });
});
