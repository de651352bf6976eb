/**
 * The photo chain end to end in Node: a real photo from ../shared/media, each model's preprocessing,
 * the stand-in graphs (exactly the catalogue models' I/O, a known linear function) run by
 * onnxruntime-node through the runtime's ModelSession, the map back at the photo's size, the colour
 * map and the 16-bit PNG. Every expected value is computed here from the stand-ins' weights.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEPTH_ANYTHING_STANDIN, DEPTH_STANDINS, MIDAS_STANDIN } from '../../../../scripts/make-depth-standins.mjs';
import { TEST_MODELS } from '../../../../scripts/make-test-models.mjs';
import type { Rgba } from '../../../lib/pixels';
import type { OrtModule } from '../../../runtime/ort';
import { ModelSession } from '../../../runtime/sessions';
import { applyColormap, colormapTable } from '../colormap';
import { bindDepthSession, depthFromOutput, estimateDepth, ownDepthKind, toPhotoSize, type ValueMetadata } from './estimate';
import { encodePng16Grey } from '../png16';
import { normalise, toUint16 } from '../postprocess';
import { depthAnythingSize, IMAGENET_MEAN, IMAGENET_STD, preprocessDepthAnything, preprocessMidas } from './preprocess';
import { resizeBilinear } from './resize';

const photoPath = path.resolve(import.meta.dirname, '../../../../../shared/media/starry_in.png');
const havePhoto = existsSync(photoPath);
if (!havePhoto) console.warn(`skipping the depth chain on a real photo: ${photoPath} is absent (the shared folder is not next to the project)`);

async function session(graph: Uint8Array): Promise<ModelSession> {
  const s = await ortNode.InferenceSession.create(graph);
  return new ModelSession(ortNode as unknown as OrtModule, s as never, 'wasm', 'test', graph.byteLength);
}

function metadata(s: ModelSession) {
  const raw = s.session as unknown as { inputMetadata: ValueMetadata[]; outputMetadata: ValueMetadata[] };
  return { inputs: raw.inputMetadata, outputs: raw.outputMetadata };
}

function crop(image: Rgba, x0: number, y0: number, width: number, height: number): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) data.set(image.data.subarray(((y0 + y) * image.width + x0) * 4, ((y0 + y) * image.width + x0 + width) * 4), y * width * 4);
  return { data, width, height };
}

function flat(width: number, height: number, rgb: [number, number, number]): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { data, width, height };
}

/** The stand-in's function on a preprocessed tensor: w·x + b per pixel. */
function linear(tensor: { dims: readonly number[]; data: Float32Array }, weights: readonly number[], bias: number): Float32Array {
  const plane = tensor.dims[2] * tensor.dims[3];
  return Float32Array.from({ length: plane }, (_, i) => weights[0] * tensor.data[i] + weights[1] * tensor.data[plane + i] + weights[2] * tensor.data[2 * plane + i] + bias);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

let photo: Rgba;
let depthAnything: ModelSession;
let midas: ModelSession;

beforeAll(async () => {
  if (havePhoto) {
    const png = PNG.sync.read(readFileSync(photoPath));
    photo = { data: new Uint8ClampedArray(png.data), width: png.width, height: png.height };
  }
  depthAnything = await session(DEPTH_STANDINS['depth-anything-standin.onnx']());
  midas = await session(DEPTH_STANDINS['midas-standin.onnx']());
});

describe('Depth Anything stand-in through the chain', () => {
  it('binds by the catalogue names and passes the metadata check (dynamic sides)', () => {
    expect(bindDepthSession(depthAnything, 'depth-anything', metadata(depthAnything))).toEqual({ input: 'pixel_values', output: 'predicted_depth', inputType: 'float32' });
  });

  it('gives the known value everywhere on a flat odd-sized photo, at the photo\'s size', async () => {
    const names = bindDepthSession(depthAnything, 'depth-anything');
    const rgb: [number, number, number] = [10, 200, 90];
    const result = await estimateDepth(depthAnything, names, 'depth-anything', flat(333, 123, rgb));
    expect([result.map.width, result.map.height]).toEqual([333, 123]);
    expect(result.modelSize).toEqual(depthAnythingSize(333, 123));
    const { weights, bias } = DEPTH_ANYTHING_STANDIN;
    const want = weights.reduce((sum, w, c) => sum + w * ((rgb[c] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]), bias);
    expect(result.range.min).toBeCloseTo(want, 5);
    expect(result.range.max).toBeCloseTo(want, 5);
  });

  for (const [label, rect] of [
    ['square 512x512', [0, 0, 512, 512]],
    ['wide 512x300', [0, 100, 512, 300]],
    ['tall 180x512', [200, 0, 180, 512]],
  ] as const) {
    it.skipIf(!havePhoto)(`runs a real photo (${label}): map at the photo's size with the values the stand-in computes`, async () => {
      const image = crop(photo, rect[0], rect[1], rect[2], rect[3]);
      const names = bindDepthSession(depthAnything, 'depth-anything');
      const result = await estimateDepth(depthAnything, names, 'depth-anything', image);
      expect([result.map.width, result.map.height]).toEqual([image.width, image.height]);
      const size = depthAnythingSize(image.width, image.height);
      expect(result.modelSize).toEqual(size);
      expect(size.width % 14 + (size.height % 14)).toBe(0);
      // Expected: the stand-in's function of the preprocessed photo, resized back bilinearly.
      const input = preprocessDepthAnything(image).tensor;
      const atModel = linear(input, DEPTH_ANYTHING_STANDIN.weights, DEPTH_ANYTHING_STANDIN.bias);
      const expected = resizeBilinear(atModel, size.width, size.height, image.width, image.height);
      expect(maxAbsDiff(result.map.data, expected)).toBeLessThan(1e-4);
      // A real photo gives a real range, and the display/export steps keep the size.
      expect(result.range.max - result.range.min).toBeGreaterThan(1);
      const shown = applyColormap(normalise(result.map.data, result.range), image.width, image.height, 'inferno');
      expect(shown.data.length).toBe(image.width * image.height * 4);
    });
  }

  it.skipIf(!havePhoto)('exports a 16-bit PNG whose values are the min-max normalised map (65535 at the nearest pixel, 0 at the farthest)', async () => {
    const image = crop(photo, 0, 100, 512, 300);
    const result = await estimateDepth(depthAnything, bindDepthSession(depthAnything, 'depth-anything'), 'depth-anything', image);
    const values = toUint16(normalise(result.map.data, result.range));
    const png = PNG.sync.read(Buffer.from(await encodePng16Grey(values, image.width, image.height)), { skipRescale: true });
    expect([png.width, png.height, png.depth]).toEqual([512, 300, 16]);
    const grey = (png.data as unknown as Uint16Array).filter((_, i) => i % 4 === 0);
    let nearest = 0, farthest = 0;
    for (let i = 0; i < result.map.data.length; i++) {
      if (result.map.data[i] > result.map.data[nearest]) nearest = i;
      if (result.map.data[i] < result.map.data[farthest]) farthest = i;
    }
    expect(grey[nearest]).toBe(65535);
    expect(grey[farthest]).toBe(0);
    for (const i of [0, 777, 40_000, 153_599]) {
      const want = Math.round(((result.map.data[i] - result.range.min) / (result.range.max - result.range.min)) * 65535);
      expect(Math.abs(grey[i] - want)).toBeLessThanOrEqual(1);
    }
  });

  it('colours the nearest pixel with the colour map\'s last entry', async () => {
    const image = flat(40, 30, [0, 0, 0]);
    image.data.set([255, 255, 255, 255], (15 * 40 + 20) * 4); // one bright pixel: the stand-in says it is nearest
    const result = await estimateDepth(depthAnything, bindDepthSession(depthAnything, 'depth-anything'), 'depth-anything', image);
    const shown = applyColormap(normalise(result.map.data, result.range), 40, 30, 'turbo');
    let brightest = 0;
    for (let i = 0; i < result.map.data.length; i++) if (result.map.data[i] > result.map.data[brightest]) brightest = i;
    expect(brightest).toBe(15 * 40 + 20);
    expect(Array.from(shown.data.subarray(brightest * 4, brightest * 4 + 3))).toEqual(Array.from(colormapTable('turbo').subarray(765, 768)));
  });
});

describe('MiDaS stand-in through the chain', () => {
  it('takes the only input and output whatever they are called (the real output name is unconfirmed)', () => {
    expect(bindDepthSession(midas, 'midas', metadata(midas))).toEqual({ input: 'input', output: 'depth', inputType: 'float32' });
  });

  it.skipIf(!havePhoto)('runs a tall photo at 256x256 and gives the map back at 180x512', async () => {
    const image = crop(photo, 200, 0, 180, 512);
    const result = await estimateDepth(midas, bindDepthSession(midas, 'midas'), 'midas', image);
    expect([result.map.width, result.map.height]).toEqual([180, 512]);
    expect(result.modelSize).toEqual({ width: 256, height: 256 });
    const atModel = linear(preprocessMidas(image).tensor, MIDAS_STANDIN.weights, MIDAS_STANDIN.bias);
    expect(maxAbsDiff(result.map.data, resizeBilinear(atModel, 256, 256, 180, 512))).toBeLessThan(1e-4);
    // RGB in [0,1] and weights summing to 1: every value lies in [bias, 1 + bias].
    expect(result.range.min).toBeGreaterThanOrEqual(MIDAS_STANDIN.bias - 1e-6);
    expect(result.range.max).toBeLessThanOrEqual(1 + MIDAS_STANDIN.bias + 1e-6);
  });
});

describe('an fp16 export with half-float I/O', () => {
  it('is fed half floats (from its metadata) and its half-float map is read back', async () => {
    const half = await session(DEPTH_STANDINS['depth-anything-fp16io.onnx']());
    const names = bindDepthSession(half, 'depth-anything', metadata(half));
    expect(names).toEqual({ input: 'pixel_values', output: 'predicted_depth', inputType: 'float16' });
    const image = flat(70, 50, [10, 200, 90]);
    const result = await estimateDepth(half, names, 'depth-anything', image);
    expect([result.map.width, result.map.height]).toEqual([70, 50]);
    const { weights, bias } = DEPTH_ANYTHING_STANDIN;
    const rgb = [10, 200, 90];
    const want = weights.reduce((sum, w, c) => sum + w * ((rgb[c] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]), bias);
    expect(Math.abs(result.range.max - want)).toBeLessThan(0.01); // half precision
    // Without metadata it would be fed float32, which ORT refuses: the metadata is what makes it work.
    await expect(estimateDepth(half, { ...names, inputType: 'float32' }, 'depth-anything', image)).rejects.toThrow();
  });
});

describe('graphs that must be refused', () => {
  it('an export whose output is baked to 518x518: by its metadata, and by the run if metadata is missing', async () => {
    const baked = await session(DEPTH_STANDINS['depth-anything-baked518.onnx']());
    expect(() => bindDepthSession(baked, 'depth-anything', metadata(baked))).toThrow(/fixes a side that must follow the photo/);
    const names = bindDepthSession(baked, 'depth-anything');
    await expect(estimateDepth(baked, names, 'depth-anything', flat(640, 424, [1, 2, 3]))).rejects.toThrow(/518x518 map for a 518x350 input/);
  });

  it('a model with another contract (a style model), with a sentence naming what it has', async () => {
    const style = await session(TEST_MODELS['tiny-style.onnx']());
    expect(() => bindDepthSession(style, 'depth-anything')).toThrow(/not a Depth Anything depth model: it takes input and gives output/);
    expect(() => bindDepthSession(style, 'midas', metadata(style))).toThrow(/MiDaS's output has shape \[1,3,H,W\]/);
  });
});

describe("a user's own depth file: which contract its graph follows (ownDepthKind)", () => {
  it('Depth Anything by its input name, MiDaS by one fixed-size input (with or without metadata)', async () => {
    expect(ownDepthKind(depthAnything, metadata(depthAnything))).toBe('depth-anything');
    expect(ownDepthKind(midas, metadata(midas))).toBe('midas');
    expect(ownDepthKind(midas)).toBe('midas'); // no metadata: bindDepthSession and the run check the rest
    // An fp16 Depth Anything export is still Depth Anything (its names are).
    const half = await session(DEPTH_STANDINS['depth-anything-fp16io.onnx']());
    expect(ownDepthKind(half, metadata(half))).toBe('depth-anything');
  });

  it('refuses a style model (dynamic sides, other names) with a UserError naming what it has and what runs', async () => {
    const style = await session(TEST_MODELS['tiny-style.onnx']());
    const attempt = () => ownDepthKind(style, metadata(style));
    expect(attempt).toThrow(/not a depth model the app can run: it takes input \[1,3,(H|-1|\w+),(W|-1|\w+)\] and gives output\. It runs Depth Anything V2 \(pixel_values/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).name).toBe('UserError'); // shown as it is, not as "something went wrong"
    }
    const wrong = await session(TEST_MODELS['wrong-contract.onnx']());
    expect(() => ownDepthKind(wrong, metadata(wrong))).toThrow(/it takes pixels .* and gives logits/);
  });
});

describe('depthFromOutput', () => {
  it('reads a [1,H,W] float32 output as an H x W map (and [1,1,H,W], [H,W])', () => {
    const data = new Float32Array(6);
    expect(depthFromOutput({ type: 'float32', dims: [1, 2, 3], data })).toMatchObject({ width: 3, height: 2 });
    expect(depthFromOutput({ type: 'float32', dims: [1, 1, 3, 2], data })).toMatchObject({ width: 2, height: 3 });
    expect(depthFromOutput({ type: 'float32', dims: [2, 3], data })).toMatchObject({ width: 3, height: 2 });
  });

  it('refuses batches, channels and other types with a sentence', () => {
    expect(() => depthFromOutput({ type: 'float32', dims: [2, 1, 3], data: new Float32Array(6) })).toThrow(/\[2,1,3\].*\[1,H,W\]/);
    expect(() => depthFromOutput({ type: 'float32', dims: [1, 3, 1, 2], data: new Float32Array(6) })).toThrow(/one map/);
    expect(() => depthFromOutput({ type: 'int64', dims: [1, 1, 1], data: new BigInt64Array(1) })).toThrow(/int64/);
  });
});

describe('toPhotoSize', () => {
  it("resizes the model's map to the photo's size, any aspect", () => {
    const map = { data: Float32Array.from({ length: 14 * 28 }, (_, i) => Math.floor(i / 14)), width: 14, height: 28 };
    const out = toPhotoSize(map, 100, 37);
    expect([out.width, out.height, out.data.length]).toEqual([100, 37, 3700]);
    expect(out.data[0]).toBe(0);
    expect(out.data[3699]).toBe(27);
  });
});

describe('a large photo', () => {
  it('a 4032x3024 photo runs at 518 on the short side and comes back at 4032x3024', async () => {
    const width = 4032, height = 3024;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) data.set([Math.floor((x / width) * 255), Math.floor((y / height) * 255), 128, 255], (y * width + x) * 4);
    const result = await estimateDepth(depthAnything, bindDepthSession(depthAnything, 'depth-anything'), 'depth-anything', { data, width, height });
    expect(result.modelSize).toEqual({ width: 686, height: 518 });
    expect([result.map.width, result.map.height, result.map.data.length]).toEqual([width, height, width * height]);
    // The stand-in is a linear function of the pixels, so depth grows left to right (red) and top to bottom (green).
    const at = (x: number, y: number) => result.map.data[y * width + x];
    expect(at(4000, 1500)).toBeGreaterThan(at(30, 1500));
    expect(at(2000, 3000)).toBeGreaterThan(at(2000, 20));
  }, 60_000);
});
