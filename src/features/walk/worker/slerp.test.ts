import { describe, expect, it } from 'vitest';
import { checkFrameCount, walkSchedule } from '../schedule';
import { gaussianNoise, mulberry32 } from './noise';
import { angleBetween, slerp } from './slerp';

const v = (...xs: number[]) => Float32Array.from(xs);
const len = (x: ArrayLike<number>) => Math.hypot(...Array.from(x));
const dist = (x: ArrayLike<number>, y: ArrayLike<number>) => Math.hypot(...Array.from(x, (xi, i) => xi - y[i]));
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6) {
  expect(actual.length).toBe(expected.length);
  expect(dist(actual, expected), `${Array.from(actual)} vs ${Array.from(expected)}`).toBeLessThan(tolerance);
}

describe('slerp', () => {
  it('starts at a and ends at b', () => {
    const a = v(3, -1, 2);
    const b = v(-1, 4, 0.5);
    expectClose(slerp(a, b, 0), a, 1e-5);
    expectClose(slerp(a, b, 1), b, 1e-5);
  });

  it('follows the arc at constant speed: unit vectors at 2 rad, and orthogonal ones', () => {
    const theta = 2;
    const a = v(1, 0);
    const b = v(Math.cos(theta), Math.sin(theta));
    for (const t of [0.1, 0.25, 0.5, 0.9]) expectClose(slerp(a, b, t), [Math.cos(t * theta), Math.sin(t * theta)], 1e-6);
    expectClose(slerp(v(1, 0, 0), v(0, 1, 0), 0.5), [Math.SQRT1_2, Math.SQRT1_2, 0]);
  });

  it('moves the length linearly from |a| to |b| and not through the chord (a lerp would shrink it)', () => {
    const a = v(2, 0);
    const b = v(0, 4);
    const mid = slerp(a, b, 0.25);
    expect(len(mid)).toBeCloseTo(2.5, 6);
    expect(angleBetween(a, mid)).toBeCloseTo(Math.PI / 8, 6);
    // The walk between two Gaussian noises keeps the noise's norm; a lerp loses ~29 % at t = 0.5.
    const n0 = gaussianNoise(1, 4096);
    const n1 = gaussianNoise(2, 4096);
    const s = slerp(n0, n1, 0.5);
    expect(len(s) / len(n0)).toBeGreaterThan(0.98);
    const lerp = n0.map((x, i) => 0.5 * x + 0.5 * n1[i]);
    expect(len(lerp) / len(n0)).toBeLessThan(0.75);
  });

  it('keeps a constant angular speed on embedding-sized vectors (77 x 1024)', () => {
    const a = gaussianNoise(10, 77 * 1024);
    const b = gaussianNoise(11, 77 * 1024);
    const theta = angleBetween(a, b);
    expect(theta).toBeGreaterThan(1.4); // random high-dimensional vectors are nearly orthogonal
    for (const t of [0.2, 0.5, 0.8]) {
      const s = slerp(a, b, t);
      expect(angleBetween(a, s)).toBeCloseTo(t * theta, 5);
      expect(angleBetween(s, b)).toBeCloseTo((1 - t) * theta, 5);
    }
  });

  it('near 0: measures a tiny angle exactly and interpolates without NaN', () => {
    const a = v(1, 0);
    const b = v(Math.cos(1e-6), Math.sin(1e-6)); // float32 rounds the cosine to exactly 1
    expect(Math.acos(Math.min(1, a[0] * b[0] + a[1] * b[1]))).toBe(0); // what acos would say
    expect(angleBetween(a, b)).toBeCloseTo(1e-6, 12);
    const mid = slerp(a, b, 0.5);
    expect(mid.every(Number.isFinite)).toBe(true);
    expectClose(mid, [1, 5e-7], 1e-7);
    const same = slerp(v(0.3, 0.4), v(0.3, 0.4), 0.7);
    expectClose(same, [0.3, 0.4], 1e-7);
    // Just above the parallel threshold the arc formula runs; it must agree with the chord there.
    const c = v(1, 0);
    const d = v(Math.cos(3e-4), Math.sin(3e-4));
    expectClose(slerp(c, d, 0.5), [Math.cos(1.5e-4), Math.sin(1.5e-4)], 1e-6);
  });

  it('near π: turns through the half circle keeping the length', () => {
    const a = v(1, 0, 0);
    const b = v(-1, 1e-3, 0); // 1 mrad short of opposite
    expect(angleBetween(a, b)).toBeCloseTo(Math.PI - 1e-3, 6);
    const mid = slerp(a, b, 0.5);
    expect(len(mid)).toBeCloseTo((1 + len(b)) / 2, 6);
    expectClose(mid, [Math.cos((Math.PI - 1e-3) / 2), Math.sin((Math.PI - 1e-3) / 2), 0], 1e-5);
    expectClose(slerp(a, b, 1), b, 1e-6);
  });

  it('exactly opposite: picks a plane, stays on the sphere, is smooth and reaches b', () => {
    const a = v(1, 2, 3);
    const b = v(-1, -2, -3);
    expect(angleBetween(a, b)).toBeCloseTo(Math.PI, 6);
    const mid = slerp(a, b, 0.5);
    expect(len(mid)).toBeCloseTo(len(a), 5);
    expect(Math.abs(mid[0] * a[0] + mid[1] * a[1] + mid[2] * a[2])).toBeLessThan(1e-5); // at 90°
    expectClose(slerp(a, b, 1), b, 1e-5);
    let previous = slerp(a, b, 0);
    for (let k = 1; k <= 20; k++) {
      const next = slerp(a, b, k / 20);
      expect(dist(previous, next)).toBeCloseTo(len(a) * 2 * Math.sin(Math.PI / 40), 5); // equal steps on the circle
      previous = next;
    }
    const lerpMid = a.map((x, i) => 0.5 * x + 0.5 * b[i]);
    expect(len(lerpMid)).toBe(0); // what a lerp (or a slerp that falls back to one) would give
  });

  it('falls back to a lerp with a zero vector and refuses different lengths', () => {
    expectClose(slerp(v(0, 0), v(2, 4), 0.25), [0.5, 1]);
    expect(() => slerp(v(1, 2), v(1, 2, 3), 0.5)).toThrow(/differ in length/);
  });

  it('writes into the output array it is given', () => {
    const out = new Float32Array(2);
    expect(slerp(v(1, 0), v(0, 1), 1, out)).toBe(out);
    expectClose(out, [0, 1]);
  });
});

