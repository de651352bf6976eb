/**
 * From the model's raw output to maps at the photo's size, normalised for display and for the
 * 16-bit export. Pure: runs in the worker and in tests.
 *
 * What the numbers mean: both depth models give *relative inverse depth* (disparity-like, affine
 * invariant): bigger means nearer, but neither the scale nor the offset is known, and the values are
 * not proportional to distance. Normalising min–max maps the nearest point of the photo to 1 and the
 * farthest to 0.
 */

/** A float map, row-major, `width * height` values. */
export interface DepthMap {
  data: Float32Array;
  width: number;
  height: number;
}

export interface Range {
  min: number;
  max: number;
}

/** Smallest and largest finite value (NaN and ±Infinity are skipped). */
export function finiteRange(data: Float32Array): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) continue; // NaN or ±Infinity
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { min: 0, max: 0 };
  return { min, max };
}

/**
 * `(v - min) / (max - min)` clamped to [0,1]; a flat map (max = min) becomes all 0. With no range
 * given, the map's own min and max are used (min–max normalisation).
 */
export function normalise(data: Float32Array, range: Range = finiteRange(data)): Float32Array {
  const out = new Float32Array(data.length);
  const span = range.max - range.min;
  if (!(span > 0)) return out;
  const inv = 1 / span;
  for (let i = 0; i < data.length; i++) {
    const v = (data[i] - range.min) * inv;
    out[i] = v > 1 ? 1 : v > 0 ? v : 0; // NaN -> 0
  }
  return out;
}

/**
 * The normalised map as 16-bit values for the greyscale PNG: `round(n * 65535)`, so 65535 is the
 * nearest point of the photo and 0 the farthest (see png16.ts for what is written into the file).
 */
export function toUint16(normalised: Float32Array): Uint16Array {
  const out = new Uint16Array(normalised.length);
  for (let i = 0; i < normalised.length; i++) {
    const v = normalised[i];
    out[i] = v >= 1 ? 65535 : v > 0 ? Math.round(v * 65535) : 0;
  }
  return out;
}
