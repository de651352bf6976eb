/**
 * The caption task end to end, with the ViT-GPT2 stand-ins (scripts/make-caption-standins.mjs)
 * served through the model manager exactly as models.spec.ts serves its stand-in: the built app's
 * served models/manifest.json gets one catalogue entry whose pinned huggingface.co URLs Chromium
 * resolves to a local TLS "hub" (redirect to a CDN host, CORS, byte ranges). The model is
 * downloaded from the Models panel, then a batch of photos is captioned in the page's worker.
 *
 * The stand-in captions photos by their mean grey level: dark -> "a dog on the grass", mid -> "a cat
 * sitting in a café", bright -> "a puppy 🐶 on the beach"; a white photo makes its decoder give NaN.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { CAPTIONS, captionCatalogueStandIn, captionStandinFiles, CATALOGUE_ID, GREY_LEVELS } from '../scripts/make-caption-standins.mjs';
import { Studio } from './studio';
import { CDN_HOST as CDN, CORS, hubBrowser, notFound, sendBytes, startAppWithEntries, startHub, storedFiles } from './hub';

const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
const APP_PORT = Number(process.env.E2E_PORT ?? 4310) + 20;
const HUB_PORT = APP_PORT + 1;

test.use(hubBrowser(HUB_PORT));

const standIn = captionCatalogueStandIn();
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
let hub: Server;
let app: HttpServer;
let hubRequests: string[] = [];

test.beforeAll(async () => {
  const bySha = new Map(standIn.files.map((f) => [sha(f.bytes), f.bytes]));
  const byPath = new Map(Object.entries(standIn.urls).map(([url, bytes]) => [new URL(url).pathname, bytes]));
  // Like the hub: a pinned /resolve/ URL redirects to the content-addressed CDN object, which has CORS and ranges.
  hub = await startHub(HUB_PORT, (req, res, { host, url }) => {
    hubRequests.push(`${host}${url.pathname}`);
    if (host === 'huggingface.co') {
      const bytes = byPath.get(url.pathname);
      if (!bytes) return notFound(res);
      res.writeHead(302, { ...CORS, Location: `https://${CDN}/repos/clipmorph/${sha(bytes)}` });
      return void res.end();
    }
    const bytes = bySha.get(url.pathname.split('/').pop() ?? '');
    if (!bytes) return notFound(res);
    sendBytes(req, res, bytes);
  });
  app = await startAppWithEntries(dist, APP_PORT, [standIn.entry]);
});
test.beforeEach(() => {
  hubRequests = [];
});
test.afterAll(async () => {
  hub?.close();
  app?.close();
});

/** A small PNG of one grey level with some texture (the stand-in reads the mean). */
function greyPng(level: number, width = 64, height = 48): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = Math.max(0, Math.min(255, level + ((i % 9) - 4)));
    png.data.set([v, level, Math.max(0, Math.min(255, level - ((i % 5) - 2))), 255], i * 4);
  }
  return PNG.sync.write(png);
}

const png = (name: string, level: number) => ({ name, mimeType: 'image/png', buffer: greyPng(level) });

async function downloadModel(page: Page): Promise<void> {
  await page.getByTestId('open-models').click();
  await expect(page.getByTestId('models-panel')).toBeVisible();
  await expect(page.getByTestId(`model-${CATALOGUE_ID}`)).toContainText('Tiny ViT-GPT2 (test stand-in)');
  expect(hubRequests).toEqual([]); // nothing is fetched until asked
  await page.getByTestId(`download-model-${CATALOGUE_ID}`).click();
  await expect(page.getByTestId(`model-state-${CATALOGUE_ID}`)).toHaveText(/^On this device/, { timeout: 60_000 });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('models-panel')).toHaveCount(0);
}

async function readDownload(page: Page, testId: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(file!, 'utf8') };
}

