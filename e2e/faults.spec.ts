/**
 * Faults in the middle of a job (issue 16): the WebGPU device lost, memory running out, cancel at
 * several points, and a reload: each ends in a finished result or a clear sentence, the worker that
 * failed is replaced, and the next job works.
 *
 * The faults are made by the test, inside the real worker (Playwright evaluates in it), with nothing
 * in the app's code that exists only for tests: `GPUDevice.destroy()` on ORT's own device, and a
 * Float32Array constructor that refuses large allocations as an exhausted heap does.
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { styleModels } from './reference';
import { decodePng, encodePng, probeMedia, rgbDiff, Studio, VideoStudio } from './studio';

/** A synthetic photo (no shared media needed). */
function gradientPng(width: number, height: number): Buffer {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i % width) % 256, Math.floor(i / width) % 256, (i * 7) % 256, 255], i * 4);
  return encodePng({ data, width, height });
}

/** The app's task workers (not ORT's own thread workers, which may be blocked in Atomics.wait and never answer). */
function taskWorkers(page: Page): Worker[] {
  return page.workers().filter((w) => /\/task\.worker[^/]*\.js$/.test(w.url()));
}

/** The page's task worker called `name` ('photo' or 'video'), once it runs. */
async function taskWorker(page: Page, name: string): Promise<Worker> {
  let found: Worker | undefined;
  await expect
    .poll(async () => {
      for (const w of taskWorkers(page)) if ((await w.evaluate(() => self.name).catch(() => null)) === name) found = w;
      return found !== undefined;
    })
    .toBe(true);
  return found!;
}

/** Names of the task workers alive now. */
async function liveWorkers(page: Page): Promise<string[]> {
  const names = await Promise.all(taskWorkers(page).map((w) => w.evaluate(() => self.name).catch(() => null)));
  return names.filter((n): n is string => n !== null).sort();
}

test('the WebGPU device lost in the middle of a photo job: the job finishes on WASM, and the next one too', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=webgpu');
  await expect(page.getByText('Runs on WebGPU')).toBeVisible();
  await studio.chooseFile({ name: 'tiny.png', mimeType: 'image/png', buffer: gradientPng(40, 24) });
  await studio.run();
  await studio.waitForResult(150_000);
  await expect(page.getByText(/Done in [\d.]+ s on WEBGPU/)).toBeVisible();
  const first = decodePng((await studio.download()).bytes);
  const firstVariant = await page.getByTestId('result').getAttribute('data-variant');

  // ORT's device is destroyed at its next command encoder: inside the next run, mid-job.
  const photo = await taskWorker(page, 'photo');
  await photo.evaluate(() => {
    const proto = GPUDevice.prototype as GPUDevice & { __armed?: boolean };
    const create = proto.createCommandEncoder;
    proto.__armed = true;
    proto.createCommandEncoder = function (this: GPUDevice, ...args: Parameters<GPUDevice['createCommandEncoder']>) {
      if ((proto as { __armed?: boolean }).__armed) {
        (proto as { __armed?: boolean }).__armed = false;
        this.destroy();
      }
      return create.apply(this, args);
    };
  });
  await studio.run();
  await studio.waitForResult(150_000);
  await expect(page.getByText(/on WASM \(the GPU stopped responding, so this ran again on WASM\)/)).toBeVisible();
  await expect(page.getByText('Runs on WASM (CPU)')).toBeVisible();
  await expect(studio.error()).toHaveCount(0);
  const second = decodePng((await studio.download()).bytes);
  expect([second.width, second.height]).toEqual([40, 24]);
  // The same style on the other backend, in the variant WASM prefers (models/manifest.json).
  const modelId = await page.getByTestId('result').getAttribute('data-model');
  const style = styleModels.find((m) => m.id === modelId);
  const secondVariant = await page.getByTestId('result').getAttribute('data-variant');
  expect(secondVariant).toBe(style?.preferred.wasm);
  const diff = rgbDiff(first, second);
  if (secondVariant === 'int8' && firstVariant !== 'int8') {
    // WASM runs the style's int8 file where one ships: the same picture within the tolerance it
    // shipped under (training/quantize_int8.py: mean abs diff <= 0.01 of the range).
    expect(diff.mean).toBeLessThanOrEqual(0.01 * 255);
  } else {
    // The same file on the other backend: the same picture within rounding.
    expect(diff.max).toBeLessThanOrEqual(3);
  }
  // The worker whose device was lost was replaced, not reused.
  expect(await photo.evaluate(() => 1).catch(() => 'closed')).toBe('closed');

  await studio.run();
  await studio.waitForResult();
  await expect(page.getByText(/^Done in [\d.]+ s on WASM$/)).toBeVisible();
});

