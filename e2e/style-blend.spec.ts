import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { styleMeta } from '../src/features/style/meta';
import { planarToRgba, rgbToPlanar, roundUpTo, type Rgba } from '../src/lib/pixels';
import { planTiles, TileAccumulator } from '../src/lib/tiling';
import { readGif } from '../src/media/encode/gif-reader';
import { blendModel, referenceStylise, styleModels } from './reference';
import { decodePng, encodePng, extractFrame, probeMedia, rgbDiff, sharedDir, smallPhoto, Studio, VideoStudio, type DecodedImage } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);
test.skip(!blendModel, 'the manifest has no style-blend model');

const [first, second] = [styleModels[0].id, styleModels[2].id];

/** `width` x `height` from the photo repeated side by side (the fixture is only 512 px wide). */
function widePhoto(width: number, height: number): { image: DecodedImage; png: Buffer } {
  const piece = smallPhoto(Math.min(width, 500), height).image;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(piece.data.subarray((y * piece.width + (x % piece.width)) * 4, (y * piece.width + (x % piece.width)) * 4 + 4), (y * width + x) * 4);
  }
  const image = { data, width, height };
  return { image, png: encodePng(image) };
}

function weightFeeds(percent: number): Record<string, ort.Tensor> {
  const styles = blendModel!.blend!.styles;
  const weights = new Float32Array(styles.length);
  weights[styles.indexOf(first)] = 1 - percent / 100;
  weights[styles.indexOf(second)] = percent / 100;
  return { [blendModel!.blend!.weightsInput]: new ort.Tensor('float32', weights, [1, styles.length]) };
}

/** The blend model on onnxruntime-node with `second` at `percent` and `first` at the rest. */
function referenceBlend(image: DecodedImage, percent: number): Promise<DecodedImage> {
  return referenceStylise(blendModel!, 'fp32', image, weightFeeds(percent));
}

/** As referenceBlend, tile by tile with the app's own tiling plan and feathering (WASM tile size). */
async function referenceBlendTiled(image: DecodedImage, percent: number): Promise<{ output: DecodedImage; tiles: number }> {
  const session = await ort.InferenceSession.create(path.resolve(import.meta.dirname, '../models', blendModel!.variants[0].file));
  const rgba: Rgba = { data: new Uint8ClampedArray(image.data), width: image.width, height: image.height };
  const tiles = planTiles(image.width, image.height, styleMeta.maxTile.wasm, styleMeta.tileOverlap);
  const accumulator = new TileAccumulator(image.width, image.height, 3, styleMeta.tileOverlap);
  for (const tile of tiles) {
    const [w, h] = [roundUpTo(tile.w, 4), roundUpTo(tile.h, 4)];
    const planar = rgbToPlanar(rgba, tile, w, h);
    const result = await session.run({ input: new ort.Tensor('float32', planar.data, [1, 3, h, w]), ...weightFeeds(percent) });
    accumulator.add(tile, { data: result.output.data as Float32Array, channels: 3, width: w, height: h });
  }
  const out = planarToRgba(accumulator.result(), rgba);
  return { output: { data: new Uint8Array(out.data), width: image.width, height: image.height }, tiles: tiles.length };
}

async function stylise(page: Page, backend: string, png: Buffer, percent: number | null) {
  const studio = new Studio(page);
  await studio.open(`backend=${backend}`);
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: png });
  await studio.chooseStyle(first);
  if (percent !== null) await studio.blend(second, percent);
  await studio.run();
  const result = await studio.waitForResult();
  await expect(result).toHaveAttribute('data-backend', backend);
  const { name, bytes } = await studio.download();
  return { name, output: decodePng(bytes), studio };
}

test('a 50 % blend of two styles on WASM matches the blend model on onnxruntime-node', async ({ page }) => {
  const { image, png } = smallPhoto(128, 96);
  const { name, output } = await stylise(page, 'wasm', png, 50);
  expect(name).toBe(`small-${first}+${second}-50.png`);
  await expect(page.getByTestId('result')).toContainText(`${styleModels[0].title} + 50 % ${styleModels[2].title}`);

  const reference = await referenceBlend(image, 50);
  const diff = rgbDiff(output, reference);
  expect(diff.mean).toBeLessThan(0.5);
  expect(diff.max).toBeLessThanOrEqual(3);
  // Really a mix: clearly unlike either style alone.
  expect(rgbDiff(output, await referenceBlend(image, 0)).mean).toBeGreaterThan(4);
  expect(rgbDiff(output, await referenceBlend(image, 100)).mean).toBeGreaterThan(4);
});

test('0 % is the chosen style alone and 100 % the second style alone', async ({ page }) => {
  const { image, png } = smallPhoto(128, 96);
  const single = (index: number) => referenceStylise(styleModels[index], 'fp32', image);

  const zero = await stylise(page, 'wasm', png, 0);
  expect(zero.name).toBe(`small-${first}.png`);
  // 0 % runs the style's own file, in the variant WASM prefers (int8 where one ships): that file run in Node (e2e/reference.ts).
  const zeroVariant = (await page.getByTestId('result').getAttribute('data-variant'))!;
  expect(rgbDiff(zero.output, await referenceStylise(styleModels[0], zeroVariant, image)).max).toBeLessThanOrEqual(1);

  // 100 % runs through the blend model (one-hot weights), which reproduces the second style's own file.
  await zero.studio.blend(second, 100);
  await zero.studio.run();
  await expect(page.getByTestId('download')).toHaveAttribute('download', `small-${first}+${second}-100.png`, { timeout: 60_000 });
  const full = decodePng((await zero.studio.download()).bytes);
  expect(rgbDiff(full, await single(2)).max).toBeLessThanOrEqual(1);
});