test('where the build lists no captioning model, ViT-GPT2 files of your own caption the batch, stay after a reload and can be deleted: unnamed or swapped files get a sentence', async ({ page }) => {
  const files = captionStandinFiles();
  const file = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  await page.goto('/?backend=wasm'); // the plain build: no catalogue model
  await page.getByTestId('task-caption').click();
  await expect(page.getByTestId('caption-no-model')).toBeVisible();
  const own = page.getByTestId('caption-own-files');
  await expect(own).toContainText('vit-gpt2-image-captioning');

  // A graph whose name does not say which it is, beside one that does: refused, and the other kept.
  await page.getByTestId('caption-own-input').setInputFiles([file('model.onnx', files['onnx/encoder_model.onnx']), file('vocab.json', files['vocab.json'])]);
  await expect(page.getByTestId('error')).toContainText('"model.onnx": the name does not say which graph it is');
  await expect(own).toContainText('encoder missing, decoder missing, vocab.json (vocab.json)');
  // The encoder, vocab.json and merges.txt (not needed), then the encoder again where the decoder belongs.
  await page.getByTestId('caption-own-input').setInputFiles([
    file('encoder_model_quantized.onnx', files['onnx/encoder_model.onnx']),
    file('vocab.json', files['vocab.json']),
    file('merges.txt', files['merges.txt']),
  ]);
  await expect(own).toContainText('encoder (encoder_model_quantized.onnx), decoder missing, vocab.json (vocab.json)');
  await page.getByTestId('caption-own-input').setInputFiles([file('decoder_model_merged.onnx', files['onnx/encoder_model.onnx'])]);
  await expect(page.getByTestId('caption-model-state')).toContainText('Your files');
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true); // the model list fits the column
  await page.getByTestId('caption-files').setInputFiles([png('dark.png', GREY_LEVELS.dark), png('mid.png', GREY_LEVELS.mid)]);
  await page.getByTestId('run').click();
  const items = page.getByTestId('caption-item');
  await expect(items.nth(1)).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(items.nth(0).getByTestId('caption-error')).toContainText("Your decoder file is not ViT-GPT2's merged decoder");

  // The real decoder, dropped on the page: replaces the wrong one, and the batch captions.
  await new Studio(page).dropFile('decoder_model_merged.onnx', '', Buffer.from(files['onnx/decoder_model_merged.onnx']));
  await expect(own).toContainText('decoder (decoder_model_merged.onnx)');
  await expect(items).toHaveCount(2); // the model file did not join the photos
  await page.getByTestId('run').click();
  await expect(items.nth(1)).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('caption-text')).toHaveText([CAPTIONS[0], CAPTIONS[1]]);
  await expect(items.nth(0).getByTestId('caption-error')).toHaveCount(0);

  // The three files are in the model store by sha256 (the swapped-in encoder copy shared the
  // encoder's bytes, so nothing else is left there), and still there after a reload.
  await expect(own).toContainText("Kept in this browser's storage.");
  const wanted = [files['onnx/encoder_model.onnx'], files['onnx/decoder_model_merged.onnx'], files['vocab.json']].map(sha).sort();
  expect((await storedFiles(page)).map((f) => f.sha256)).toEqual(wanted);
  expect((await storedFiles(page)).map((f) => f.name)).toEqual(wanted);
  await page.reload();
  await page.getByTestId('task-caption').click();
  await expect(page.getByTestId('caption-model-state')).toContainText('Your files');
  await expect(own).toContainText('encoder (encoder_model_quantized.onnx), decoder (decoder_model_merged.onnx), vocab.json (vocab.json).');
  await page.getByTestId('caption-files').setInputFiles([png('bright.png', GREY_LEVELS.bright)]);
  await page.getByTestId('run').click();
  // (The app also brings back the last photo opened before the reload: the new one is last.)
  await expect(items.last()).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('caption-text').last()).toHaveText(CAPTIONS[2]);

  // Deleting the copy empties the store; the task says there is no model again.
  await page.getByTestId('caption-own-remove').click();
  await expect(page.getByTestId('caption-no-model')).toBeVisible();
  expect(await storedFiles(page)).toEqual([]);
});