describe('walk schedule', () => {
  it('spaces 4 to 120 frames evenly from t = 0 to t = 1', () => {
    expect(walkSchedule(4).ts).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(walkSchedule(4).order).toEqual([0, 1, 2, 3]);
    const long = walkSchedule(120);
    expect(long.ts).toHaveLength(120);
    expect(long.ts[0]).toBe(0);
    expect(long.ts[119]).toBe(1);
    for (let i = 1; i < 120; i++) expect(long.ts[i] - long.ts[i - 1]).toBeCloseTo(1 / 119, 12);
  });

  it('ping-pong goes back without repeating either end (2n-2 frames played)', () => {
    expect(walkSchedule(4, true).order).toEqual([0, 1, 2, 3, 2, 1]);
    expect(walkSchedule(5, true).order).toEqual([0, 1, 2, 3, 4, 3, 2, 1]);
    expect(walkSchedule(120, true).order).toHaveLength(238);
    expect(walkSchedule(120, true).ts).toHaveLength(120); // rendered once each
  });

  it('refuses fewer than 4, more than 120 or a fraction of a frame', () => {
    for (const bad of [3, 121, 4.5, NaN, 0]) expect(() => checkFrameCount(bad)).toThrow(/4 to 120 frames/);
    expect(() => walkSchedule(2)).toThrow(RangeError);
  });
});

describe('seeded Gaussian noise', () => {
  it('is the same for a seed and different for another', () => {
    expect(gaussianNoise(42, 1000)).toEqual(gaussianNoise(42, 1000));
    expect(gaussianNoise(42, 8)).not.toEqual(gaussianNoise(43, 8));
    expect(gaussianNoise(42, 7)).toEqual(gaussianNoise(42, 8).slice(0, 7)); // odd counts too
    expect(mulberry32(1)()).toBe(mulberry32(1)());
    expect(() => gaussianNoise(1.5, 4)).toThrow(/whole number/);
  });

  it('has the moments of a standard normal (a latent 4 x 64 x 64)', () => {
    const x = gaussianNoise(7, 4 * 64 * 64);
    const n = x.length;
    const mean = x.reduce((s, a) => s + a, 0) / n;
    const variance = x.reduce((s, a) => s + (a - mean) ** 2, 0) / n;
    const beyond2 = x.filter((a) => Math.abs(a) > 2).length / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
    expect(beyond2).toBeGreaterThan(0.0455 - 0.008);
    expect(beyond2).toBeLessThan(0.0455 + 0.008);
    expect(x.every(Number.isFinite)).toBe(true);
  });
});
