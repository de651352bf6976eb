/**
 * The on-device gallery (issue 15): a result kept with one click stays across a reload and an
 * offline reload, downloads under the name it had, is deleted, and is never uploaded; Copy image
 * puts the PNG on the clipboard; a style morph GIF is kept too and Clear all asks first; an orphan
 * blob from an interrupted keep is swept at startup.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:https';
import { walkCatalogueStandIn, type WalkStandinPath } from '../scripts/make-walk-standins.mjs';
import { readGif } from '../src/media/encode/gif-reader';
import { hubBrowser, notFound, sendBytes, startAppWithEntries, startHub } from './hub';
import { blendModel, styleModels } from './reference';
import { decodePng, rgbDiff, sharedDir, smallPhoto, Studio, VideoStudio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

// The walk test downloads the SD-Turbo stand-ins from a local hub (as e2e/walk.spec.ts does).
const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
const APP_PORT = Number(process.env.E2E_PORT ?? 4310) + 1300;
const HUB_PORT = APP_PORT + 1;
test.use(hubBrowser(HUB_PORT));

interface Sent {
  method: string;
  url: string;
  body: number;
}

/** Every http(s) request of the context: method, URL and body size. */
function recordRequests(context: BrowserContext): Sent[] {
  const sent: Sent[] = [];
  context.on('request', (r) => {
    if (r.url().startsWith('http')) sent.push({ method: r.method(), url: r.url(), body: r.postDataBuffer()?.length ?? 0 });
  });
  return sent;
}

async function openGallery(page: Page) {
  await page.getByTestId('open-gallery').click();
  const gallery = page.getByTestId('gallery');
  await expect(gallery).toBeVisible();
  return gallery;
}

async function closeGallery(page: Page) {
  await page.getByTestId('gallery').getByRole('button', { name: 'Close' }).first().click();
  await expect(page.getByTestId('gallery')).toBeHidden();
}

async function galleryDownload(page: Page, index = 0): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('gallery-download').nth(index).click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

async function waitForPrecache(page: Page) {
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const registration = await navigator.serviceWorker.ready;
          const channel = new MessageChannel();
          const reply = new Promise<Array<{ cached: boolean }>>((resolve) => (channel.port1.onmessage = (e) => resolve(e.data)));
          registration.active!.postMessage({ type: 'PRECACHE_STATUS' }, [channel.port2]);
          return (await reply).every((e) => e.cached);
        }),
      { timeout: 120_000 },
    )
    .toBe(true);
}

