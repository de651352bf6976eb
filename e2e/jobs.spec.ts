import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { decodePng, encodePng, mediaPath, readPng, rgbDiff, sharedDir, Studio, VideoStudio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

/** A large photo: the 512x512 sample tiled 5x3 with mirroring, 2560x1536. */
function largePhoto() {
  const tile = readPng(mediaPath('kandinsky_in.png'));
  const width = 2560;
  const height = 1536;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const tx = Math.floor(x / 512) % 2 ? 511 - (x % 512) : x % 512;
      const ty = Math.floor(y / 512) % 2 ? 511 - (y % 512) : y % 512;
      data.set(tile.data.subarray((ty * 512 + tx) * 4, (ty * 512 + tx) * 4 + 4), (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

test('a large photo at original size is processed in tiles with progress, and cancel leaves the app usable', async ({ page }) => {
  const big = largePhoto();
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'large.png', mimeType: 'image/png', buffer: encodePng(big) });
  await page.getByLabel('Original').check();

  // First run: cancel as soon as tiles are being processed.
  await studio.run();
  const progress = page.getByTestId('progress');
  await expect(progress).toHaveAttribute('role', 'progressbar');
  await expect(page.getByText(/Stylising: tile \d+ of 6/)).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('cancel').click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  await expect(progress).toHaveCount(0);

  // Second run completes at full size, every tile stylised.
  await studio.run();
  await expect(page.getByText(/Stylising: tile \d+ of 6/)).toBeVisible({ timeout: 120_000 });
  const result = await studio.waitForResult(170_000);
  await expect(result).toContainText('in 6 tiles');
  const out = decodePng((await studio.download()).bytes);
  expect([out.width, out.height]).toEqual([2560, 1536]);
  expect(rgbDiff(out, big).mean).toBeGreaterThan(15);
});

test('Run waits while a newly chosen video is being opened, instead of running the photo it replaces', async ({ page }) => {
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(mediaPath('kandinsky_in.png'));
  const run = page.getByTestId('run');
  await expect(run).toBeEnabled();
  // Hold the video worker's probe until the test lets it go (a big file or a first ffmpeg.wasm load takes seconds).
  await page.evaluate(() => {
    const w = window as unknown as { releaseProbe: () => void };
    const held: Array<() => void> = [];
    w.releaseProbe = () => held.splice(0).forEach((send) => send());
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
      const send = () => (post as (...a: unknown[]) => void).call(this, message, ...rest);
      if ((message as { method?: string } | null)?.method === 'probeVideo') held.push(send);
      else send();
    } as typeof Worker.prototype.postMessage;
  });
  await studio.chooseFile(mediaPath('ski.mov'));
  await expect(page.getByTestId('opening')).toHaveText('Stylise waits until “ski.mov” is open.');
  await expect(run).toBeDisabled();
  await expect(page.getByTestId('video-info')).toHaveCount(0); // the photo is still the input meanwhile
  await page.evaluate(() => (window as unknown as { releaseProbe: () => void }).releaseProbe());
  await studio.waitForVideo('webcodecs');
  await expect(page.getByTestId('opening')).toHaveCount(0);
  await expect(run).toBeEnabled();
});