test('caption a batch of photos through the model manager: live captions, errors that do not stop the batch, exports, the API', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${APP_PORT}/?backend=wasm`);
  await page.getByTestId('task-caption').click();
  await expect(page.getByTestId('caption-model')).toHaveValue(CATALOGUE_ID);
  await expect(page.getByTestId('caption-model-state')).toContainText('Not on this device yet');
  await downloadModel(page);

  await page.getByTestId('caption-files').setInputFiles([
    png('dark.png', GREY_LEVELS.dark),
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
    png('mid.png', GREY_LEVELS.mid),
    png('white.png', GREY_LEVELS.nan),
    png('bright.png', GREY_LEVELS.bright),
  ]);
  await expect(page.getByTestId('caption-item')).toHaveCount(5);

  // Record every caption text as it changes, to see the captions grow token by token.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { captionsSeen: string[] }).captionsSeen = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-testid="caption-text"]')) if (el.textContent) seen.push(el.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('run').click();
  await expect(page.getByTestId('caption-item').nth(4)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  const texts = page.getByTestId('caption-text');
  await expect(texts).toHaveText([CAPTIONS[0], CAPTIONS[1], CAPTIONS[2]]);
  const items = page.getByTestId('caption-item');
  await expect(items.nth(1)).toHaveAttribute('data-status', 'failed');
  await expect(items.nth(1).getByTestId('caption-error')).toContainText('Could not read "notes.txt" as an image');
  // …shown as a plain "No preview" tile, not a broken image; every image shown decoded.
  await expect(items.nth(1).getByTestId('caption-no-preview')).toBeVisible();
  expect(await items.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth))).not.toContain(0);
  await expect(items.nth(3)).toHaveAttribute('data-status', 'failed');
  await expect(items.nth(3).getByTestId('caption-error')).toContainText('invalid numbers (NaN)');
  for (const i of [0, 2, 4]) await expect(items.nth(i).getByTestId('caption-time')).toHaveText(/^\d+\.\d+ s.* · tiny-vit-gpt2-standin \(fp32\)/);
  const seen = await page.evaluate(() => (window as unknown as { captionsSeen: string[] }).captionsSeen);
  expect(seen).toContain('a dog on the'); // a caption on its way, before its last word
  expect(seen.some((t) => t.includes('\uFFFD'))).toBe(false); // split é and 🐶 never shown half-made
  await expect(page.getByRole('status').or(page.locator('[aria-live="polite"]')).filter({ hasText: 'Captioned 3 of 5 photos' }).first()).toBeVisible();

  // No WCAG 2.1 AA violations in the batch view (names, roles, contrast).
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // A captioned photo's buttons are one family: "Keep in gallery" is as tall as "Copy" beside it.
  const heights = await Promise.all([items.nth(0).getByTestId('gallery-keep'), items.nth(0).getByTestId('caption-copy')].map(async (b) => (await b.boundingBox())!.height));
  expect(Math.abs(heights[0] - heights[1]), `button heights ${heights.join(' vs ')}`).toBeLessThanOrEqual(1);

  // Offered as a file name and as alt text
  await expect(items.nth(2).getByTestId('caption-rename')).toHaveAttribute('download', 'a-cat-sitting-in-a-cafe.png');

  // Edit one caption; the exports carry the edit.
  await items.nth(0).getByTestId('caption-edit-button').click();
  await items.nth(0).getByTestId('caption-edit').fill('a black dog on green grass');
  await items.nth(0).getByTestId('caption-save').click();
  await expect(texts.nth(0)).toHaveText('a black dog on green grass');

  const csv = await readDownload(page, 'export-csv');
  expect(csv.name).toBe('captions.csv');
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines[0]).toBe('file,caption,model,seconds,error');
  expect(lines).toHaveLength(6);
  expect(lines[1]).toMatch(/^dark\.png,a black dog on green grass,tiny-vit-gpt2-standin \(fp32\),\d+\.\d\d,$/);
  expect(lines[2]).toBe('notes.txt,,tiny-vit-gpt2-standin,,"Could not read ""notes.txt"" as an image: it may be damaged, or in a format this browser cannot open. Try a PNG, JPEG or WebP file."');
  expect(lines[4]).toMatch(/^white\.png,,tiny-vit-gpt2-standin,,"The caption model produced invalid numbers \(NaN\)/);
  expect(lines[3]).toMatch(new RegExp(`^mid\\.png,${CAPTIONS[1]},tiny-vit-gpt2-standin \\(fp32\\),\\d+\\.\\d\\d,$`));
  expect(lines[5]).toMatch(new RegExp(`^bright\\.png,${CAPTIONS[2]},`));
  const json = JSON.parse((await readDownload(page, 'export-json')).text);
  expect(json.map((r: { file: string; caption: string }) => [r.file, r.caption])).toEqual([
    ['dark.png', 'a black dog on green grass'],
    ['notes.txt', ''],
    ['mid.png', CAPTIONS[1]],
    ['white.png', ''],
    ['bright.png', CAPTIONS[2]],
  ]);

  // The programmatic API returns the same caption: the module API and the postMessage protocol.
  const fromApi = await page.evaluate(async (level) => {
    const canvas = new OffscreenCanvas(40, 30);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = `rgb(${level},${level},${level})`;
    ctx.fillRect(0, 0, 40, 30);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const direct = await window.clipmorph!.caption!(blob);
    const viaMessage = await new Promise<Record<string, unknown>>((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => resolve(e.data);
      window.postMessage({ type: 'clipmorph:caption', id: 7, image: blob }, '*', [channel.port2]);
    });
    return { direct, viaMessage };
  }, GREY_LEVELS.mid);
  expect(fromApi.direct).toMatchObject({ caption: CAPTIONS[1], model: CATALOGUE_ID, variant: 'fp32', backend: 'wasm', finished: true });
  expect(fromApi.viaMessage).toMatchObject({ type: 'clipmorph:caption-result', id: 7, caption: CAPTIONS[1] });
  // Captioned from this device's copy: the hub saw each file once.
  expect(hubRequests.filter((r) => r.startsWith(CDN))).toHaveLength(4);

  // Offline after the first download: the shell from the service worker, the model from OPFS.
  await expect
    .poll(() => page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.active)), { timeout: 60_000 })
    .toBe(true);
  await page.context().setOffline(true);
  await page.reload();
  await page.getByTestId('task-caption').click();
  await expect(page.getByTestId('caption-model-state')).toContainText('On this device');
  // The reload brought back the shared input (the batch's first photo), which the caption list starts with.
  await expect(page.getByTestId('caption-item')).toHaveCount(1);
  await expect(page.getByTestId('caption-item').first()).toHaveAttribute('data-file', 'dark.png');
  await page.getByTestId('caption-files').setInputFiles([png('offline.png', GREY_LEVELS.dark)]);
  await expect(page.getByTestId('caption-item').nth(1)).toHaveAttribute('data-file', 'offline.png');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('caption-text')).toHaveText([CAPTIONS[0], CAPTIONS[0]], { timeout: 60_000 });
  expect(hubRequests.filter((r) => r.startsWith(CDN))).toHaveLength(4);
  await page.context().setOffline(false);
});

test('on WebGPU the key/value cache stays in GPU buffers from step to step, and the caption is the same', async ({ page }) => {
  test.slow(); // SwiftShader: WebGPU on the CPU
  await page.goto(`http://127.0.0.1:${APP_PORT}/?backend=webgpu`);
  await expect(page.getByText('Runs on WebGPU')).toBeVisible();
  await page.getByTestId('task-caption').click();
  await downloadModel(page);
  const result = await page.evaluate(async (level) => {
    const canvas = new OffscreenCanvas(16, 16);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = `rgb(${level},${level},${level})`;
    ctx.fillRect(0, 0, 16, 16);
    return window.clipmorph!.caption!(await canvas.convertToBlob({ type: 'image/png' }));
  }, GREY_LEVELS.dark);
  expect(result).toMatchObject({ caption: CAPTIONS[0], backend: 'webgpu', finished: true });
  expect(result.steps).toBe(6);
  expect(result.gpuCacheSteps).toBe(result.steps);
  // Beam search: beams are batch rows; reordering them reads the GPU cache back, and the caption is the same.
  const beams = await page.evaluate(async (level) => {
    const canvas = new OffscreenCanvas(16, 16);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = `rgb(${level},${level},${level})`;
    ctx.fillRect(0, 0, 16, 16);
    return window.clipmorph!.caption!(await canvas.convertToBlob({ type: 'image/png' }), { numBeams: 3, maxLength: 8 });
  }, GREY_LEVELS.dark);
  expect(beams).toMatchObject({ caption: CAPTIONS[0], backend: 'webgpu' });

  // Cancel stops the batch (SwiftShader is slow enough to catch it mid-way); captions made stay,
  // and Run again captions only what is left.
  await page.getByTestId('caption-files').setInputFiles([png('one.png', GREY_LEVELS.bright), png('two.png', GREY_LEVELS.dark), png('three.png', GREY_LEVELS.mid)]);
  const items = page.getByTestId('caption-item');
  // Cancel is pressed in the page the moment the first caption is done: a click from here could land
  // after the other two had finished too (the cancel button gone, CI timed out waiting for it).
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      const first = document.querySelector('[data-testid=caption-item]');
      const cancel = document.querySelector<HTMLButtonElement>('[data-testid=cancel]');
      if (first?.getAttribute('data-status') !== 'done' || !cancel) return;
      observer.disconnect();
      cancel.click();
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-status'] });
  });
  await page.getByTestId('run').click();
  await expect(items.nth(0)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.locator('[aria-live="polite"]').filter({ hasText: 'Cancelled.' }).first()).toBeVisible();
  await expect(items.nth(0).getByTestId('caption-text')).toHaveText(CAPTIONS[2]);
  const after = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  expect(after[0]).toBe('done');
  expect(after.slice(1)).not.toContain('running');
  expect(after.slice(1).some((s) => s === 'cancelled' || s === 'queued')).toBe(true);
  await page.getByTestId('run').click();
  await expect(items.nth(2)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('caption-text')).toHaveText([CAPTIONS[2], CAPTIONS[0], CAPTIONS[1]]);
});

