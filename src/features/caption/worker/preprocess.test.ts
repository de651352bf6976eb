import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bilinearCoefficients, resizeRgb, stackPixelValues, vitPixelValues, type Pixels } from './preprocess';

function solid(width: number, height: number, rgba: [number, number, number, number]): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(rgba, i * 4);
  return { width, height, data };
}

/** A deterministic, non-smooth test pattern (RGB). */
function pattern(width: number, height: number): Pixels {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = (x * 37 + y * 11) % 256;
      data[o + 1] = (x * y * 7 + 3) % 256;
      data[o + 2] = ((x ^ y) * 29) % 256;
    }
  return { width, height, data, channels: 3 };
}

describe('ViT preprocessing', () => {
  it('gives [1,3,224,224] RGB planes scaled to [-1,1], alpha ignored', () => {
    const t = vitPixelValues(solid(10, 7, [255, 0, 51, 0]));
    expect(t.dims).toEqual([1, 3, 224, 224]);
    const plane = 224 * 224;
    expect(t.data[0]).toBe(1);
    expect(t.data[plane - 1]).toBe(1);
    expect(t.data[plane]).toBe(-1);
    expect(t.data[2 * plane + 1234]).toBeCloseTo((51 / 255 - 0.5) / 0.5, 6);
    expect(new Set(t.data.subarray(2 * plane)).size).toBe(1); // a flat colour stays flat
  });

  it('does not keep the aspect ratio: a 400x100 photo fills all 224x224', () => {
    const half = solid(400, 100, [0, 0, 0, 255]);
    for (let y = 0; y < 100; y++) for (let x = 200; x < 400; x++) half.data.set([255, 255, 255, 255], (y * 400 + x) * 4);
    const t = vitPixelValues(half);
    expect(t.data[0]).toBe(-1); // top-left black
    expect(t.data[223]).toBe(1); // top-right white
    expect(t.data[223 * 224]).toBe(-1); // bottom-left black
    expect(t.data[224 * 224 - 1]).toBe(1);
  });

  it('averages when shrinking instead of point-sampling (a 1-px checkerboard becomes grey)', () => {
    const board = solid(448, 448, [0, 0, 0, 255]);
    for (let y = 0; y < 448; y++) for (let x = 0; x < 448; x++) if ((x + y) % 2) board.data.set([255, 255, 255, 255], (y * 448 + x) * 4);
    const rgb = resizeRgb(board, 224, 224);
    const inner = [...rgb.subarray(224 * 3 * 100, 224 * 3 * 101)];
    expect(Math.min(...inner)).toBeGreaterThanOrEqual(126);
    expect(Math.max(...inner)).toBeLessThanOrEqual(129);
  });

  it('uses normalised triangle weights that widen with the reduction', () => {
    const up = bilinearCoefficients(2, 4);
    expect(up.count[0]).toBe(1); // the first output centre sits before the first input centre
    const down = bilinearCoefficients(1000, 224);
    for (let i = 0; i < 224; i++) {
      let sum = 0;
      for (let j = 0; j < down.count[i]; j++) sum += down.weights[i * down.maxTaps + j];
      expect(sum).toBeCloseTo(1, 9);
    }
    expect(down.count[100]).toBeGreaterThanOrEqual(8); // ~2 x 4.46 source pixels
  });

  it('stacks photos into a batch', () => {
    const a = vitPixelValues(solid(4, 4, [0, 0, 0, 255]));
    const b = vitPixelValues(solid(4, 4, [255, 255, 255, 255]));
    const batch = stackPixelValues([a, b]);
    expect(batch.dims).toEqual([2, 3, 224, 224]);
    expect(batch.data[0]).toBe(-1);
    expect(batch.data[3 * 224 * 224]).toBe(1);
  });

  // The reference processor (HF ViTImageProcessor) resizes with PIL; compare with it where Debian's
  // python3-pil is installed (npm test's setup installs it).
  const python = '/usr/bin/python3';
  const hasPil = spawnSync(python, ['-c', 'import PIL'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasPil)('matches PIL Image.resize(BILINEAR) within one 8-bit level, up and down', () => {
    for (const [w, h] of [
      [37, 23],
      [300, 200],
      [225, 640],
    ]) {
      const img = pattern(w, h);
      const script = [
        'import sys; from PIL import Image',
        `im = Image.frombytes('RGB', (${w}, ${h}), sys.stdin.buffer.read())`,
        "sys.stdout.buffer.write(im.resize((224, 224), Image.BILINEAR).tobytes())",
      ].join('\n');
      const run = spawnSync(python, ['-c', script], { input: Buffer.from(img.data), maxBuffer: 1 << 24 });
      expect(run.status, String(run.stderr)).toBe(0);
      const reference = new Uint8Array(run.stdout);
      const ours = resizeRgb(img, 224, 224);
      expect(ours.length).toBe(reference.length);
      let worst = 0;
      let off = 0;
      for (let i = 0; i < ours.length; i++) {
        const d = Math.abs(ours[i] - reference[i]);
        worst = Math.max(worst, d);
        if (d) off++;
      }
      expect(worst, `${w}x${h}`).toBeLessThanOrEqual(1);
      expect(off / ours.length, `${w}x${h}`).toBeLessThan(0.05);
    }
  });
});
