import { describe, expect, it } from 'vitest';
import type { Rgba } from '../../../lib/pixels';
import { depthAnythingSize, IMAGENET_MEAN, IMAGENET_STD, preprocessDepthAnything, preprocessMidas, roundHalfEven } from './preprocess';

function flat(width: number, height: number, rgb: [number, number, number]): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { data, width, height };
}

describe('roundHalfEven (Python round)', () => {
  it('sends halves to the even neighbour and everything else to the nearest', () => {
    expect([0.5, 1.5, 2.5, 3.5, 24.5, 55.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 24, 56]);
    expect([2.4999, 2.5001, 24.51, 7].map(roundHalfEven)).toEqual([2, 3, 25, 7]);
  });
});

describe('depthAnythingSize (DPTImageProcessor, 518, multiple of 14)', () => {
  it("gives 518x350 for CATALOGUE.md's 640x424 example", () => {
    expect(depthAnythingSize(640, 424)).toEqual({ width: 518, height: 350 });
  });

  it('keeps the scale closer to 1: large photos get 518 on the short side', () => {
    expect(depthAnythingSize(6000, 4000)).toEqual({ width: 784, height: 518 }); // 777/14 = 55.5 -> 56
    expect(depthAnythingSize(3000, 4000)).toEqual({ width: 518, height: 686 }); // 690.67/14 = 49.3 -> 49
    expect(depthAnythingSize(512, 512)).toEqual({ width: 518, height: 518 });
  });

  it('rounds with banker\'s rounding: 35 px at scale 1 is 2.5 x 14, which rounds to 28, not 42', () => {
    expect(depthAnythingSize(518, 35)).toEqual({ width: 518, height: 28 });
    expect(depthAnythingSize(518, 49)).toEqual({ width: 518, height: 56 }); // 3.5 -> 4
  });

  it('gives multiples of 14 that keep the aspect within a cell, and never 0', () => {
    for (const [w, h] of [[4032, 3024], [1080, 1920], [300, 200], [1200, 100], [5000, 60]]) {
      const s = depthAnythingSize(w, h);
      expect(s.width % 14).toBe(0);
      expect(s.height % 14).toBe(0);
      expect(s.height).toBeGreaterThanOrEqual(14);
      expect(Math.abs(s.width / s.height - w / h) / (w / h)).toBeLessThan(14 / Math.min(s.width, s.height) + 1e-9);
    }
  });
});

describe('preprocessDepthAnything', () => {
  it('makes a [1,3,H,W] float32 NCHW tensor with ImageNet mean and std', () => {
    const { tensor, source } = preprocessDepthAnything(flat(640, 424, [255, 0, 128]));
    expect(tensor.type).toBe('float32');
    expect(tensor.dims).toEqual([1, 3, 350, 518]);
    expect(source).toEqual({ width: 640, height: 424 });
    const plane = 350 * 518;
    const want = [(1 - IMAGENET_MEAN[0]) / IMAGENET_STD[0], (0 - IMAGENET_MEAN[1]) / IMAGENET_STD[1], (128 / 255 - IMAGENET_MEAN[2]) / IMAGENET_STD[2]];
    for (let c = 0; c < 3; c++) {
      for (const i of [0, 1234, plane - 1]) expect(tensor.data[c * plane + i]).toBeCloseTo(want[c], 5);
    }
  });

  it('puts each channel in its own plane, rows top to bottom', () => {
    // Left half red, right half blue; top row white.
    const img = flat(28, 28, [255, 0, 0]);
    for (let y = 0; y < 28; y++) for (let x = 14; x < 28; x++) img.data.set([0, 0, 255, 255], (y * 28 + x) * 4);
    const { tensor } = preprocessDepthAnything(img);
    // 28x28: scale 518/28 on both sides, 518x518.
    expect(tensor.dims).toEqual([1, 3, 518, 518]);
    const plane = 518 * 518;
    const at = (c: number, x: number, y: number) => tensor.data[c * plane + y * 518 + x];
    expect(at(0, 10, 259)).toBeCloseTo((1 - 0.485) / 0.229, 5); // red, left
    expect(at(2, 10, 259)).toBeCloseTo((0 - 0.406) / 0.225, 5);
    expect(at(0, 500, 259)).toBeCloseTo((0 - 0.485) / 0.229, 5); // blue, right
    expect(at(2, 500, 259)).toBeCloseTo((1 - 0.406) / 0.225, 5);
  });
});

describe('preprocessMidas', () => {
  it('squeezes any photo to the static [1,3,256,256] input with RGB in [0,1], no mean/std', () => {
    const { tensor, source } = preprocessMidas(flat(300, 120, [51, 102, 255]));
    expect(tensor.dims).toEqual([1, 3, 256, 256]);
    expect(source).toEqual({ width: 300, height: 120 });
    const plane = 256 * 256;
    expect(tensor.data[0]).toBeCloseTo(0.2, 6);
    expect(tensor.data[plane + 77]).toBeCloseTo(0.4, 6);
    expect(tensor.data[2 * plane + plane - 1]).toBeCloseTo(1, 6);
  });
});
