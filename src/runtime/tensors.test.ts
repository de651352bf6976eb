import { describe, expect, it } from 'vitest';
import { bool, float16, float32, fromHalfBits, int32, int64, toFloat32, toHalfBits, zeros } from './tensors';

describe('typed tensors', () => {
  it('checks that the data fills the dims', () => {
    expect(float32([1, 2, 3, 4, 5, 6], [2, 3]).dims).toEqual([2, 3]);
    expect(() => float32([1, 2, 3], [2, 2])).toThrow(/needs 4 values, got 3/);
    expect(() => int64([1], [0.5])).toThrow(/whole numbers/);
  });

  it('builds every element type the catalogue models use', () => {
    expect(int64([50256, 1], [1, 2]).data).toEqual(BigInt64Array.from([50256n, 1n]));
    expect(int32([49406], [1, 1]).data).toBeInstanceOf(Int32Array);
    expect(Array.from(bool([true, false], [2]).data)).toEqual([1, 0]);
    // A decoder's first step: past key/values with a zero-length sequence axis.
    const past = zeros('float32', [1, 12, 0, 64]);
    expect(past.data.length).toBe(0);
    expect(past.dims).toEqual([1, 12, 0, 64]);
  });

  it('converts float16 both ways, rounding to nearest even', () => {
    const values = Float32Array.from([0, -0, 1, -2.5, 65504, 1e-7, 6.1035156e-5, 0.1, 70000, -Infinity]);
    const back = fromHalfBits(toHalfBits(values));
    expect(Array.from(back.slice(0, 5))).toEqual([0, -0, 1, -2.5, 65504]);
    expect(back[5]).toBeCloseTo(1.19e-7, 9); // subnormal half
    expect(back[6]).toBe(6.103515625e-5); // smallest normal half
    expect(Math.abs(back[7] - 0.1)).toBeLessThan(0.1 * 2 ** -11);
    expect(back[8]).toBe(Infinity); // beyond the half range
    expect(back[9]).toBe(-Infinity);
    expect(Number.isNaN(fromHalfBits(toHalfBits(Float32Array.of(NaN)))[0])).toBe(true);
    // 1 + 2^-11 is halfway between 1 and the next half: ties go to the even pattern (1.0).
    expect(toHalfBits(Float32Array.of(1 + 2 ** -11))[0]).toBe(0x3c00);
    expect(toFloat32(float16([0.5, 2], [2]))).toEqual(Float32Array.from([0.5, 2]));
  });
});
