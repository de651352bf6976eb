import { describe, expect, it } from 'vitest';
import { globalShift, greyOf, halve, moveImage, MotionTracker, pairError, pyramid, strideOf, type Grey } from './motion';

/** A smooth random landscape (sums of sines), unbounded, to cut frames from, as grey around 0.5. */
function scene(seed = 3): (x: number, y: number) => number {
  const waves = Array.from({ length: 12 }, (_, k) => {
    const s = Math.sin(seed * 97.1 + k * 13.7) * 43758.5453;
    const r = s - Math.floor(s);
    return { fx: ((r * 7.3) % 1) * 0.15 + 0.01, fy: ((r * 3.1) % 1) * 0.15 + 0.01, phase: r * 6.28, amp: 0.04 + 0.04 * r };
  });
  return (x, y) => 0.5 + waves.reduce((sum, w) => sum + w.amp * Math.sin(w.fx * x + w.fy * y + w.phase), 0);
}

/** The width x height window of the scene whose top-left corner is (left, top), with a little noise. */
function view(at: (x: number, y: number) => number, left: number, top: number, width: number, height: number, noise = 0.01): Grey {
  const data = new Float32Array(width * height);
  let seed = left * 31 + top * 17 + 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = at(x + left, y + top) + noise * (random() - 0.5);
  return { data, width, height };
}

describe("the camera's motion between frames", () => {
  it('builds the pyramid flicker.py searches at 456x256 (one halving), and more halvings for larger frames', () => {
    const flat = (width: number, height: number): Grey => ({ data: new Float32Array(width * height), width, height });
    expect(pyramid(flat(456, 256)).map((g) => [g.width, g.height])).toEqual([[456, 256], [228, 128]]);
    expect(pyramid(flat(1280, 720)).map((g) => g.width)).toEqual([1280, 640, 320, 160]);
    expect(pyramid(flat(200, 120)).map((g) => g.width)).toEqual([200]);
    // Levels past about 1.5 x 480 px are sampled every few rows and columns.
    expect([flat(456, 256), flat(640, 360), flat(852, 480), flat(1280, 720), flat(1920, 1080)].map(strideOf)).toEqual([1, 1, 2, 3, 4]);
    const odd = halve({ data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), width: 3, height: 3 });
    expect([odd.width, odd.height, ...odd.data]).toEqual([1, 1, 3]); // (1+2+4+5)/4, odd row and column dropped
  });

  it('measures the error of a shift over the overlap only', () => {
    const a: Grey = { data: Float32Array.from([0, 1, 2, 3]), width: 4, height: 1 };
    const b: Grey = { data: Float32Array.from([9, 0, 1, 2]), width: 4, height: 1 }; // a moved right by one, new pixel on the left
    expect(pairError(a, b, 0, 1)).toBe(0);
    expect(pairError(a, b, 0, 0)).toBeCloseTo((9 + 1 + 1 + 1) / 4);
    expect(pairError(a, b, 0, 4)).toBe(Infinity);
  });

  it('finds pans and tilts up to 13 px a frame at 456x256 (ski.mov pans that fast), 40 px at 1280x720 and 50 px at 1920x1080', () => {
    const at = scene();
    for (const [width, height, dy, dx] of [[456, 256, 0, 0], [456, 256, 0, 13], [456, 256, -5, -9], [456, 256, 3, -12], [1280, 720, 7, 40], [1280, 720, -30, -2], [1920, 1080, 5, -50]]) {
      const before = view(at, 300, 200, width, height);
      const after = view(at, 300 - dx, 200 - dy, width, height); // the scene moved by (dy, dx) in the frame
      expect(globalShift(pyramid(before), pyramid(after))).toEqual([dy, dx]);
    }
  });

  it('stands still unless a shift explains the frame clearly better: a still camera over a plain, noisy scene, and a pan beyond the search range', () => {
    // A ramp that is the same on every row: any vertical shift fits it as well as none, so noise would pick one.
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const still = (): Grey => {
      const data = new Float32Array(64 * 36);
      for (let i = 0; i < data.length; i++) data[i] = 0.2 + ((i % 64) / 63) * 0.4 + (random() - 0.5) * 0.05;
      return { data, width: 64, height: 36 };
    };
    const tracker = new MotionTracker();
    const shifts = Array.from({ length: 8 }, () => tracker.next(still()));
    expect(shifts).toEqual(Array.from({ length: 8 }, () => [0, 0]));
    // 40 px at 456x256 is past the ±14 px the search reaches there: no shift rather than a wrong one
    // (over a fine texture, 3 px blocks of random grey, where no wrong shift fits much better than none).
    const blocks = (x: number, y: number) => {
      const h = Math.sin(Math.floor(x / 3) * 12.9898 + Math.floor(y / 3) * 78.233) * 43758.5453;
      return h - Math.floor(h);
    };
    expect(globalShift(pyramid(view(blocks, 300, 200, 456, 256)), pyramid(view(blocks, 297, 200, 456, 256)))).toEqual([0, 3]);
    expect(globalShift(pyramid(view(blocks, 300, 200, 456, 256)), pyramid(view(blocks, 260, 200, 456, 256)))).toEqual([0, 0]);
  });

  it('tracks frame to frame, starting from no shift and starting again after a size change', () => {
    const at = scene(5);
    const tracker = new MotionTracker();
    expect(tracker.next(view(at, 100, 100, 160, 120))).toEqual([0, 0]);
    expect(tracker.next(view(at, 96, 100, 160, 120))).toEqual([0, 4]);
    expect(tracker.next(view(at, 96, 103, 160, 120))).toEqual([-3, 0]);
    expect(tracker.next(view(at, 90, 90, 200, 100))).toEqual([0, 0]);
  });

  it('reads grey from RGBA bytes and moves an image with its border filled from the nearest pixel', () => {
    const rgba = Uint8ClampedArray.from([255, 255, 255, 0, 0, 0, 255, 255]);
    expect([...greyOf(rgba, 2, 1).data]).toEqual([1, Math.fround(1 / 3)]);
    expect([...greyOf(Uint8Array.from([255, 255, 255, 0, 0, 255]), 2, 1, 3).data]).toEqual([1, Math.fround(1 / 3)]); // RGB
    const image = Float32Array.from([1, 2, 3, 4, 5, 6]); // 3x2, one channel
    expect([...moveImage(image, 3, 2, 1, 0, 1)]).toEqual([1, 1, 2, 4, 4, 5]);
    expect([...moveImage(image, 3, 2, 1, -1, 0)]).toEqual([4, 5, 6, 4, 5, 6]);
    expect([...moveImage(image, 3, 2, 1, 1, -1)]).toEqual([2, 3, 3, 2, 3, 3]);
    expect([...moveImage(image, 3, 2, 1, 0, 5)]).toEqual([1, 1, 1, 4, 4, 4]); // moved out of the frame: the edge everywhere
    expect([...moveImage(image, 3, 2, 1, 0, -3)]).toEqual([3, 3, 3, 6, 6, 6]);
    const pixels = Uint8ClampedArray.from([1, 2, 3, 4, 5, 6, 7, 8]); // 2x1 RGBA
    expect([...moveImage(pixels, 2, 1, 4, 0, 1)]).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect([...moveImage(pixels, 2, 1, 4, 0, -1)]).toEqual([5, 6, 7, 8, 5, 6, 7, 8]);
    expect(moveImage(image, 3, 2, 1, 0, 0)).toBe(image);
  });
});
