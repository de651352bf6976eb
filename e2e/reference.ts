/** Reference outputs from onnxruntime-node, built with the app's own pure pixel functions. */
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planarToRgba, rgbToPlanar, roundUpTo, type Rgba } from '../src/lib/pixels';
import { validateManifest, type ModelEntry } from '../src/models/registry';
import type { DecodedImage } from './studio';

const modelsDir = path.resolve(import.meta.dirname, '../models');
export const manifest = validateManifest(JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')));
/** The gallery's styles (a style's own quality file, `<id>-hq` with tier quality, is not one of them). */
export const styleModels = manifest.models.filter((m) => m.task === 'style' && m.style?.tier !== 'quality');
/** Per-style quality files: what Best quality runs for that style (src/features/style/models.ts). */
export const ownQualityModels = manifest.models.filter((m) => m.task === 'style' && m.style?.tier === 'quality');
export const blendModel = manifest.models.find((m) => m.task === 'style-blend' && (m.blend?.tier ?? 'realtime') === 'realtime');
export const qualityModel = manifest.models.find((m) => m.task === 'style-blend' && m.blend?.tier === 'quality');

/**
 * A session for a variant's file: onnxruntime-node for float files; for int8 (QDQ) files the WASM build of
 * onnxruntime-web that the app itself runs, on one thread with the app's graph optimisation level,
 * so the reference checks the app's pixel pipeline rather than which kernels a platform has:
 * onnxruntime-node's native QLinearConv requantises differently (on the shipped int8 files, mean 0.8
 * and single pixels up to 7 levels from the browser's output; the WASM build in Node gives the
 * browser's output exactly).
 */
async function referenceSession(file: string, variantName: string) {
  if (variantName !== 'int8') return { session: await ort.InferenceSession.create(file), Tensor: ort.Tensor };
  const web = await import('onnxruntime-web/wasm');
  web.env.wasm.numThreads = 1;
  web.env.logLevel = 'error';
  return {
    session: await web.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }),
    Tensor: web.Tensor,
  };
}

/** `extraFeeds`: the model's other inputs, e.g. a blend model's style_weights. */
export async function referenceStylise(
  model: ModelEntry,
  variantName: string,
  image: DecodedImage,
  extraFeeds: Record<string, ort.Tensor> = {},
): Promise<DecodedImage> {
  const variant = model.variants.find((v) => v.name === variantName)!;
  const { session, Tensor } = await referenceSession(path.join(modelsDir, variant.file), variantName);
  const rgba: Rgba = { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height };
  const w = roundUpTo(image.width, model.io.multipleOf ?? 1);
  const h = roundUpTo(image.height, model.io.multipleOf ?? 1);
  const planar = rgbToPlanar(rgba, undefined, w, h);
  const result = await session.run({ [model.io.inputs[0].name]: new Tensor('float32', planar.data, [1, 3, h, w]), ...extraFeeds });
  const out = result[model.io.outputs[0].name].data as Float32Array;
  // Crop the stride padding back off, as the app does.
  const cropped = new Float32Array(3 * image.width * image.height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < image.height; y++) {
      cropped.set(out.subarray(c * w * h + y * w, c * w * h + y * w + image.width), c * image.width * image.height + y * image.width);
    }
  }
  const stylised = planarToRgba({ data: cropped, channels: 3, width: image.width, height: image.height }, rgba);
  return { data: new Uint8Array(stylised.data), width: image.width, height: image.height };
}
