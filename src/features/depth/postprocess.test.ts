import { describe, expect, it } from 'vitest';
import { finiteRange, normalise, toUint16 } from './postprocess';

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
