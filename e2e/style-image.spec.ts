import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { referenceStylise, styleModels } from './reference';
import { decodePng, mediaPath, readPng, rgbDiff, sharedDir, smallPhoto, Studio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

const photo = () => readPng(mediaPath('starry_in.png'));
const model = styleModels[0];

test('a dropped photo is stylised on WASM and the download matches the same file run by ONNX Runtime in Node', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.dropFile('starry_in.png', 'image/png', readFileSync(mediaPath('starry_in.png')));
  await studio.chooseStyle(model.id);
  await studio.run();
  const result = await studio.waitForResult();
  await expect(result).toHaveAttribute('data-backend', 'wasm');
  const variant = (await result.getAttribute('data-variant'))!;

  const { name, bytes } = await studio.download();
  expect(name).toBe(`starry_in-${model.id}.png`);
  const output = decodePng(bytes);
  const input = photo();
  expect([output.width, output.height]).toEqual([512, 512]);
  expect(rgbDiff(output, input).mean).toBeGreaterThan(15); // really restyled, not passed through

  const reference = await referenceStylise(model, variant, input);
  const diff = rgbDiff(output, reference);
  expect(diff.mean).toBeLessThan(0.5);
  expect(diff.max).toBeLessThanOrEqual(3);
});

test('WebGPU and WASM give the same picture on a small image', async ({ page }) => {
  const { image, png } = smallPhoto(64, 48);
  const outputs = [];
  const variants: string[] = [];
  for (const backend of ['wasm', 'webgpu']) {
    const studio = new Studio(page);
    await studio.open(`backend=${backend}`);
    await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: png });
    await studio.chooseStyle(model.id);
    await studio.run();
    const result = await studio.waitForResult();
    await expect(result).toHaveAttribute('data-backend', backend);
    variants.push((await result.getAttribute('data-variant'))!);
    outputs.push(decodePng((await studio.download()).bytes));
  }
  expect([outputs[1].width, outputs[1].height]).toEqual([64, 48]);
  const diff = rgbDiff(outputs[0], outputs[1]);
  if (variants[0] !== 'int8') {
    expect(diff.mean).toBeLessThan(1.5); // fp16 on GPUs with shader-f16, fp32 elsewhere
    expect(diff.max).toBeLessThanOrEqual(12);
  } else {
    // WASM runs the style's int8 file (WebGPU has no int8 kernels): each backend equals its own file
    // run in Node (e2e/reference.ts), and the two pictures differ by no more than int8 shipped under
    // (training/quantize_int8.py: mean abs diff <= 0.01 of the range) plus the fp16 allowance above.
    expect(rgbDiff(outputs[0], await referenceStylise(model, 'int8', image)).max).toBeLessThanOrEqual(3);
    const gpu = rgbDiff(outputs[1], await referenceStylise(model, variants[1], image));
    expect(gpu.mean).toBeLessThan(1.5);
    expect(gpu.max).toBeLessThanOrEqual(12);
    expect(diff.mean).toBeLessThan(0.01 * 255 + 1.5);
    expect(diff.mean).toBeGreaterThan(0); // two different files: not the same picture twice
  }
});

test('strength blends with the original and the format switch re-encodes without re-running', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(mediaPath('starry_in.png'));
  await studio.run();
  await studio.waitForResult();
  const full = decodePng((await studio.download()).bytes);

  await page.getByRole('slider', { name: 'Strength' }).fill('50');
  await expect(page.locator('output[for=strength]')).toHaveText('50%');
  await expect.poll(async () => rgbDiff(decodePng((await studio.download()).bytes), full).mean).toBeGreaterThan(3);
  const half = decodePng((await studio.download()).bytes);
  const input = photo();
  // Halfway between input and full strength, pixel by pixel (within rounding).
  for (let i = 0; i < half.data.length; i += 997) {
    if (i % 4 === 3) continue;
    expect(Math.abs(half.data[i] - (input.data[i] + full.data[i]) / 2)).toBeLessThanOrEqual(1);
  }

  await page.getByTestId('format-jpeg').check();
  await expect(page.getByTestId('download')).toHaveAttribute('download', `starry_in-${model.id}.jpg`);
  const jpeg = await studio.download();
  expect(jpeg.bytes.subarray(0, 3).toString('hex')).toBe('ffd8ff');
});
