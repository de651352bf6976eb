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

  it("in a pan, moves its history with the camera: the strokes travel with the scene instead of being dropped", () => {
    // A 96x64 window panning 3 px a frame over a textured scene; the "stylisation" is the scene's own
    // strokes plus a texture redrawn on every frame, as a per-frame net does.
    const [w, h, step] = [96, 64, 3];
    const sceneAt = (x: number, y: number) => 128 + 60 * Math.sin(x * 0.31 + Math.sin(y * 0.17) * 2) + 40 * Math.cos(y * 0.23 - x * 0.07);
    const shot = (left: number, redraw: number) => {
      const data = new Uint8ClampedArray(w * h * 4);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) for (let c = 0; c < 4; c++) data[(y * w + x) * 4 + c] = c === 3 ? 255 : sceneAt(x + left, y) + (redraw ? redraw * (random() - 0.5) : c * 10);
      return { data, width: w, height: h };
    };
    const frames = Array.from({ length: 10 }, (_, t) => ({ input: shot(100 + step * t, 0), stylised: shot(100 + step * t, 120) }));
    // Change along the motion: each frame against the previous one moved by the pan (its overlap only).
    const alongMotion = (out: { data: Uint8ClampedArray }[]) => {
      let sum = 0;
      for (let t = 1; t < out.length; t++) {
        let s = 0;
        for (let y = 0; y < h; y++) for (let x = 0; x < w - step; x++) for (let c = 0; c < 3; c++) s += Math.abs(out[t].data[(y * w + x) * 4 + c] - out[t - 1].data[(y * w + x + step) * 4 + c]);
        sum += s / (h * (w - step) * 3);
      }
      return sum / (out.length - 1);
    };
    const moving = new SteadyFilter();
    const held = new SteadyFilter({ followMotion: false });
    const followed = frames.map((f) => moving.apply(f.input, f.stylised));
    expect(moving.lastShift).toEqual([0, -step]);
    const inPlace = frames.map((f) => held.apply(f.input, f.stylised));
    const raw = alongMotion(frames.map((f) => f.stylised));
    // Held in place, the pan changes every pixel's input, so little is kept; moved along, as with a still picture.
    expect(alongMotion(inPlace) / raw).toBeGreaterThan(0.8);
    expect(alongMotion(followed) / raw).toBeLessThan(0.4); // 0.95 and 0.26 here
  });

  it('refuses a stylised frame of another size', () => {
    expect(() => new SteadyFilter().apply(frame(() => 0), { data: new Uint8ClampedArray(16), width: 2, height: 2 })).toThrow(/does not match/);
  });
});
