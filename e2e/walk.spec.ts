/**
 * The latent-walk task end to end through the UI, with the SD-Turbo stand-ins
 * (scripts/make-walk-standins.mjs: the real graphs' names, layouts and repo paths, known functions)
 * listed in the served manifest as a catalogue model at pinned Hugging Face URLs. As in the other
 * catalogue specs, Chromium resolves huggingface.co to a local TLS server here, so the real download
 * path runs (licence first, pinned URLs, CORS fetch under the page's CSP, streamed sha256, OPFS).
 *
 * The stand-in's variant is fp32, so it runs on WASM; a second entry whose only variant is fp16 (as
 * the real SD-Turbo export is) shows the WebGPU + shader-f16 requirement before any download.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:https';
import path from 'node:path';
import { walkCatalogueStandIn, type WalkStandinPath } from '../scripts/make-walk-standins.mjs';
import { frameRgba, readGif } from '../src/media/encode/gif-reader';
import { hubBrowser, notFound, sendBytes, startAppWithEntries, startHub, storedFiles } from './hub';
import { probeMedia, Studio } from './studio';

const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
const APP_PORT = Number(process.env.E2E_PORT ?? 4310) + 30;
const HUB_PORT = APP_PORT + 1;

test.use(hubBrowser(HUB_PORT));

const LICENCE = 'Stability AI Non-Commercial Research Community License';
const standIn = walkCatalogueStandIn();
const { files, prefix } = standIn;
/** The stand-in's pinned file URLs, as its manifest entry lists them. */
const manifestUrls = Object.keys(standIn.urls);
const fp16Entry = walkCatalogueStandIn({ id: 'sd-turbo-fp16-standin', variant: 'fp16', title: 'SD-Turbo (fp16 test entry)' }).entry;

let hub: Server;
let app: HttpServer;
const requests: string[] = [];

test.beforeAll(async () => {
  hub = await startHub(HUB_PORT, (req, res, { url: { pathname } }) => {
    const file = pathname.startsWith(prefix) ? files[pathname.slice(prefix.length) as WalkStandinPath] : undefined;
    requests.push(pathname);
    if (!file) return notFound(res);
    sendBytes(req, res, file);
  });
  app = await startAppWithEntries(dist, APP_PORT, [standIn.entry, fp16Entry]);
});

test.afterAll(async () => {
  hub?.close();
  app?.close();
});

test.beforeEach(() => {
  requests.length = 0;
});

async function openWalk(page: Page, backend: 'wasm' | 'webgpu' = 'wasm'): Promise<void> {
  await page.goto(`http://127.0.0.1:${APP_PORT}/?backend=${backend}`);
  await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
  await page.getByTestId('task-walk').click();
  await expect(page.getByTestId('prompt-a')).toBeVisible();
}

/** Mean absolute RGB difference of two RGBA frames, 0…255. */
function meanDiff(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) if (i % 4 !== 3) sum += Math.abs(a[i] - b[i]);
  return sum / ((a.length / 4) * 3);
}

test('two prompts become a smooth ping-pong GIF, and nothing is requested before the licence is accepted', async ({ page }) => {
  test.setTimeout(180_000);
  await openWalk(page);
  // The licence comes first: named plainly, Run disabled, no request for any model file.
  await expect(page.getByTestId('walk-licence')).toContainText(LICENCE);
  await expect(page.getByTestId('walk-licence')).toContainText('non-commercial purposes only');
  await expect(page.getByTestId('run')).toBeDisabled();
  await page.getByTestId('prompt-a').fill('a photo of a red cat');
  await page.getByTestId('prompt-b').fill('the blue forest at sunset');
  await page.getByTestId('frames').fill('6');
  await page.waitForTimeout(500);
  expect(requests).toEqual([]);
  await page.getByTestId('accept-licence').click();
  await expect(page.getByTestId('licence-accepted')).toBeVisible();
  expect(requests).toEqual([]); // accepting is not downloading
  await expect(page.getByTestId('run')).toBeEnabled();

  await page.getByTestId('run').click();
  const result = page.getByTestId('result');
  await expect(result).toBeVisible({ timeout: 150_000 });
  await expect(result).toHaveAttribute('data-frames', '6');
  await expect(result).toHaveAttribute('data-played', '10');
  await expect(result).toContainText('ping-pong: 10 in the loop');
  expect([...requests].sort()).toEqual(manifestUrls.map((u) => new URL(u).pathname).sort()); // each file once

  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
  expect(file.suggestedFilename()).toBe('a-photo-of-a-red-cat-to-the-blue-forest-at-sunset.gif');
  const gif = readGif(readFileSync(await file.path()));
  expect(gif.frames).toHaveLength(10);
  expect([gif.width, gif.height, gif.loopCount]).toEqual([512, 512, 0]);
  expect(gif.globalPalette).not.toBeNull();
  expect(gif.frames.every((f) => f.localPalette === null && f.delayMs === 100)).toBe(true);
  const frames = gif.frames.map((_, i) => frameRgba(gif, i));
  const ends = meanDiff(frames[0], frames[5]);
  const steps = frames.slice(1).map((f, i) => meanDiff(frames[i], f));
  console.log(`walk GIF through the UI: ends differ by ${ends.toFixed(2)}/255, steps ${steps.map((s) => s.toFixed(2)).join(' ')}; ${await result.locator('figcaption').textContent()}`);
  expect(ends).toBeGreaterThan(8);
  for (const step of steps) expect(step).toBeLessThan(0.5 * ends);
  expect(meanDiff(frames[6], frames[4])).toBe(0); // the way back repeats frames exactly

  // The licence stays accepted on this device.
  await page.reload();
  await page.getByTestId('task-walk').click();
  await expect(page.getByTestId('licence-accepted')).toBeVisible();
});