test('a kept photo survives a reload and an offline reload, downloads under its name, copies as PNG, is deleted, and nothing is uploaded', async ({ context, page }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const sent = recordRequests(context);
  const { png } = smallPhoto(64, 48);
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: png });
  await studio.chooseStyle(styleModels[0].id);
  await studio.run();
  await studio.waitForResult();
  const result = await studio.download();
  expect(result.name).toBe(`small-${styleModels[0].id}.png`);

  // Copy image: the clipboard holds a PNG of the result's pixels.
  await page.getByTestId('copy-image').click();
  await expect(page.getByRole('status').filter({ hasText: 'Image copied to the clipboard.' })).toBeVisible();
  const clipboard = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    return { types: item.types, bytes: Array.from(new Uint8Array(await (await item.getType('image/png')).arrayBuffer())) };
  });
  expect(clipboard.types).toContain('image/png');
  const copied = decodePng(Buffer.from(clipboard.bytes));
  expect([copied.width, copied.height]).toEqual([64, 48]);
  expect(rgbDiff(copied, decodePng(result.bytes)).max).toBeLessThanOrEqual(1);
  // No share sheet in headless Linux Chromium: the button is hidden, the download is the way out.
  const canShare = await page.evaluate(() => typeof navigator.canShare === 'function' && typeof navigator.share === 'function');
  await expect(page.getByTestId('share')).toHaveCount(canShare ? 1 : 0);

  // Keep it: one click, then the button says so.
  const keep = page.getByTestId('gallery-keep');
  await keep.click();
  await expect(keep).toHaveAttribute('data-state', 'kept');
  await expect(keep).toHaveText('Kept in gallery');
  await expect(keep).toBeDisabled();
  await expect(page.getByTestId('open-gallery')).toHaveText('Gallery (1)');

  let gallery = await openGallery(page);
  const item = gallery.getByTestId('gallery-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-file', result.name);
  await expect(item).toHaveAttribute('data-task', 'style');
  await expect(item).toHaveAttribute('data-bytes', String(result.bytes.length));
  await expect(item).toContainText('Style transfer');
  await expect(item).toContainText(`style: ${styleModels[0].title}`);
  await expect(page.getByRole('list', { name: 'Kept results' }).getByRole('listitem', { name: result.name })).toHaveCount(1);
  const usage = page.getByTestId('gallery-usage');
  await expect(usage).toContainText('1 item');
  await expect(usage).toContainText(/this site uses .+ of .+ available/);
  expect(Number(await usage.getAttribute('data-bytes'))).toBeGreaterThan(result.bytes.length); // the file and its thumbnail
  // The thumbnail is a real picture at most 160 px a side.
  const thumb = item.locator('img').first();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  // Opened, it shows the file itself; the download is byte for byte the result, under its name.
  await item.getByRole('button', { name: `Open ${result.name}` }).click();
  await expect.poll(() => page.getByTestId('gallery-preview').locator('img').evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(48);
  const fromGallery = await galleryDownload(page);
  expect(fromGallery.name).toBe(result.name);
  expect(fromGallery.bytes.equals(result.bytes)).toBe(true);
  const { violations } = await new AxeBuilder({ page }).include('[data-testid=gallery]').withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  await page.keyboard.press('Escape'); // a modal dialog: Esc closes it, focus returns to the button
  await expect(page.getByTestId('gallery')).toBeHidden();
  await expect(page.getByTestId('open-gallery')).toBeFocused();

  // A reload keeps it.
  await page.reload();
  gallery = await openGallery(page);
  await expect(gallery.getByTestId('gallery-item')).toHaveCount(1);
  await closeGallery(page);

  // Offline, after the app shell is cached: still there, and still downloads.
  await waitForPrecache(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
  gallery = await openGallery(page);
  await expect(gallery.getByTestId('gallery-item')).toHaveAttribute('data-file', result.name);
  expect((await galleryDownload(page)).bytes.equals(result.bytes)).toBe(true);

  // Delete: gone now and after another (offline) reload.
  await gallery.getByTestId('gallery-delete').click();
  await expect(gallery.getByTestId('gallery-item')).toHaveCount(0);
  await expect(page.getByTestId('gallery-usage')).toContainText('0 items');
  await page.reload();
  gallery = await openGallery(page);
  await expect(page.getByTestId('gallery-usage')).toContainText('0 items');
  await expect(gallery.getByTestId('gallery-item')).toHaveCount(0);
  await context.setOffline(false);

  // Nothing left the page: only GETs, without bodies, to the app's own origin.
  const origin = new URL(page.url()).origin;
  expect(sent.filter((r) => r.method !== 'GET' || r.body > 0 || new URL(r.url).origin !== origin)).toEqual([]);
});

test('a style morph GIF is kept as an animated GIF; Clear all asks first; an interrupted keep is swept at startup', async ({ page }) => {
  test.skip(!blendModel, 'the manifest has no style-blend model');
  const [first, second] = [styleModels[0].id, styleModels[2].id];
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: smallPhoto(64, 48).png });
  await studio.chooseStyle(first);
  await studio.blend(second, 50);
  await studio.morph();
  await studio.waitForResult(60_000);
  await page.getByTestId('gallery-keep').click();
  await expect(page.getByTestId('gallery-keep')).toHaveAttribute('data-state', 'kept');
  await expect(page.getByTestId('copy-image')).toHaveCount(0); // an animation is not copied as a still

  // An interrupted keep: a blob written without its record (the tab closed in between).
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('clipmorph-gallery');
        req.onsuccess = () => {
          const tx = req.result.transaction('blobs', 'readwrite');
          tx.objectStore('blobs').put(new Blob([new Uint8Array(1000)], { type: 'image/png' }), 'orphan');
          tx.oncomplete = () => (req.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  await page.reload();
  const blobKeys = () =>
    page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const req = indexedDB.open('clipmorph-gallery');
          req.onsuccess = () => {
            const keys = req.result.transaction('blobs').objectStore('blobs').getAllKeys();
            keys.onsuccess = () => (req.result.close(), resolve(keys.result.map(String)));
          };
        }),
    );
  await expect(page.getByTestId('open-gallery')).toHaveText('Gallery (1)');
  await expect.poll(blobKeys).toHaveLength(1);
  expect(await blobKeys()).not.toContain('orphan');

  const gallery = await openGallery(page);
  const item = gallery.getByTestId('gallery-item');
  await expect(item).toHaveAttribute('data-file', `small-${first}+${second}-morph.gif`);
  await expect(item).toContainText('animated GIF');
  const gif = await galleryDownload(page);
  expect(gif.bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
  await item.getByRole('button', { name: /^Open / }).click();
  await expect(page.getByTestId('gallery-preview').locator('img')).toHaveAttribute('src', /^blob:/);

  // Clear all asks first: "Keep them" keeps them, "Delete all" empties the gallery.
  await gallery.getByTestId('gallery-clear').click();
  await expect(gallery.getByRole('group', { name: 'Confirm clear all' })).toContainText('Delete all 1 item from this device?');
  await gallery.getByRole('button', { name: 'Keep them' }).click();
  await expect(gallery.getByTestId('gallery-item')).toHaveCount(1);
  await gallery.getByTestId('gallery-clear').click();
  await gallery.getByTestId('gallery-clear-confirm').click();
  await expect(gallery.getByTestId('gallery-item')).toHaveCount(0);
  await expect(page.getByTestId('gallery-usage')).toContainText('0 items, 0 KB');
  await expect(gallery.getByTestId('gallery-clear')).toBeDisabled();
  await expect.poll(blobKeys).toEqual([]);
});

