import { describe, expect, it } from 'vitest';
import { blendRgba, downscaleArea, fitHeight, fitWithin, flattenOnWhite, planarToRgba, reflectIndex, rgbToPlanar, roundUpTo, type Rgba } from './pixels';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { data, width, height };
}

describe('reflect padding', () => {
  it('mirrors without repeating the edge, like ONNX Pad(reflect)', () => {
    expect([-2, -1, 0, 1, 2, 3, 4, 5].map((i) => reflectIndex(i, 4))).toEqual([2, 1, 0, 1, 2, 3, 2, 1]);
    expect(reflectIndex(5, 1)).toBe(0);
  });
  it('rounds sizes up to the model stride', () => {
    expect([roundUpTo(511, 4), roundUpTo(512, 4), roundUpTo(1, 4)]).toEqual([512, 512, 4]);
  });
});

describe('rgbToPlanar', () => {
  const img = image(3, 2, (x, y) => [x * 100, y * 200, 50, 255]);
  it('writes RGB planes scaled to [0,1] in NCHW order', () => {
    const p = rgbToPlanar(img);
    expect([p.channels, p.width, p.height]).toEqual([3, 3, 2]);
    expect(Array.from(p.data.slice(0, 6)).map((v) => Math.round(v * 255))).toEqual([0, 100, 200, 0, 100, 200]);
    expect(Array.from(p.data.slice(6, 12)).map((v) => Math.round(v * 255))).toEqual([0, 0, 0, 200, 200, 200]);
    expect(p.data[12]).toBeCloseTo(50 / 255, 6);
  });
  it('cuts a sub-rectangle and reflect-pads it to the padded size', () => {
    const p = rgbToPlanar(img, { x: 1, y: 0, w: 2, h: 2 }, 4, 3);
    const red = Array.from(p.data.slice(0, 12)).map((v) => Math.round(v * 255));
    // columns 1,2 then mirrored 1,2 -> 100,200,100,... ; row 2 mirrors row 0
    expect(red).toEqual([100, 200, 100, 200, 100, 200, 100, 200, 100, 200, 100, 200]);
    const green = Array.from(p.data.slice(12, 24)).map((v) => Math.round(v * 255));
    expect(green).toEqual([0, 0, 0, 0, 200, 200, 200, 200, 0, 0, 0, 0]);
  });
});

describe('planarToRgba and blending', () => {
  const original = image(2, 2, (x, y) => [10, 20, 30, x === 1 && y === 1 ? 0 : 200]);
  const planar = { data: Float32Array.from([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0]), channels: 3, width: 2, height: 2 };
  const stylised = planarToRgba(planar, original);
  it('converts back to bytes and keeps the original alpha', () => {
    expect(Array.from(stylised.data.slice(0, 4))).toEqual([255, 128, 0, 200]);
    expect(stylised.data[15]).toBe(0);
  });
  it('blends from the original (0) to the stylised image (1)', () => {
    expect(Array.from(blendRgba(original, stylised, 0).data)).toEqual(Array.from(original.data));
    expect(Array.from(blendRgba(original, stylised, 1).data)).toEqual(Array.from(stylised.data));
    expect(Array.from(blendRgba(original, stylised, 0.5).data.slice(0, 4))).toEqual([133, 74, 15, 200]);
  });
  it('refuses images of different sizes', () => {
    expect(() => blendRgba(original, image(1, 1, () => [0, 0, 0, 0]), 1)).toThrow(/does not match/);
  });
  it('flattens transparency onto white for JPEG', () => {
    const flat = flattenOnWhite(image(1, 1, () => [0, 0, 0, 0]));
    expect(Array.from(flat.data)).toEqual([255, 255, 255, 255]);
  });
});

describe('resizing', () => {
  it('fits the long side and never upscales', () => {
    expect(fitWithin(6000, 4000, 1024)).toEqual({ width: 1024, height: 683 });
    expect(fitWithin(300, 200, 1024)).toEqual({ width: 300, height: 200 });
    expect(fitWithin(6000, 4000, 0)).toEqual({ width: 6000, height: 4000 });
  });
  it('averages exact 2x2 blocks when halving', () => {
    const img = image(4, 2, (x, y) => [x * 10 + y * 100, 0, 0, 255]);
    const half = downscaleArea(img, 2, 1);
    expect([half.data[0], half.data[4]]).toEqual([55, 75]);
  });
  it('keeps flat colour flat at any ratio', () => {
    const img = image(97, 61, () => [12, 200, 99, 255]);
    const small = downscaleArea(img, 31, 17);
    for (let i = 0; i < small.data.length; i += 4) expect(Array.from(small.data.slice(i, i + 4))).toEqual([12, 200, 99, 255]);
  });
  it('preserves the mean brightness of a gradient', () => {
    const img = image(300, 200, (x, y) => [(x + y) % 256, 0, 0, 255]);
    const small = downscaleArea(img, 77, 51);
    const mean = (d: Uint8ClampedArray) => d.filter((_, i) => i % 4 === 0).reduce((a, b) => a + b, 0) / (d.length / 4);
    expect(Math.abs(mean(small.data) - mean(img.data))).toBeLessThan(1);
  });
});

describe('fitHeight', () => {
  it('scales to the chosen height, keeping the display aspect, in multiples of 4', () => {
    expect(fitHeight(853, 480, 256, 4)).toEqual({ width: 456, height: 256 }); // ski.mov, 640:639 pixels
    expect(fitHeight(1080, 1080, 480, 4)).toEqual({ width: 480, height: 480 });
  });
  it('never upscales, and 0 keeps the source height', () => {
    expect(fitHeight(852, 480, 720, 4)).toEqual({ width: 852, height: 480 });
    expect(fitHeight(852, 480, 0, 4)).toEqual({ width: 852, height: 480 });
  });
  it('rounds odd sizes to what encoders and models need', () => {
    expect(fitHeight(321, 241, 0, 4)).toEqual({ width: 320, height: 240 });
  });
});
