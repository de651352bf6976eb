/** Reference outputs from onnxruntime-node, built with the app's own pure pixel functions. */
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planarToRgba, rgbToPlanar, roundUpTo, type Rgba } from '../src/lib/pixels';
import { validateManifest, type ModelEntry } from '../src/models/registry';
import type { DecodedImage } from './studio';

const modelsDir = path.resolve(import.meta.dirname, '../models');
export const manifest = validateManifest(JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')));
export const styleModels = manifest.models.filter((m) => m.task === 'style');
export const blendModel = manifest.models.find((m) => m.task === 'style-blend' && (m.blend?.tier ?? 'realtime') === 'realtime');
export const qualityModel = manifest.models.find((m) => m.task === 'style-blend' && m.blend?.tier === 'quality');

/** `extraFeeds`: the model's other inputs, e.g. a blend model's style_weights. */
export async function referenceStylise(
  model: ModelEntry,
  variantName: string,
  image: DecodedImage,
  extraFeeds: Record<string, ort.Tensor> = {},
): Promise<DecodedImage> {
  const variant = model.variants.find((v) => v.name === variantName)!;
  const session = await ort.InferenceSession.create(path.join(modelsDir, variant.file));
  const rgba: Rgba = { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height };
  const w = roundUpTo(image.width, model.io.multipleOf ?? 1);
  const h = roundUpTo(image.height, model.io.multipleOf ?? 1);
  const planar = rgbToPlanar(rgba, undefined, w, h);
  const result = await session.run({ [model.io.inputs[0].name]: new ort.Tensor('float32', planar.data, [1, 3, h, w]), ...extraFeeds });
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
