import { expect, test } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeTestModels } from '../scripts/make-test-models.mjs';
import { planarToRgba, rgbToPlanar } from '../src/lib/pixels';
import { decodePng, rgbDiff, sharedDir, smallPhoto, Studio, type DecodedImage } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

/** What the dropped file itself computes, on onnxruntime-node: the truth the app's output must match. */
async function reference(file: string, image: DecodedImage): Promise<DecodedImage> {
  const session = await ort.InferenceSession.create(file);
  const rgba = { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height };
  const planar = rgbToPlanar(rgba);
  const out = await session.run({ input: new ort.Tensor('float32', planar.data, [1, 3, image.height, image.width]) });
  const stylised = planarToRgba({ data: out.output.data as Float32Array, channels: 3, width: image.width, height: image.height }, rgba);
  return { data: new Uint8Array(stylised.data), width: image.width, height: image.height };
}

// The bug this guards: a dropped model's session was cached under one fixed key, so a second
// dropped file (within the 5-minute idle time) silently ran the first one.
test('a second dropped .onnx runs as itself, not as the first one dropped', async ({ page }, info) => {
  const dir = info.outputPath('models');
  makeTestModels(dir);
  const { image, png } = smallPhoto(64, 48);
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: png });

  const outputs: DecodedImage[] = [];
  for (const file of ['tiny-style.onnx', 'tiny-style-b.onnx']) {
    await studio.chooseFile(path.join(dir, file));
    await studio.run();
    await studio.waitForResult();
    const out = decodePng((await studio.download()).bytes);
    expect([out.width, out.height]).toEqual([64, 48]);
    const truth = await reference(path.join(dir, file), image);
    expect(rgbDiff(out, truth).max, `${file} matches onnxruntime-node`).toBeLessThanOrEqual(2);
    outputs.push(out);
  }
  // The two models really differ, so matching each reference means each one ran.
  expect(rgbDiff(outputs[0], outputs[1]).mean).toBeGreaterThan(10);
});
