/**
 * Resampling for the depth task, pure (no DOM), so the worker and the tests share it.
 *
 * - `resizeBicubicRgb`: PIL's `Image.resize(..., BICUBIC)` (what transformers' DPTImageProcessor
 *   runs): separable convolution with the a = -0.5 cubic kernel, its support widened by the scale
 *   when shrinking (so a large photo is averaged, not aliased), horizontal pass first, each pass
 *   rounded and clamped to 8 bits like PIL's 8-bit images. Checked against PIL in resize.test.ts.
 * - `resizeBilinear`: a float map resized with half-pixel centres (PyTorch `interpolate(...,
 *   mode='bilinear', align_corners=False)`), for the model's depth back to the photo's size.
 */
import type { Rgba } from '../../../lib/pixels';

/** Cubic convolution kernel with a = -0.5 (PIL's `bicubic_filter`). */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

interface Taps {
  /** First source index per output index. */
  start: Int32Array;
  /** Number of taps per output index. */
  count: Int32Array;
  /** `span` weights per output index (normalised to sum 1). */
  weight: Float64Array;
  span: number;
}

/** PIL's `precompute_coeffs` for a source of `inSize` pixels resampled to `outSize`. */
function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const span = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weight = new Float64Array(outSize * span);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const xmin = Math.max(Math.trunc(centre - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(centre + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = cubic((x + xmin - centre + 0.5) / filterScale);
      weight[i * span + x] = w;
      total += w;
    }
    if (total !== 0) for (let x = 0; x < xmax; x++) weight[i * span + x] /= total;
    start[i] = xmin;
    count[i] = xmax;
  }
  return { start, count, weight, span };
}

function clampByte(v: number): number {
  // PIL rounds half away from zero in fixed point; values here are never negative before clamping
  // matters, so Math.round (half up) gives the same bytes.
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/**
 * RGB (alpha dropped) resized to `width` x `height` with PIL's bicubic filter, as interleaved RGB
 * bytes. A pass whose size does not change is skipped, as PIL does.
 */
export function resizeBicubicRgb(image: Rgba, width: number, height: number): Uint8Array {
  const { width: w0, height: h0, data } = image;
  // Start from packed RGB.
  let src = new Uint8Array(w0 * h0 * 3);
  for (let i = 0, o = 0; i < w0 * h0; i++, o += 3) {
    src[o] = data[i * 4];
    src[o + 1] = data[i * 4 + 1];
    src[o + 2] = data[i * 4 + 2];
  }
  let curW = w0;
  if (width !== w0) {
    const t = taps(w0, width);
    const out = new Uint8Array(width * h0 * 3);
    for (let y = 0; y < h0; y++) {
      const row = y * w0 * 3;
      for (let x = 0; x < width; x++) {
        let r = 0, g = 0, b = 0;
        const first = t.start[x];
        for (let k = 0; k < t.count[x]; k++) {
          const wk = t.weight[x * t.span + k];
          const s = row + (first + k) * 3;
          r += wk * src[s];
          g += wk * src[s + 1];
          b += wk * src[s + 2];
        }
        const o = (y * width + x) * 3;
        out[o] = clampByte(r);
        out[o + 1] = clampByte(g);
        out[o + 2] = clampByte(b);
      }
    }
    src = out;
    curW = width;
  }
  if (height !== h0) {
    const t = taps(h0, height);
    const out = new Uint8Array(curW * height * 3);
    for (let y = 0; y < height; y++) {
      const first = t.start[y];
      for (let x = 0; x < curW; x++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < t.count[y]; k++) {
          const wk = t.weight[y * t.span + k];
          const s = ((first + k) * curW + x) * 3;
          r += wk * src[s];
          g += wk * src[s + 1];
          b += wk * src[s + 2];
        }
        const o = (y * curW + x) * 3;
        out[o] = clampByte(r);
        out[o + 1] = clampByte(g);
        out[o + 2] = clampByte(b);
      }
    }
    src = out;
  }
  return src;
}

/**
 * A single-channel float map resized with half-pixel centres (PyTorch bilinear,
 * align_corners=False): any size to any size, aspect free, edges clamped.
 */
export function resizeBilinear(map: Float32Array, width: number, height: number, outWidth: number, outHeight: number): Float32Array {
  if (map.length !== width * height) throw new Error(`a ${width}x${height} map needs ${width * height} values, got ${map.length}`);
  if (outWidth === width && outHeight === height) return map.slice();
  const out = new Float32Array(outWidth * outHeight);
  const sx = width / outWidth;
  const sy = height / outHeight;
  // Per column: the two source columns and the weight of the second.
  const x0 = new Int32Array(outWidth);
  const x1 = new Int32Array(outWidth);
  const fx = new Float32Array(outWidth);
  for (let x = 0; x < outWidth; x++) {
    const src = Math.max((x + 0.5) * sx - 0.5, 0);
    const left = Math.min(Math.floor(src), width - 1);
    x0[x] = left;
    x1[x] = Math.min(left + 1, width - 1);
    fx[x] = src - left;
  }
  for (let y = 0; y < outHeight; y++) {
    const src = Math.max((y + 0.5) * sy - 0.5, 0);
    const top = Math.min(Math.floor(src), height - 1);
    const bottom = Math.min(top + 1, height - 1);
    const fy = src - top;
    const r0 = top * width;
    const r1 = bottom * width;
    const o = y * outWidth;
    for (let x = 0; x < outWidth; x++) {
      const a = map[r0 + x0[x]] + (map[r0 + x1[x]] - map[r0 + x0[x]]) * fx[x];
      const b = map[r1 + x0[x]] + (map[r1 + x1[x]] - map[r1 + x0[x]]) * fx[x];
      out[o + x] = a + (b - a) * fy;
    }
  }
  return out;
}