test('a tiled (original-size) blend passes the weights to every tile', async ({ page }) => {
  const { image, png } = widePhoto(1100, 64); // wider than the 1024 px tile: two tiles
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'wide.png', mimeType: 'image/png', buffer: png });
  await studio.chooseStyle(first);
  await page.getByLabel('Original', { exact: true }).check();
  await studio.blend(second, 50);
  await studio.run();
  const result = await studio.waitForResult();
  await expect(result).toContainText('in 2 tiles');
  const output = decodePng((await studio.download()).bytes);
  expect([output.width, output.height]).toEqual([1100, 64]);
  const reference = await referenceBlendTiled(image, 50);
  expect(reference.tiles).toBe(2);
  const diff = rgbDiff(output, reference.output);
  expect(diff.mean).toBeLessThan(0.5);
  expect(diff.max).toBeLessThanOrEqual(3);
});

test('WebGPU and WASM give the same blend on a small image', async ({ page }) => {
  const { png } = smallPhoto(64, 48);
  const outputs = [];
  for (const backend of ['wasm', 'webgpu']) outputs.push((await stylise(page, backend, png, 50)).output);
  expect([outputs[1].width, outputs[1].height]).toEqual([64, 48]);
  const diff = rgbDiff(outputs[0], outputs[1]);
  expect(diff.mean).toBeLessThan(1.5);
  expect(diff.max).toBeLessThanOrEqual(12);
});

test('the blend controls (and the style morph button) work from the keyboard, say both shares, and pass axe', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: smallPhoto(64, 48).png });
  await studio.chooseStyle(first);
  const mix = page.getByRole('slider', { name: 'Mix' });
  await expect(mix).toBeDisabled(); // nothing to mix until a second style is picked
  await page.getByRole('combobox', { name: 'Second style' }).selectOption(second);
  await mix.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('output[for=blend-mix]')).toHaveText('51%');
  await expect(mix).toHaveAttribute('aria-valuetext', `49% ${styleModels[0].title}, 51% ${styleModels[2].title}`);
  await expect(page.getByRole('button', { name: 'Make a style morph GIF' })).toBeEnabled();
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('a style morph GIF steps from the first style to the second and back', async ({ page }) => {
  const { image, png } = smallPhoto(64, 48);
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: png });
  await studio.chooseStyle(first);
  await studio.blend(second, 50);
  await studio.morph();
  await studio.waitForResult(60_000);
  const { name, file } = await studio.saveDownload(test.info().outputPath());
  expect(name).toBe(`small-${first}+${second}-morph.gif`);
  await expect(page.getByTestId('result')).toContainText('style morph');
  const facts = probeMedia(file);
  expect([facts.videoCodec, facts.width, facts.height, facts.frames]).toEqual(['gif', 64, 48, 20]);
  expect(facts.duration).toBeCloseTo(3, 1); // 20 frames of 150 ms
  // Frames 0, 5 and 10 are the 0 %, 50 % and 100 % mixes (within GIF palette error).
  const frame = (index: number) => extractFrame(file, index, 64, 48);
  for (const [index, percent] of [[0, 0], [5, 50], [10, 100]]) {
    expect(rgbDiff(frame(index), await referenceBlend(image, percent)).mean, `frame ${index}`).toBeLessThan(5);
  }
  expect(rgbDiff(frame(0), frame(10)).mean).toBeGreaterThan(10);
  // One palette shared by every frame (no per-frame tables: smaller, no colour flicker), looping.
  const gif = readGif(readFileSync(file));
  expect([gif.frames.length, gif.loopCount, gif.globalPalette !== null]).toEqual([20, 0, true]);
  expect(gif.frames.filter((f) => f.localPalette !== null)).toHaveLength(0);
  // Ping-pong: frame 9 (90 % on the way up) is frame 11 (90 % on the way down), rendered once.
  expect(rgbDiff(frame(9), frame(11)).max).toBe(0);
});

test('a style morph as MP4 without ping-pong: 11 H.264 frames from the first style to the second', async ({ page }) => {
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: smallPhoto(64, 48).png });
  await studio.chooseStyle(first);
  await studio.blend(second, 50);
  await page.getByTestId('morph-format-mp4').check();
  await page.getByTestId('morph-ping-pong').uncheck();
  await page.getByRole('button', { name: 'Make a style morph MP4' }).click();
  await studio.waitForResult(60_000);
  const { name, file } = await studio.saveDownload(test.info().outputPath());
  expect(name).toBe(`small-${first}+${second}-morph.mp4`);
  const facts = probeMedia(file);
  expect([facts.videoCodec, facts.width, facts.height, facts.frames]).toEqual(['h264', 64, 48, 11]);
  expect(rgbDiff(extractFrame(file, 0, 64, 48), extractFrame(file, 10, 64, 48)).mean).toBeGreaterThan(10);
});
