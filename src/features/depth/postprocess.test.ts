import { describe, expect, it } from 'vitest';
import { depthFromOutput, finiteRange, normalise, toPhotoSize, toUint16 } from './postprocess';

describe('depthFromOutput', () => {
  it('reads a [1,H,W] float32 output as an H x W map (and [1,1,H,W], [H,W])', () => {
    const data = new Float32Array(6);
    expect(depthFromOutput({ type: 'float32', dims: [1, 2, 3], data })).toMatchObject({ width: 3, height: 2 });
    expect(depthFromOutput({ type: 'float32', dims: [1, 1, 3, 2], data })).toMatchObject({ width: 2, height: 3 });
    expect(depthFromOutput({ type: 'float32', dims: [2, 3], data })).toMatchObject({ width: 3, height: 2 });
  });

  it('refuses batches, channels and other types with a sentence', () => {
    expect(() => depthFromOutput({ type: 'float32', dims: [2, 1, 3], data: new Float32Array(6) })).toThrow(/\[2,1,3\].*\[1,H,W\]/);
    expect(() => depthFromOutput({ type: 'float32', dims: [1, 3, 1, 2], data: new Float32Array(6) })).toThrow(/one map/);
    expect(() => depthFromOutput({ type: 'int64', dims: [1, 1, 1], data: new BigInt64Array(1) })).toThrow(/int64/);
  });
});

describe('toPhotoSize', () => {
  it("resizes the model's map to the photo's size, any aspect", () => {
    const map = { data: Float32Array.from({ length: 14 * 28 }, (_, i) => Math.floor(i / 14)), width: 14, height: 28 };
    const out = toPhotoSize(map, 100, 37);
    expect([out.width, out.height, out.data.length]).toEqual([100, 37, 3700]);
    expect(out.data[0]).toBe(0);
    expect(out.data[3699]).toBe(27);
  });
});

describe('normalise', () => {
  it('maps min to 0 and max to 1 (min-max), linearly', () => {
    expect(Array.from(normalise(Float32Array.from([2, 4, 3, 6])))).toEqual([0, 0.5, 0.25, 1]);
  });

  it('uses a given range and clamps outside it', () => {
    expect(Array.from(normalise(Float32Array.from([0, 5, 10, 20]), { min: 5, max: 15 }))).toEqual([0, 0, 0.5, 1]);
  });

  it('turns a flat map into zeros and NaN into 0 rather than dividing by zero', () => {
    expect(Array.from(normalise(Float32Array.from([3, 3, 3])))).toEqual([0, 0, 0]);
    expect(Array.from(normalise(Float32Array.from([NaN, 0, 1])))).toEqual([0, 0, 1]);
  });

  it('finiteRange skips NaN and infinities', () => {
    expect(finiteRange(Float32Array.from([NaN, -Infinity, 2, Infinity, -1]))).toEqual({ min: -1, max: 2 });
    expect(finiteRange(Float32Array.from([NaN]))).toEqual({ min: 0, max: 0 });
  });
});

describe('toUint16', () => {
  it('scales [0,1] to 0..65535 (65535 = nearest), rounding and clamping', () => {
    expect(Array.from(toUint16(Float32Array.from([0, 1, 0.5, -0.1, 1.2, 1 / 65535])))).toEqual([0, 65535, 32768, 0, 65535, 1]);
  });
});