async function acceptAndSet(page: Page, frames: number): Promise<void> {
  await openWalk(page);
  await expect(page.getByTestId('walk-licence')).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  await page.getByTestId('accept-licence').click();
  await page.getByTestId('frames').fill(String(frames));
}

test('each frame shows as soon as it is ready, with progress and time left, and Cancel stops the walk', async ({ page }) => {
  test.setTimeout(120_000);
  await acceptAndSet(page, 120);
  await page.getByTestId('run').click();
  const preview = page.getByTestId('walk-preview');
  await expect(preview).toContainText(/Frame \d+ of 120 · about .* left/, { timeout: 60_000 });
  await expect(preview.locator('img')).toHaveAttribute('src', /^blob:/);
  const first = Number(await preview.getAttribute('data-frame'));
  await expect.poll(async () => Number(await preview.getAttribute('data-frame')), { timeout: 30_000 }).toBeGreaterThan(first); // the next frame replaces it
  await expect(page.getByTestId('progress')).toHaveAttribute('aria-valuetext', /%/);
  await page.getByTestId('cancel').click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  await expect(page.getByTestId('result')).toHaveCount(0);
});

test('the walk can be an MP4 through the browser’s encoder, ping-pong included', async ({ page }, info) => {
  test.setTimeout(120_000);
  await acceptAndSet(page, 4);
  await page.getByTestId('format-mp4').check();
  await page.getByTestId('run').click();
  const result = page.getByTestId('result');
  await expect(result.locator('video')).toBeVisible({ timeout: 90_000 });
  await expect(result).toContainText('MP4');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
  expect(download.suggestedFilename()).toBe('a-photo-of-a-red-cat-to-the-blue-forest-at-sunset.mp4');
  const file = info.outputPath('walk.mp4');
  await download.saveAs(file);
  const facts = probeMedia(file);
  expect(facts).toMatchObject({ width: 512, height: 512, frames: 6, audioCodec: null });
  expect(facts.duration).toBeCloseTo(0.6, 1);
});

test('a licence accepted and a model downloaded in the Models panel count in the walk view: it runs with no more requests', async ({ page }) => {
  test.setTimeout(120_000);
  await openWalk(page);
  await expect(page.getByTestId('accept-licence')).toBeVisible();
  await page.getByTestId('open-models').click();
  await expect(page.getByTestId('models-panel')).toBeVisible();
  await page.getByTestId('download-model-sd-turbo-standin').click();
  await page.getByTestId('models-panel').getByTestId('accept-licence').click();
  await expect(page.getByTestId('model-state-sd-turbo-standin')).toContainText(/on this device/i, { timeout: 60_000 });
  expect(requests.length).toBe(manifestUrls.length);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('models-panel')).toHaveCount(0);
  await expect(page.getByTestId('licence-accepted')).toBeVisible();
  await page.getByTestId('frames').fill('4');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('result')).toHaveAttribute('data-played', '6', { timeout: 90_000 });
  expect(requests.length).toBe(manifestUrls.length); // everything came from the device
});

