import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeTestModels } from '../scripts/make-test-models.mjs';
import { decodePng, mediaPath, sharedDir, Studio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

test('a corrupt image and a non-image each explain themselves, and the app keeps working', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(mediaPath('starry_in.png'));
  await expect(page.getByAltText(/Your photo: starry_in.png/)).toBeVisible();

  const truncated = readFileSync(mediaPath('starry_in.png')).subarray(0, 3000);
  await studio.chooseFile({ name: 'broken.png', mimeType: 'image/png', buffer: truncated });
  await expect(studio.error()).toHaveAttribute('role', 'alert');
  await expect(studio.error()).toContainText('Could not read "broken.png" as an image');
  // Nothing lost: the previous photo is still loaded.
  await expect(page.getByAltText(/Your photo: starry_in.png/)).toBeVisible();

  await studio.dropFile('notes.txt', 'text/plain', Buffer.from('hello'));
  await expect(studio.error()).toContainText('"notes.txt" is neither an image nor a video');

  await studio.run();
  await studio.waitForResult();
  await expect(studio.error()).toHaveCount(0);
  expect(decodePng((await studio.download()).bytes).width).toBe(512);
});

test('a dropped .onnx style model runs if it fits the contract and is refused clearly if not', async ({ page }, info) => {
  const dir = info.outputPath('models');
  makeTestModels(dir);
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(mediaPath('sketch_in.png'));

  await studio.chooseFile(path.join(dir, 'wrong-contract.onnx'));
  await expect(page.getByTestId('style-custom')).toHaveAttribute('aria-checked', 'true');
  await studio.run();
  await expect(studio.error()).toContainText('does not fit the task: it lacks input "input"');

  await studio.chooseFile(path.join(dir, 'tiny-style.onnx'));
  await studio.run();
  await studio.waitForResult();
  const { name, bytes } = await studio.download();
  expect(name).toBe('sketch_in-custom-style.png');
  expect(decodePng(bytes).height).toBe(512);
});

test('an EXIF-rotated JPEG is processed upright', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  // A 64x32 JPEG from the browser's encoder, then an EXIF APP1 segment saying "rotate 90° CW" (6).
  const jpeg = Buffer.from(
    await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(64, 32);
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#c33';
      ctx.fillRect(0, 0, 64, 32);
      ctx.fillStyle = '#36c';
      ctx.fillRect(0, 0, 16, 32);
      return Array.from(new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer()));
    }),
  );
  const tiff = Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 2 + 6 + tiff.length]), Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const rotated = Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
  await studio.chooseFile({ name: 'portrait.jpg', mimeType: 'image/jpeg', buffer: rotated });
  await studio.run();
  await studio.waitForResult();
  const out = decodePng((await studio.download()).bytes);
  expect([out.width, out.height]).toEqual([32, 64]);
});
