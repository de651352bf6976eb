import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../src/models/registry';
import { makeCatalogueStandIn, STANDIN_COMMIT, STANDIN_WEIGHTS } from './make-catalogue-standin.mjs';

describe('the catalogue stand-in model', () => {
  const standIn = makeCatalogueStandIn();

  it('is deterministic and its manifest entry validates, pinned to the stand-in commit', () => {
    expect(makeCatalogueStandIn().entry).toEqual(standIn.entry);
    const [model] = validateManifest({ version: 1, models: [standIn.entry] }).models;
    expect(model.variants[0].files?.map((f) => f.url)).toEqual(Object.keys(standIn.urls));
    expect(Object.keys(standIn.urls).every((u) => u.includes(`/resolve/${STANDIN_COMMIT}/`))).toBe(true);
    expect(model.variants[0].bytes).toBeGreaterThan(3_000_000); // big enough to observe progress and a cut
  });

  it('follows the depth contract: pixel_values [1,3,H,W] -> predicted_depth [1,H,W], any H x W', async () => {
    const session = await ort.InferenceSession.create(standIn.files[0].bytes);
    expect([session.inputNames, session.outputNames]).toEqual([['pixel_values'], ['predicted_depth']]);
    const [h, w] = [5, 7];
    const pixels = Float32Array.from({ length: 3 * h * w }, (_, i) => (i % 11) / 10);
    const { predicted_depth: depth } = await session.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, h, w]) });
    expect(depth.dims).toEqual([1, h, w]);
    const at = (p: number) => STANDIN_WEIGHTS.reduce((s, wc, c) => s + wc * pixels[c * h * w + p], 0) / 3;
    for (const p of [0, 17, h * w - 1]) expect((depth.data as Float32Array)[p]).toBeCloseTo(at(p), 6);
  });
});