test('the walk runs on WebGPU too (SwiftShader here) and gives the frames WASM gives', async ({ page }) => {
  test.setTimeout(240_000);
  const frames: Record<string, Uint8ClampedArray[]> = {};
  for (const backend of ['wasm', 'webgpu'] as const) {
    await openWalk(page, backend);
    // The licence gate renders once the stored acceptance is read: wait for one of its two states
    // rather than sampling it (an instant isVisible() raced it and left Run disabled).
    const accept = page.getByTestId('accept-licence');
    await expect(accept.or(page.getByTestId('licence-accepted')).first()).toBeVisible();
    if (await accept.isVisible()) await accept.click();
    await expect(page.getByTestId('licence-accepted')).toBeVisible();
    await page.getByTestId('frames').fill('4');
    await page.getByTestId('ping-pong').uncheck();
    const shaderF16 = await page.evaluate(async () => !!(await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter())?.features.has('shader-f16'));
    console.log(`${backend}: adapter shader-f16 ${shaderF16}`);
    await page.getByTestId('run').click();
    const result = page.getByTestId('result');
    await expect(result).toHaveAttribute('data-backend', backend, { timeout: 200_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
    const gif = readGif(readFileSync(await download.path()));
    expect(gif.frames).toHaveLength(4);
    frames[backend] = gif.frames.map((_, i) => frameRgba(gif, i));
    console.log(`${backend}: ${await result.locator('figcaption').textContent()}`);
  }
  // Both are lossy GIF encodings (frame-difference transparency within 8 levels, lossy LZW within 10:
  // src/media/encode/gif.ts), so frames that differ only by float rounding between the backends can
  // come out a couple of levels apart on average; a backend that computed something else differs by
  // as much as the walk's two ends do (about 16 levels here).
  for (let i = 0; i < 4; i++) expect(meanDiff(frames.wasm[i], frames.webgpu[i])).toBeLessThan(3);
});

test('an fp16-only model says it needs WebGPU with shader-f16 before any download, and offers the style morph', async ({ page }) => {
  await openWalk(page);
  await page.getByTestId('walk-model').selectOption('sd-turbo-fp16-standin');
  const note = page.getByTestId('walk-needs-webgpu');
  await expect(note).toContainText('needs WebGPU with the shader-f16 feature');
  await expect(note).toContainText('Nothing has been downloaded');
  await expect(page.getByTestId('accept-licence')).toHaveCount(0);
  await expect(page.getByTestId('run')).toBeDisabled();
  await expect(note).toContainText('the app is running on WASM here');
  await page.getByTestId('use-style-morph').click();
  await expect(page.getByTestId('task-style')).toHaveAttribute('aria-pressed', 'true');
  // SwiftShader's WebGPU has no shader-f16: said as such.
  await openWalk(page, 'webgpu');
  await page.getByTestId('walk-model').selectOption('sd-turbo-fp16-standin');
  await expect(note).toContainText('this GPU has WebGPU but not its shader-f16 feature');
  expect(requests).toEqual([]);
});

test('where the build lists no walk model, SD-Turbo’s folder of your own is copied into the browser once, walks, and is still there after a reload', async ({ page }) => {
  test.setTimeout(240_000);
  // The stand-ins in the hub repo's layout, under a folder of the user's naming, with a file the walk does not read.
  const root = mkdtempSync(path.join(os.tmpdir(), 'walk-own-'));
  const folder = path.join(root, 'my sd-turbo');
  for (const [p, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, p)), { recursive: true });
    writeFileSync(path.join(folder, p), bytes);
  }
  writeFileSync(path.join(folder, 'README.md'), '# sd-turbo for onnxruntime-web\n');
  const incomplete = path.join(root, 'incomplete');
  mkdirSync(path.join(incomplete, 'text_encoder'), { recursive: true });
  writeFileSync(path.join(incomplete, 'text_encoder', 'model.onnx'), files['text_encoder/model.onnx' as WalkStandinPath]);
  const hub: string[] = [];
  page.on('request', (r) => void (new URL(r.url()).hostname === 'huggingface.co' && hub.push(r.url())));
  try {
    await page.goto('/?backend=wasm'); // the plain build: its manifest lists no walk model
    await page.getByTestId('task-walk').click();
    await expect(page.getByTestId('walk-no-model')).toBeVisible();
    const note = page.getByTestId('walk-own-note');
    await expect(note).toContainText('schmuell/sd-turbo-ort-web');
    await expect(page.getByTestId('run')).toBeDisabled();

    // A folder with one graph: refused before anything is copied, and said what is missing.
    await page.getByTestId('walk-own-folder').setInputFiles(incomplete);
    await expect(page.getByTestId('error')).toContainText('The folder has no unet/model.onnx, vae_decoder/model.onnx, tokenizer/vocab.json, tokenizer/merges.txt');
    // A loose graph dropped on the page (no folders, so it cannot say which graph it is): the same.
    await new Studio(page).dropFile('model.onnx', '', Buffer.from(files['unet/model.onnx' as WalkStandinPath]));
    await expect(page.getByTestId('error')).toContainText('"model.onnx" is a graph outside SD-Turbo\'s folders, so which of its three graphs it is cannot be told. Choose the folder');
    expect(await storedFiles(page)).toEqual([]);

    // The whole folder: copied into the model store by sha256 (no partial copy left), and chosen.
    await page.getByTestId('walk-own-folder').setInputFiles(folder);
    await expect(note).toContainText('Your SD-Turbo: 5 files', { timeout: 60_000 });
    await expect(page.getByText("are in this browser's storage: they stay for later visits")).toBeVisible();
    const want = Object.values(files).map((bytes) => ({ bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') }));
    const stored = await storedFiles(page);
    expect(stored.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 }))).toEqual(
      want.map((w) => ({ name: w.sha256, ...w })).sort((a, b) => a.name.localeCompare(b.name)),
    );
    await expect(page.getByTestId('accept-licence')).toHaveCount(0); // the user's copy came with its licence
    await page.getByTestId('frames').fill('4');
    await page.getByTestId('run').click();
    const result = page.getByTestId('result');
    await expect(result).toHaveAttribute('data-played', '6', { timeout: 90_000 });
    const gifOf = async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
      return readFileSync((await download.path())!);
    };
    const first = await gifOf();
    const gif = readGif(first);
    expect([gif.frames.length, gif.width, gif.height]).toEqual([6, 512, 512]);
    expect(meanDiff(frameRgba(gif, 0), frameRgba(gif, 3))).toBeGreaterThan(8); // the prompts' ends differ

    // After a reload the copy is listed again and walks the same GIF, read from the store.
    await page.reload();
    await page.getByTestId('task-walk').click();
    await expect(note).toContainText('Your SD-Turbo: 5 files');
    await page.getByTestId('frames').fill('4');
    await page.getByTestId('run').click();
    await expect(result).toHaveAttribute('data-played', '6', { timeout: 90_000 });
    expect((await gifOf()).equals(first)).toBe(true);

    // A folder whose UNet is damaged replaces the copy (the good UNet leaves the store) and gets a
    // sentence at Run that names the graph and the backend.
    const damaged = path.join(root, 'damaged');
    for (const [p, bytes] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(damaged, p)), { recursive: true });
      writeFileSync(path.join(damaged, p), p === 'unet/model.onnx' ? Buffer.from('not an onnx graph') : bytes);
    }
    await page.getByTestId('walk-own-folder').setInputFiles(damaged);
    await expect(page.getByText("are in this browser's storage: they stay for later visits")).toBeVisible();
    expect((await storedFiles(page)).map((f) => f.name)).not.toContain(createHash('sha256').update(files['unet/model.onnx' as WalkStandinPath]).digest('hex'));
    await page.getByTestId('run').click();
    await expect(page.getByTestId('error')).toContainText('Your SD-Turbo unet graph did not open on WASM: This file is not a model the app can run');
    await expect(page.getByTestId('error')).toContainText('Check that the folder is schmuell/sd-turbo-ort-web');

    // The Models panel lists the copy with its size (so the space it takes can be found) and deletes it;
    // back in the walk view, the copy is gone from the list and the note says why.
    await page.getByTestId('open-models').click();
    const copy = page.getByTestId('own-copy-walk-model');
    await expect(copy).toContainText('SD-Turbo, your files (Latent walk)');
    await expect(copy).toContainText(/5 files copied from your disk · [\d.]+ [KMG]B/);
    await page.getByTestId('delete-own-walk-model').click();
    await expect(copy).toHaveCount(0);
    expect(await storedFiles(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('walk-no-model')).toBeVisible();
    await expect(note).toContainText("no longer in this browser's storage");

    // Copied in again, then deleted from the walk view: the store and the list are empty again.
    await page.getByTestId('walk-own-folder').setInputFiles(folder);
    await expect(note).toContainText('Your SD-Turbo: 5 files', { timeout: 60_000 });
    expect(await storedFiles(page)).toHaveLength(5);
    await page.getByTestId('walk-own-remove').click();
    await expect(page.getByTestId('walk-no-model')).toBeVisible();
    expect(await storedFiles(page)).toEqual([]);
    expect(hub).toEqual([]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
