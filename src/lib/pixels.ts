/** Pure pixel maths shared by the worker pipelines and the tests (no DOM needed). */
export interface Rgba {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Planar float image, channels x height x width (the ONNX NCHW layout without the batch axis). */
export interface Planar {
  data: Float32Array;
  channels: number;
  width: number;
  height: number;
}

export function roundUpTo(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** Mirror index into [0, size) the way ONNX/PyTorch "reflect" padding does (edge not repeated). */
export function reflectIndex(i: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < size ? m : period - m;
}

/**
 * Cuts the rectangle (x, y, w, h) out of `image` as RGB in [0,1], planar, reflect-padded on the right
 * and bottom up to `paddedW` x `paddedH` (models need sizes that are multiples of their stride).
 */
export function rgbToPlanar(
  image: Rgba,
  rect = { x: 0, y: 0, w: image.width, h: image.height },
  paddedW = rect.w,
  paddedH = rect.h,
): Planar {
  const plane = paddedW * paddedH;
  const out = new Float32Array(3 * plane);
  const src = image.data;
  for (let py = 0; py < paddedH; py++) {
    const sy = rect.y + reflectIndex(py, rect.h);
    for (let px = 0; px < paddedW; px++) {
      const sx = rect.x + reflectIndex(px, rect.w);
      const s = (sy * image.width + sx) * 4;
      const d = py * paddedW + px;
      out[d] = src[s] / 255;
      out[plane + d] = src[s + 1] / 255;
      out[2 * plane + d] = src[s + 2] / 255;
    }
  }
  return { data: out, channels: 3, width: paddedW, height: paddedH };
}

/** Planar RGB in [0,1] to RGBA bytes; alpha is copied from `alphaFrom` so transparency survives. */
export function planarToRgba(planar: Planar, alphaFrom: Rgba): Rgba {
  const { width, height } = planar;
  const plane = width * height;
  const out = new Uint8ClampedArray(plane * 4);
  const p = planar.data;
  for (let i = 0; i < plane; i++) {
    const o = i * 4;
    out[o] = Math.round(p[i] * 255);
    out[o + 1] = Math.round(p[plane + i] * 255);
    out[o + 2] = Math.round(p[2 * plane + i] * 255);
    out[o + 3] = alphaFrom.data[o + 3];
  }
  return { data: out, width, height };
}

/** `strength * stylised + (1 - strength) * original` per colour channel; alpha from the original. */
export function blendRgba(original: Rgba, stylised: Rgba, strength: number): Rgba {
  if (stylised.width !== original.width || stylised.height !== original.height) {
    throw new Error(`stylised ${stylised.width}x${stylised.height} does not match ${original.width}x${original.height}`);
  }
  const s = Math.min(1, Math.max(0, strength));
  const a = original.data;
  const b = stylised.data;
  const out = new Uint8ClampedArray(a.length);
  for (let o = 0; o < a.length; o += 4) {
    out[o] = Math.round((1 - s) * a[o] + s * b[o]);
    out[o + 1] = Math.round((1 - s) * a[o + 1] + s * b[o + 1]);
    out[o + 2] = Math.round((1 - s) * a[o + 2] + s * b[o + 2]);
    out[o + 3] = a[o + 3];
  }
  return { data: out, width: original.width, height: original.height };
}

/** Composites onto white, for formats without alpha (JPEG would otherwise turn transparency black). */
export function flattenOnWhite(image: Rgba): Rgba {
  const d = image.data;
  const out = new Uint8ClampedArray(d.length);
  for (let o = 0; o < d.length; o += 4) {
    const alpha = d[o + 3] / 255;
    out[o] = Math.round(d[o] * alpha + 255 * (1 - alpha));
    out[o + 1] = Math.round(d[o + 1] * alpha + 255 * (1 - alpha));
    out[o + 2] = Math.round(d[o + 2] * alpha + 255 * (1 - alpha));
    out[o + 3] = 255;
  }
  return { data: out, width: image.width, height: image.height };
}

/** Size that fits `maxSide` on the long side, never upscaling; 0 means keep the original size. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (maxSide <= 0 || long <= maxSide) return { width, height };
  const scale = maxSide / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Per output index: the source indices and weights covering it (box filter; exact area average). */
function areaWeights(srcSize: number, dstSize: number): { index: Int32Array; weight: Float32Array; span: number } {
  const scale = srcSize / dstSize;
  const span = Math.ceil(scale) + 1;
  const index = new Int32Array(dstSize * span);
  const weight = new Float32Array(dstSize * span);
  for (let d = 0; d < dstSize; d++) {
    const start = d * scale;
    const end = start + scale;
    let k = 0;
    for (let s = Math.floor(start); s < Math.ceil(end) && k < span; s++, k++) {
      const cover = Math.min(end, s + 1) - Math.max(start, s);
      index[d * span + k] = Math.min(s, srcSize - 1);
      weight[d * span + k] = cover / scale;
    }
  }
  return { index, weight, span };
}

/**
 * Downscales with an exact area average (separable box filter): deterministic, so tests can rebuild
 * the model's input bit for bit, and free of the aliasing a plain bilinear shrink leaves.
 */
export function downscaleArea(image: Rgba, width: number, height: number): Rgba {
  if (width === image.width && height === image.height) return image;
  if (width > image.width || height > image.height) throw new Error('downscaleArea only shrinks');
  const cols = areaWeights(image.width, width);
  const rows = areaWeights(image.height, height);
  const tmp = new Float32Array(width * image.height * 4);
  const src = image.data;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < cols.span; k++) {
        const w = cols.weight[x * cols.span + k];
        if (w === 0) continue;
        const s = (y * image.width + cols.index[x * cols.span + k]) * 4;
        r += w * src[s]; g += w * src[s + 1]; b += w * src[s + 2]; a += w * src[s + 3];
      }
      const t = (y * width + x) * 4;
      tmp[t] = r; tmp[t + 1] = g; tmp[t + 2] = b; tmp[t + 3] = a;
    }
  }
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let k = 0; k < rows.span; k++) {
        const w = rows.weight[y * rows.span + k];
        if (w === 0) continue;
        const s = (rows.index[y * rows.span + k] * width + x) * 4;
        r += w * tmp[s]; g += w * tmp[s + 1]; b += w * tmp[s + 2]; a += w * tmp[s + 3];
      }
      const t = (y * width + x) * 4;
      out[t] = Math.round(r); out[t + 1] = Math.round(g); out[t + 2] = Math.round(b); out[t + 3] = Math.round(a);
    }
  }
  return { data: out, width, height };
}

/**
 * Video processing size: `targetHeight` tall (never upscaling; 0 keeps the source height), aspect
 * kept, both sides rounded to a multiple of `multiple`. Rounding, not padding, because video
 * encoders need even sizes and style models need multiples of their stride; the aspect error is
 * under 1%.
 */
export function fitHeight(width: number, height: number, targetHeight: number, multiple: number): { width: number; height: number } {
  const outHeight = targetHeight > 0 && targetHeight < height ? targetHeight : height;
  const outWidth = (width * outHeight) / height;
  const snap = (value: number) => Math.max(multiple, Math.round(value / multiple) * multiple);
  return { width: snap(outWidth), height: snap(outHeight) };
}
