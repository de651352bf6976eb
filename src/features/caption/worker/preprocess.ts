/**
 * ViT preprocessing for ViT-GPT2 (`ViTImageProcessor` of nlpconnect/vit-gpt2-image-captioning):
 * resize to 224x224 bilinear without keeping the aspect ratio, x/255, (x-0.5)/0.5, RGB, NCHW.
 *
 * "Bilinear" here is what the reference processor runs, PIL's `Image.resize(..., BILINEAR)`: a
 * separable triangle filter whose support widens with the reduction factor (so a 4000 px photo is
 * averaged, not point-sampled), each pass rounded to 8 bits like PIL's 8-bit images. Upscaling is
 * plain bilinear interpolation with pixel centres aligned.
 */
import { float32, type HostTensor } from '../../../runtime/tensors';

export const VIT_SIZE = 224;
export const VIT_MEAN = [0.5, 0.5, 0.5] as const;
export const VIT_STD = [0.5, 0.5, 0.5] as const;

export interface Pixels {
  width: number;
  height: number;
  /** Interleaved 8-bit samples, row by row: RGBA (ImageData) or RGB. */
  data: Uint8Array | Uint8ClampedArray;
  /** 4 (RGBA, the default) or 3 (RGB). Alpha is ignored, as PIL's convert('RGB') does. */
  channels?: 3 | 4;
}

interface Coefficients {
  /** first source index of each output sample */
  start: Int32Array;
  /** number of taps of each output sample */
  count: Int32Array;
  /** taps, `maxTaps` per output sample */
  weights: Float64Array;
  maxTaps: number;
}

/** PIL's precompute_coeffs for the bilinear (triangle) filter. */
export function bilinearCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale;
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(Math.trunc(centre - support + 0.5), 0);
    const hi = Math.min(Math.trunc(centre + support + 0.5), inSize);
    let total = 0;
    const n = hi - lo;
    for (let j = 0; j < n; j++) {
      const w = Math.max(0, 1 - Math.abs((j + lo - centre + 0.5) / filterScale));
      weights[i * maxTaps + j] = w;
      total += w;
    }
    if (total > 0) for (let j = 0; j < n; j++) weights[i * maxTaps + j] /= total;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

const clampByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Resizes to `outWidth` x `outHeight` RGB, 8 bits per sample (horizontal pass first, as PIL). */
export function resizeRgb(pixels: Pixels, outWidth: number, outHeight: number): Uint8Array {
  const { width, height, data } = pixels;
  const channels = pixels.channels ?? 4;
  if (!(width > 0 && height > 0)) throw new Error(`an image of ${width}x${height} pixels cannot be captioned`);
  if (data.length < width * height * channels) throw new Error(`pixel data too short: ${data.length} bytes for ${width}x${height}x${channels}`);
  // Horizontal pass: height x outWidth x 3
  const h = bilinearCoefficients(width, outWidth);
  const mid = new Uint8Array(height * outWidth * 3);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < outWidth; x++) {
      let r = 0, g = 0, b = 0;
      const base = x * h.maxTaps;
      for (let j = 0; j < h.count[x]; j++) {
        const w = h.weights[base + j];
        const p = row + (h.start[x] + j) * channels;
        r += data[p] * w;
        g += data[p + 1] * w;
        b += data[p + 2] * w;
      }
      const o = (y * outWidth + x) * 3;
      mid[o] = clampByte(r);
      mid[o + 1] = clampByte(g);
      mid[o + 2] = clampByte(b);
    }
  }
  // Vertical pass: outHeight x outWidth x 3
  const v = bilinearCoefficients(height, outHeight);
  const out = new Uint8Array(outHeight * outWidth * 3);
  const stride = outWidth * 3;
  for (let y = 0; y < outHeight; y++) {
    const base = y * v.maxTaps;
    for (let i = 0; i < stride; i++) {
      let s = 0;
      for (let j = 0; j < v.count[y]; j++) s += mid[(v.start[y] + j) * stride + i] * v.weights[base + j];
      out[y * stride + i] = clampByte(s);
    }
  }
  return out;
}

/** `pixel_values` for the ViT encoder: float32 [1,3,224,224], RGB planes, (x/255 - 0.5)/0.5. */
export function vitPixelValues(pixels: Pixels, size = VIT_SIZE): HostTensor<'float32'> {
  const rgb = resizeRgb(pixels, size, size);
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = VIT_MEAN[c];
    const std = VIT_STD[c];
    for (let i = 0; i < plane; i++) out[c * plane + i] = (rgb[i * 3 + c] / 255 - mean) / std;
  }
  return float32(out, [1, 3, size, size]);
}

/** Several photos as one batch [n,3,224,224] (e.g. to run the encoder once for a few). */
export function stackPixelValues(tensors: readonly HostTensor<'float32'>[]): HostTensor<'float32'> {
  if (tensors.length === 0) throw new Error('no images to stack');
  const per = tensors[0].data.length;
  const out = new Float32Array(per * tensors.length);
  tensors.forEach((t, i) => {
    if (t.data.length !== per) throw new Error('images of different sizes cannot be stacked');
    out.set(t.data, i * per);
  });
  return float32(out, [tensors.length, ...tensors[0].dims.slice(1)]);
}
