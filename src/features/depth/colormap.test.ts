import { describe, expect, it } from 'vitest';
import { applyColormap, colormapTable, COLORMAPS } from './colormap';

const entry = (id: Parameters<typeof colormapTable>[0], i: number) => Array.from(colormapTable(id).subarray(i * 3, i * 3 + 3));
/** A published float entry (matplotlib's _turbo_data / _inferno_data) as bytes. */
const bytes = (rgb: number[]) => rgb.map((v) => Math.round(v * 255));

describe('colour map tables', () => {
  it('have 256 RGB entries each', () => {
    for (const id of COLORMAPS) expect(colormapTable(id).length).toBe(768);
  });

  it('turbo: known entries of the published table', () => {
    expect(entry('turbo', 0)).toEqual(bytes([0.18995, 0.07176, 0.23217]));
    expect(entry('turbo', 128)).toEqual(bytes([0.64362, 0.98999, 0.23356]));
    expect(entry('turbo', 255)).toEqual(bytes([0.4796, 0.01583, 0.01055]));
    expect(entry('turbo', 0)).toEqual([48, 18, 59]);
  });

  it('inferno: known entries of the published table', () => {
    expect(entry('inferno', 0)).toEqual(bytes([0.001462, 0.000466, 0.013866]));
    expect(entry('inferno', 128)).toEqual(bytes([0.735683, 0.215906, 0.330245]));
    expect(entry('inferno', 255)).toEqual(bytes([0.988362, 0.998364, 0.644924]));
  });

  it('grey: entry i is (i, i, i)', () => {
    for (const i of [0, 1, 127, 254, 255]) expect(entry('grey', i)).toEqual([i, i, i]);
  });

  it('inferno gets brighter all the way (perceptually uniform); turbo does not (it is a rainbow)', () => {
    const luma = (id: 'turbo' | 'inferno', i: number) => { const [r, g, b] = entry(id, i); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    for (let i = 8; i < 256; i += 8) expect(luma('inferno', i)).toBeGreaterThan(luma('inferno', i - 8));
    expect(luma('turbo', 255)).toBeLessThan(luma('turbo', 128));
  });
});

describe('applyColormap', () => {
  it('maps 0 (far) to entry 0, 1 (near) to entry 255 and 0.5 to entry 128, opaque', () => {
    const rgba = applyColormap(Float32Array.from([0, 0.5, 1, -3, 7, NaN]), 3, 2, 'turbo');
    expect(rgba.width).toBe(3);
    expect(rgba.height).toBe(2);
    const px = (i: number) => Array.from(rgba.data.subarray(i * 4, i * 4 + 4));
    expect(px(0)).toEqual([...entry('turbo', 0), 255]);
    expect(px(1)).toEqual([...entry('turbo', 128), 255]);
    expect(px(2)).toEqual([...entry('turbo', 255), 255]);
    expect(px(3)).toEqual(px(0)); // clamped
    expect(px(4)).toEqual(px(2));
    expect(px(5)).toEqual(px(0)); // NaN: far
  });

  it('refuses a map of the wrong length', () => {
    expect(() => applyColormap(new Float32Array(5), 2, 2, 'grey')).toThrow(/needs 4 values/);
  });
});