test('the WebGPU device lost in the middle of a video job: the video finishes on WASM with every frame and the audio', async ({ page }, info) => {
  // 12 frames at 10 fps (1.2 s) of 128x72 H.264 with AAC: tiny, as WebGPU here is SwiftShader.
  const clip = info.outputPath('lost.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=128x72:rate=10:duration=1.2', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1.2',
    '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-g', '4', '-c:a', 'aac', '-shortest', '-y', clip]);
  const source = probeMedia(clip);
  expect([source.frames, source.audioCodec]).toEqual([12, 'aac']);
  const studio = new VideoStudio(page);
  await studio.open('backend=webgpu');
  await expect(page.getByText('Runs on WebGPU')).toBeVisible();
  await studio.chooseFile(clip);
  await studio.waitForVideo('webcodecs');
  await studio.chooseFormat('mp4');

  // Armed from the page once the job is part-way (frame 2 or later of 12): ORT's device is destroyed
  // at its next command encoder, in the middle of the frames.
  const video = await taskWorker(page, 'video');
  await video.evaluate(() => {
    const proto = GPUDevice.prototype as GPUDevice & { __armed?: boolean };
    const create = proto.createCommandEncoder;
    proto.createCommandEncoder = function (this: GPUDevice, ...args: Parameters<GPUDevice['createCommandEncoder']>) {
      if ((proto as { __armed?: boolean }).__armed) {
        (proto as { __armed?: boolean }).__armed = false;
        this.destroy();
      }
      return create.apply(this, args);
    };
  });
  const started = Date.now();
  await studio.run();
  await expect(page.getByText(/frame ([2-9]|1[01]) of 12/)).toBeVisible({ timeout: 150_000 });
  await video.evaluate(() => ((GPUDevice.prototype as GPUDevice & { __armed?: boolean }).__armed = true));
  await studio.waitForResult(150_000);
  await expect(page.getByText(/^Done: 12 frames at [\d.]+ fps on WASM, with the original audio \(the GPU stopped responding, so this ran again on WASM\)$/)).toBeVisible();
  await expect(page.getByText('Runs on WASM (CPU)')).toBeVisible();
  await expect(studio.error()).toHaveCount(0);
  console.log(`video job with the device lost part-way: done on WASM after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // The worker whose device was lost was replaced, not reused.
  expect(await video.evaluate(() => 1).catch(() => 'closed')).toBe('closed');

  const saved = await studio.saveDownload(info.outputPath());
  const out = probeMedia(saved.file);
  expect([out.videoCodec, out.width, out.height, out.frames]).toEqual(['h264', 128, 72, 12]);
  expect(Math.abs(out.duration - source.duration)).toBeLessThanOrEqual(0.1);
  expect(out.audioCodec).not.toBeNull();
});

/** Opens `file`; the alert must show `message` once its bound of `bound` s has passed, and within 15 s of it. */
async function expectAlertAfter(studio: VideoStudio, file: Parameters<VideoStudio['chooseFile']>[0], message: string, bound: number, what: string) {
  const started = Date.now();
  await studio.chooseFile(file);
  await expect(studio.error()).toContainText(message, { timeout: (bound + 30) * 1000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`${what}: alert after ${seconds.toFixed(1)} s (bound ${bound} s)`);
  expect(seconds).toBeGreaterThanOrEqual(bound - 1);
  expect(seconds).toBeLessThan(bound + 15);
}

/** MPEG-4 Part 2 in AVI, which only ffmpeg.wasm reads: 8 frames at 10 fps, 96x64, with sound. */
function tinyAvi(file: string): Buffer {
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=10:duration=0.8', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.8',
    '-c:v', 'mpeg4', '-q:v', '4', '-c:a', 'pcm_s16le', '-shortest', '-y', file]);
  return readFileSync(file);
}

test.describe('without the service worker, so the page routes the core\'s request', () => {
  test.use({ serviceWorkers: 'block' });
  test('the ffmpeg.wasm core download stalls: the alert says so within its bound, and the next open downloads it', async ({ context, page }, info) => {
    const bytes = tinyAvi(info.outputPath('clip.avi'));
    let hold = true;
    // A dead connection: the request is never answered while `hold` is on.
    await context.route('**/ffmpeg/ffmpeg-core.wasm', (route) => (hold ? undefined : route.continue()));
    const studio = new VideoStudio(page);
    await studio.open('backend=wasm');
    await expectAlertAfter(
      studio,
      { name: 'first.avi', mimeType: 'video/x-msvideo', buffer: bytes },
      'This video needs the app\'s video decoder (ffmpeg.wasm, about 31 MB), and the download stopped (nothing arrived for 30 s after 0 bytes). Check the connection and open the video again; once downloaded, it is kept for offline use.',
      30,
      'ffmpeg.wasm core download stalled',
    );
    hold = false;
    await studio.chooseFile({ name: 'again.avi', mimeType: 'video/x-msvideo', buffer: bytes });
    await studio.waitForVideo('ffmpeg', 120_000);
    await expect(page.getByTestId('video-info')).toContainText('again.avi: 96×64, 0.8 s;');
    await expect(studio.error()).toHaveCount(0);
  });

  test('a task whose code cannot download (offline, or a deployment that removed the old files) says so; the other tasks keep working and Reload brings it back', async ({ context, page }) => {
    const studio = new Studio(page);
    await studio.open('backend=wasm');
    await studio.chooseFile({ name: 'photo.png', mimeType: 'image/png', buffer: gradientPng(96, 64) });
    await expect(page.getByText('Current:')).toContainText('photo.png');
    await studio.run(); // the style task's worker and model, loaded while online
    await studio.waitForResult();
    // From now on every script the page asks for fails, as on a dropped connection.
    let offline = true;
    await context.route('**/assets/*.js', (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
    await page.getByTestId('task-depth').click();
    const alert = page.getByTestId('task-load-error');
    await expect(alert).toHaveText(/^Depth map could not be loaded: part of the app did not download\. Check the connection and reload the page/);
    await expect(alert).toHaveRole('alert');
    // A header dialog whose code cannot download says so in the page's alert and stays closed.
    await page.getByTestId('open-gallery').click();
    await expect(studio.error()).toHaveText(/^The gallery could not be loaded: part of the app did not download\./);
    await expect(page.getByTestId('open-gallery')).toHaveAttribute('aria-expanded', 'false');
    await page.getByRole('button', { name: 'Dismiss error' }).click();
    // The header, the switcher and the style task (already loaded) still work: another style, run.
    await page.getByTestId('task-style').click();
    await expect(alert).toHaveCount(0);
    await page.getByRole('radiogroup', { name: 'Style', exact: true }).getByRole('radio').nth(1).click();
    await studio.run();
    await expect(page.getByTestId('download')).toHaveAttribute('download', /scream/);
    await expect(studio.error()).toHaveCount(0);
    // Back online, Reload brings the depth task (and the photo) back.
    offline = false;
    await page.getByTestId('task-depth').click();
    await page.getByTestId('task-reload').click();
    await expect(page.getByRole('heading', { name: 'Depth map' })).toBeVisible();
    await expect(page.getByText('Current:')).toContainText('photo.png');
    await expect(page.getByTestId('task-load-error')).toHaveCount(0);
  });
});

test('an AVI whose header claims 2^32 frames: the duration is measured, the job counts the real frames, the output is whole', async ({ page }, info) => {
  // tinyAvi's 8 frames; then the header's frame counts (avih dwTotalFrames, the video strh dwLength)
  // say 4294967295, as a damaged file once did: ffmpeg reads a duration of 429496729.5 s.
  const bytes = tinyAvi(info.outputPath('clip.avi'));
  const avih = bytes.indexOf('avih');
  const strh = bytes.indexOf('strh');
  expect(bytes.toString('latin1', strh + 8, strh + 12)).toBe('vids');
  bytes.writeUInt32LE(0xffffffff, avih + 8 + 16);
  bytes.writeUInt32LE(0xffffffff, strh + 8 + 32);
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'bogus.avi', mimeType: 'video/x-msvideo', buffer: bytes });
  await studio.waitForVideo('ffmpeg', 120_000);
  await expect(page.getByTestId('video-info')).toContainText('bogus.avi: 96×64, 0.8 s;');
  // Every "frame n of N" the job bar shows while it runs.
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { seenDetails: string[] }).seenDetails = []);
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[aria-live="polite"]')) if (/frame \d+ of/.test(el.textContent ?? '')) seen.push(el.textContent ?? '');
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await studio.chooseFormat('mp4');
  await studio.run();
  await studio.waitForResult();
  const details = await page.evaluate(() => (window as unknown as { seenDetails: string[] }).seenDetails);
  const totals = details.map((d) => Number(/frame \d+ of (\d+)/.exec(d)![1]));
  console.log(`bogus.avi: totals shown ${[...new Set(totals)].join(', ')}`);
  expect(totals.length).toBeGreaterThan(0);
  for (const total of totals) expect(total).toBe(8);
  await expect(studio.error()).toHaveCount(0);
  const out = probeMedia((await studio.saveDownload(info.outputPath())).file);
  expect([out.width, out.height, out.frames]).toEqual([96, 64, 8]);
  expect(out.audioCodec).not.toBeNull();
});

test('ffmpeg.wasm hung inside its own worker while opening a file: the specific alert within its bound, the worker ended, the next file runs', async ({ page }, info) => {
  const bytes = tinyAvi(info.outputPath('clip.avi'));
  /** ffmpeg.wasm's own worker (bundled as worker-<hash>.js), started by the video task worker. */
  const ffmpegWorkers = () => page.workers().filter((w) => /\/worker-[^/]*\.js$/.test(w.url()));
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'first.avi', mimeType: 'video/x-msvideo', buffer: bytes });
  await studio.waitForVideo('ffmpeg', 120_000);
  await expect.poll(() => ffmpegWorkers().length).toBe(1);
  const core = ffmpegWorkers()[0];
  let coreClosed = false;
  core.on('close', () => (coreClosed = true));

  // A real hang of the real core: its worker's next ffmpeg run spins forever and says nothing (as a
  // decoder stuck in a loop would), while the app's task worker keeps answering its heartbeat.
  await core.evaluate(() => {
    const scope = self as unknown as { onmessage: (event: MessageEvent<{ type: string }>) => unknown };
    const handle = scope.onmessage;
    scope.onmessage = (event) => {
      if (event.data.type === 'EXEC') for (;;);
      return handle.call(scope, event);
    };
  });
  await expectAlertAfter(
    studio,
    { name: 'stuck.avi', mimeType: 'video/x-msvideo', buffer: bytes },
    'ffmpeg.wasm stopped responding while reading "stuck.avi" (nothing for 15 s), so it was stopped. Try the original file, or re-save it as MP4.',
    15,
    'ffmpeg.wasm hang while opening',
  );
  // The hung core was terminated, no ffmpeg worker is left, and what was loaded stays loaded.
  await expect.poll(() => coreClosed).toBe(true);
  await expect.poll(() => ffmpegWorkers().length).toBe(0);
  await expect(page.getByTestId('video-info')).toContainText('first.avi');

  // The next file gets a fresh core and runs through ffmpeg.wasm, audio kept.
  await studio.chooseFile({ name: 'next.avi', mimeType: 'video/x-msvideo', buffer: bytes });
  await expect(page.getByTestId('video-info')).toContainText('next.avi', { timeout: 120_000 });
  await studio.waitForVideo('ffmpeg');
  await expect(studio.error()).toHaveCount(0);
  await studio.chooseFormat('mp4');
  await studio.run();
  await studio.waitForResult();
  await expect(page.getByText(/^Done: 8 frames at [\d.]+ fps on WASM, with the original audio$/)).toBeVisible();
  const out = probeMedia((await studio.saveDownload(info.outputPath())).file);
  expect([out.width, out.height, out.frames]).toEqual([96, 64, 8]);
  expect(out.audioCodec).not.toBeNull();
  expect(ffmpegWorkers()).toHaveLength(1);
});

test('a frame too large for memory says so and suggests a smaller processing size; the smaller one works', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: gradientPng(48, 32) });
  await studio.run();
  await studio.waitForResult();
  // From now on the photo worker's heap refuses any float buffer over 3 M values (12 MB).
  const photo = await taskWorker(page, 'photo');
  await photo.evaluate(() => {
    const Native = Float32Array;
    (self as unknown as { Float32Array: unknown }).Float32Array = new Proxy(Native, {
      construct(target, args: unknown[]) {
        if (typeof args[0] === 'number' && args[0] > 3_000_000) throw new RangeError('Array buffer allocation failed');
        return Reflect.construct(target, args) as object;
      },
    });
  });
  await studio.chooseFile({ name: 'big.png', mimeType: 'image/png', buffer: gradientPng(1600, 1200) });
  await page.getByLabel('Original').check();
  await studio.run();
  await expect(studio.error()).toContainText('too large for the memory this device can give the app (Array buffer allocation failed)');
  await expect(studio.error()).toContainText('Choose a smaller processing size');
  await expect(page.getByTestId('progress')).toHaveCount(0);

  await page.getByLabel('512 px').check();
  await studio.run();
  await studio.waitForResult();
  await expect(studio.error()).toHaveCount(0);
  const out = decodePng((await studio.download()).bytes);
  expect([out.width, out.height]).toEqual([512, 384]);
});

test('cancel at several points of a photo and a video job ends the worker each time; the next jobs work', async ({ page }, info) => {
  const clip = info.outputPath('clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=25:duration=1.2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-y', clip]);
  // Task workers that ended (a worker cancelled before it answered has no name to read: count them all).
  let ended = 0;
  page.on('worker', (w) => {
    if (/\/task\.worker[^/]*\.js$/.test(w.url())) w.on('close', () => ended++);
  });
  /**
   * After a cancel, the job's worker ends: its close is seen, or no task worker is left at all (a worker
   * terminated while it was still starting may never have been reported to the test: a fresh-clone CI
   * run once saw no 'worker' event for the first cancel).
   */
  const workerEnded = async (before: number) => {
    await expect.poll(() => ended > before || taskWorkers(page).length === 0).toBe(true);
    return ended;
  };
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'wide.png', mimeType: 'image/png', buffer: gradientPng(1200, 800) });
  await page.getByLabel('Original').check();

  // Photo, 1: at once (the worker is still starting and loading the model).
  await studio.run();
  await page.getByTestId('cancel').click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  let seen = await workerEnded(ended);
  // Photo, 2: between tiles.
  await studio.run();
  await expect(page.getByText(/Stylising: tile \d+ of \d+/)).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('cancel').click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  seen = await workerEnded(seen);
  expect(await liveWorkers(page)).not.toContain('photo');

  // Video, 1: while the model starts; 2: between frames.
  await studio.chooseFile(clip);
  await expect(page.getByTestId('video-info')).toBeVisible({ timeout: 60_000 });
  await studio.run();
  await page.getByTestId('cancel').click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  seen = await workerEnded(seen);
  await studio.run();
  await expect(page.getByText(/frame [1-9]\d* of 30/)).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('cancel').click();
  await expect(page.getByText('Cancelled.')).toBeVisible();
  await workerEnded(seen);
  // Every cancelled job's worker is gone: no task worker is left running.
  expect(await liveWorkers(page)).toEqual([]);

  // And the next jobs work: the whole clip, then a photo.
  await studio.run();
  await studio.waitForResult();
  await expect(page.getByText(/Done: 30 frames/)).toBeVisible();
  await studio.chooseFile({ name: 'small.png', mimeType: 'image/png', buffer: gradientPng(64, 40) });
  await studio.run();
  await studio.waitForResult();
  expect(decodePng((await studio.download()).bytes).width).toBe(64);
  // One worker per kind at most, however many jobs were cancelled.
  expect((await liveWorkers(page)).filter((n) => n === 'photo')).toHaveLength(1);
  expect((await liveWorkers(page)).filter((n) => n === 'video').length).toBeLessThanOrEqual(1);
});

test('nothing lost on a reload: the photo, the task and the style settings come back', async ({ page }) => {
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  const png = gradientPng(96, 64);
  await studio.chooseFile({ name: 'kept.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByAltText(/Your photo: kept.png/)).toBeVisible();
  const second = page.locator('[data-testid^=style-]').nth(1);
  const styleId = (await second.getAttribute('data-testid'))!.replace('style-', '');
  await second.click();
  await page.getByLabel('1024 px').check();
  await page.getByTestId('format-webp').check();
  await page.locator('#strength').fill('40');

  await page.reload();
  await expect(page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
  await expect(page.getByAltText(/Your photo: kept.png/)).toBeVisible();
  await expect(page.getByTestId(`style-${styleId}`)).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByLabel('1024 px')).toBeChecked();
  await expect(page.getByTestId('format-webp')).toBeChecked();
  await expect(page.locator('output[for=strength]')).toHaveText('40%');
  // The task survives too.
  await page.getByTestId('task-depth').click();
  await page.reload();
  await expect(page.getByTestId('task-depth')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByAltText(/Your photo: kept.png/)).toBeVisible();
  await page.getByTestId('task-style').click();
  // The restored photo is the same bytes: it runs and names the download after it.
  await studio.run();
  await studio.waitForResult();
  const { name, bytes } = await studio.download();
  expect(name).toBe(`kept-${styleId}.webp`);
  expect(bytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
});

test('closing the tab while a result is being kept in the gallery leaves no half-written entry', async ({ context }) => {
  const page = await context.newPage();
  const studio = new Studio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile({ name: 'keep.png', mimeType: 'image/png', buffer: gradientPng(640, 480) });
  await studio.run();
  await studio.waitForResult();
  await page.getByTestId('gallery-keep').click();
  await page.close(); // at once: the blob or its record may be mid-write

  const next = await context.newPage();
  await new Studio(next).open('backend=wasm');
  await next.getByTestId('open-gallery').click();
  await expect(next.getByTestId('gallery')).toBeVisible();
  /** The gallery's database as stored: every blob's size, every record's id and size. */
  const stored = () =>
    next.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('clipmorph-gallery');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const all = <T,>(store: string) =>
        new Promise<{ keys: IDBValidKey[]; values: T[] }>((resolve) => {
          const tx = db.transaction(store);
          const keys = tx.objectStore(store).getAllKeys();
          const values = tx.objectStore(store).getAll();
          tx.oncomplete = () => resolve({ keys: keys.result, values: values.result as T[] });
        });
      const blobs = await all<Blob>('blobs');
      const items = await all<{ id: string; bytes: number }>('items');
      db.close();
      return {
        blobs: Object.fromEntries(blobs.keys.map((k, i) => [String(k), blobs.values[i].size])),
        items: items.values.map((v) => ({ id: v.id, bytes: v.bytes })),
      };
    });
  // After the start-up sweep: every record has its whole blob, and no blob is left without a record.
  await expect
    .poll(async () => {
      const { blobs, items } = await stored();
      return items.every((i) => blobs[i.id] === i.bytes) && Object.keys(blobs).length === items.length;
    })
    .toBe(true);
  const { items } = await stored();
  await expect(next.getByTestId('gallery-item')).toHaveCount(items.length);
  console.log(`gallery after a tab closed mid-keep: ${items.length} whole item(s), no orphan`);
});
