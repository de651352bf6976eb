/**
 * Each depth model's documented input rule (../shared/CATALOGUE.md), from RGBA pixels to the
 * model's float32 NCHW tensor. Pure: runs in the worker and in tests.
 */
import type { Rgba } from '../../../lib/pixels';
import type { HostTensor } from '../../../runtime/tensors';
import { resizeBicubicRgb } from './resize';

/** Python's `round`: halves go to the even neighbour (2.5 -> 2, 3.5 -> 4). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Depth Anything's processing size (DPTImageProcessor, `keep_aspect_ratio=True`,
 * `ensure_multiple_of=14`, size 518): of `518/H` and `518/W` keep the scale closer to 1 for both
 * sides, then round each scaled side to a multiple of 14 with banker's rounding. 640x424 gives
 * 518x350. One deviation: a side that would round to 0 (a photo over 37 times wider than tall)
 * becomes 14, where transformers would fail.
 */
export function depthAnythingSize(width: number, height: number, target = 518, multiple = 14): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new Error(`a photo needs a size, got ${width}x${height}`);
  let scaleH = target / height;
  let scaleW = target / width;
  if (Math.abs(1 - scaleW) < Math.abs(1 - scaleH)) scaleH = scaleW;
  else scaleW = scaleH;
  const snap = (side: number) => Math.max(multiple, roundHalfEven(side / multiple) * multiple);
  return { width: snap(width * scaleW), height: snap(height * scaleH) };
}

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** MiDaS v2.1 small (the sentis export): a static 256x256 input. */
export const MIDAS_SIDE = 256;

export interface ModelInput {
  /** `[1,3,H,W]` float32, NCHW. */
  tensor: HostTensor<'float32'>;
  /** The photo's size, which the depth map is resized back to. */
  source: { width: number; height: number };
}

/** Packed RGB bytes to a planar float tensor: `(v/255 - mean[c]) / std[c]`. */
function toTensor(rgb: Uint8Array, width: number, height: number, mean: readonly number[], std: readonly number[]): HostTensor<'float32'> {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = mean[c];
    const inv = 1 / std[c];
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (rgb[i * 3 + c] / 255 - m) * inv;
  }
  return { type: 'float32', dims: [1, 3, height, width], data: out };
}

/**
 * Depth Anything V2: bicubic resize to `depthAnythingSize`, RGB/255, ImageNet mean and std, NCHW.
 * The model's output has the resized H x W; `postprocess` takes it back to the photo's size.
 */
export function preprocessDepthAnything(image: Rgba): ModelInput {
  const size = depthAnythingSize(image.width, image.height);
  const rgb = resizeBicubicRgb(image, size.width, size.height);
  return { tensor: toTensor(rgb, size.width, size.height, IMAGENET_MEAN, IMAGENET_STD), source: { width: image.width, height: image.height } };
}

/**
 * MiDaS v2.1 small (sentis export): squeezed to 256x256 with the same bicubic filter (the graph is
 * static; the aspect comes back when the map is resized to the photo), RGB in [0,1], no mean/std
 * (the normalisation is baked into that graph).
 */
export function preprocessMidas(image: Rgba): ModelInput {
  const rgb = resizeBicubicRgb(image, MIDAS_SIDE, MIDAS_SIDE);
  return { tensor: toTensor(rgb, MIDAS_SIDE, MIDAS_SIDE, [0, 0, 0], [1, 1, 1]), source: { width: image.width, height: image.height } };
}