test('a stylised video is kept as a video: its thumbnail is its first frame, and it plays from the gallery', async ({ page }) => {
  const clip = path.join(test.info().outputPath(), 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=10:duration=1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-y', clip]);
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(clip);
  await studio.waitForVideo('webcodecs');
  await studio.chooseStyle(styleModels[0].id);
  await studio.chooseFormat('mp4');
  await studio.run();
  await studio.waitForResult();
  const name = await page.getByTestId('download').getAttribute('download');
  await expect(page.getByTestId('copy-image')).toHaveCount(0); // a video is not copied as a still
  await page.getByTestId('gallery-keep').click();
  await expect(page.getByTestId('gallery-keep')).toHaveAttribute('data-state', 'kept');
  const gallery = await openGallery(page);
  const item = gallery.getByTestId('gallery-item');
  await expect(item).toHaveAttribute('data-file', name!);
  await expect(item).toContainText('video');
  await expect(item).toContainText('format: mp4');
  await expect.poll(() => item.locator('img').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await item.getByRole('button', { name: `Open ${name}` }).click();
  const video = page.getByTestId('gallery-preview').locator('video');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.duration)).toBeCloseTo(1, 0);
  await gallery.getByTestId('gallery-delete').click();
  await expect(gallery.getByTestId('gallery-item')).toHaveCount(0);
});

test('a latent walk GIF is kept with its prompts, seed and frame count', async ({ page }) => {
  const { entry, files, prefix } = walkCatalogueStandIn();
  const hub: Server = await startHub(HUB_PORT, (req, res, { url: { pathname } }) => {
    const file = pathname.startsWith(prefix) ? files[pathname.slice(prefix.length) as WalkStandinPath] : undefined;
    if (!file) return notFound(res);
    sendBytes(req, res, file);
  });
  const app: HttpServer = await startAppWithEntries(dist, APP_PORT, [entry]);
  try {
    await page.goto(`http://127.0.0.1:${APP_PORT}/?backend=wasm`);
    await page.getByTestId('task-walk').click();
    await page.getByTestId('prompt-a').fill('a red cat');
    await page.getByTestId('prompt-b').fill('a blue forest');
    await page.getByTestId('frames').fill('4');
    await page.getByTestId('ping-pong').uncheck();
    await page.getByTestId('accept-licence').click();
    await page.getByTestId('run').click();
    await expect(page.getByTestId('result')).toHaveAttribute('data-frames', '4', { timeout: 150_000 });
    const name = 'a-red-cat-to-a-blue-forest.gif';
    await expect(page.getByTestId('download')).toHaveAttribute('download', name);
    await page.getByTestId('gallery-keep').click();
    await expect(page.getByTestId('gallery-keep')).toHaveAttribute('data-state', 'kept');
    const gallery = await openGallery(page);
    const item = gallery.getByTestId('gallery-item');
    await expect(item).toHaveAttribute('data-task', 'walk');
    await expect(item).toHaveAttribute('data-file', name);
    await expect(item).toContainText('Latent walk');
    await expect(item).toContainText('promptA: a red cat · promptB: a blue forest · frames: 4 · pingPong: no · seed: 42');
    const kept = await galleryDownload(page);
    expect(kept.name).toBe(name);
    const gif = readGif(kept.bytes);
    expect([gif.frames.length, gif.width, gif.height, gif.globalPalette !== null]).toEqual([4, 512, 512, true]);
  } finally {
    hub.close();
    app.close();
  }
});