test('many photos dropped at once, and a folder picked, join the batch (non-images in a folder are skipped)', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${APP_PORT}/?backend=wasm`);
  await page.getByTestId('task-caption').click();
  // A drop of three files (one not an image): all three join, as the picker would add them.
  await page.evaluate(
    async (files) => {
      const transfer = new DataTransfer();
      for (const f of files) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    [
      { name: 'a.png', type: 'image/png', base64: greyPng(GREY_LEVELS.dark).toString('base64') },
      { name: 'b.png', type: 'image/png', base64: greyPng(GREY_LEVELS.mid).toString('base64') },
      { name: 'c.txt', type: 'text/plain', base64: Buffer.from('text').toString('base64') },
    ],
  );
  const items = page.getByTestId('caption-item');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toHaveAttribute('data-file', 'a.png');
  await expect(page.getByTestId('error')).toHaveCount(0); // the page-wide drop zone did not also try to open them
  await expect(page.getByText('Drop to open')).toHaveCount(0);
  await expect(page.getByTestId('run')).toBeEnabled(); // the first photo became the shared input

  const dir = mkdtempSync(path.join(tmpdir(), 'clipmorph-caption-folder-'));
  mkdirSync(path.join(dir, 'trip'));
  writeFileSync(path.join(dir, 'trip', 'beach.png'), greyPng(GREY_LEVELS.bright));
  writeFileSync(path.join(dir, 'trip', 'night.png'), greyPng(GREY_LEVELS.dark));
  writeFileSync(path.join(dir, 'trip', 'list.txt'), 'not a photo');
  await page.getByTestId('caption-folder').setInputFiles(path.join(dir, 'trip'));
  await expect(items).toHaveCount(5);
  await expect(page.getByText('2 added, 1 non-image file skipped.')).toBeVisible();
  await expect(items.nth(3)).toHaveAttribute('data-file', /^trip\/(beach|night)\.png$/);
});

test('the caption task loads on first use: a photo open in another task joins its batch, and the API answers before the task was ever chosen', async ({ page, browser }) => {
  await page.goto(`http://127.0.0.1:${APP_PORT}/?backend=wasm`);
  // A photo opened in the style task, then Captions chosen: the photo is the batch's first item.
  await page.getByTestId('file-input').setInputFiles(png('opened.png', GREY_LEVELS.mid));
  await expect(page.getByText('opened.png').first()).toBeVisible();
  await expect(page.getByTestId('opening')).toHaveCount(0);
  await page.getByTestId('task-caption').click();
  await expect(page.getByTestId('caption-item')).toHaveCount(1);
  await expect(page.getByTestId('caption-item').first()).toHaveAttribute('data-file', 'opened.png');
  await expect(page.getByTestId('run')).toBeEnabled();

  // A fresh visit that never chooses Captions: the API loads the task's state itself (out of the
  // entry chunk), and an unknown model is named back.
  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto(`http://127.0.0.1:${APP_PORT}/?backend=wasm`);
  await expect(fresh.getByTestId('task-style')).toHaveAttribute('aria-pressed', 'true');
  const error = await fresh.evaluate(async () => {
    const canvas = new OffscreenCanvas(8, 8);
    canvas.getContext('2d')!.fillRect(0, 0, 8, 8);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    return window.clipmorph!.caption!(blob, { model: 'no-such-model' }).then(
      () => 'captioned',
      (e: Error) => e.message,
    );
  });
  expect(error).toBe('clipmorph.caption: no captioning model "no-such-model" in this app\'s catalogue');
  await fresh.context().close();
});
