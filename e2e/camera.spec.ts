/**
 * The live camera through Chromium's fake camera: a 2 s, 320x180 .y4m made here from a frame of
 * ../shared/media/ski.mov (Chromium loops it), the shipped realtime styles on WASM. Checks that
 * frames come out painted (and that strength 0 gives the camera back, live, without a restart),
 * that the frame rate reads above 0, that a snapshot PNG and a recorded clip (with the fake
 * microphone) have the processing size, that stopping ends every track, that a refused permission
 * gets its sentence, and that axe finds nothing in the view.
 */
import AxeBuilder from '@axe-core/playwright';
import { chromium, expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { decodePng, mediaPath, probeMedia, sharedDir } from './studio';

const haveMedia = existsSync(mediaPath('ski.mov'));
// One file per run of the spec (the runner and its worker both load this module): made once, reused.
const work = path.join(tmpdir(), 'clipmorph-camera-e2e');
/**
 * ski.mov's frame at 1 s, held for 2 s, 320x180: a still scene, so the painted canvas and the camera
 * picture can be compared pixel for pixel whenever they are read (a moving clip would put the model's
 * latency between the two). Chromium loops the file as its fake camera.
 */
const y4m = path.join(work, 'ski-still-320x180.y4m');
if (haveMedia && !existsSync(y4m)) {
  mkdirSync(work, { recursive: true });
  const partial = `${y4m}.${process.pid}.part`;
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-ss', '1', '-i', mediaPath('ski.mov'), '-an'],
    ...['-vf', 'trim=end_frame=1,scale=320:180,loop=loop=29:size=1:start=0,setpts=N/15/TB', '-r', '15'],
    ...['-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', partial],
  ]);
  renameSync(partial, y4m);
}

test.skip(!haveMedia, `the shared media folder (${sharedDir}) is absent`);

const fakeCamera = ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`];
test.use({ launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, ...fakeCamera, '--use-fake-ui-for-media-stream'] } });

/** 320x180 at 256 px on the long side, sides multiples of 4. */
const SIZE = { width: 256, height: 144 };

/** Records every stream getUserMedia hands out, so the test can see that Stop ends their tracks. */
async function watchStreams(page: Page) {
  await page.addInitScript(() => {
    const streams: MediaStream[] = [];
    (window as unknown as { __streams: MediaStream[] }).__streams = streams;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      streams.push(stream);
      return stream;
    };
  });
}

async function paintedFrames(page: Page): Promise<number> {
  return Number((await page.getByTestId('camera-output').getAttribute('data-frames')) ?? 0);
}

/** Mean absolute RGB difference between the painted canvas and the camera picture at the canvas's size, sampled together. */
async function diffFromCamera(page: Page): Promise<number> {
  return page.evaluate(() => {
    const out = document.querySelector<HTMLCanvasElement>('[data-testid=camera-output]')!;
    const video = document.querySelector<HTMLVideoElement>('[data-testid=camera-input]')!;
    const read = (source: CanvasImageSource) => {
      const c = document.createElement('canvas');
      c.width = out.width;
      c.height = out.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(source, 0, 0, out.width, out.height);
      return ctx.getImageData(0, 0, out.width, out.height).data;
    };
    const a = read(out);
    const b = read(video);
    let sum = 0;
    for (let i = 0; i < a.length; i += 4) for (let c = 0; c < 3; c++) sum += Math.abs(a[i + c] - b[i + c]);
    return sum / ((a.length / 4) * 3);
  });
}

test('paints the camera live: style and strength change without a restart, fps, snapshot, clip with sound, tracks ended on stop, axe', async ({ page }) => {
  test.setTimeout(120_000);
  await watchStreams(page);
  await page.goto('./?backend=wasm');
  await page.getByTestId('camera').click();
  const view = page.getByTestId('camera-view');
  await expect(view).toBeVisible();
  // Nothing is asked before Start.
  expect(await page.evaluate(() => (window as unknown as { __streams: MediaStream[] }).__streams.length)).toBe(0);
  await expect(page.getByTestId('camera-switch')).toHaveCount(0); // the fake device is one camera

  await page.getByTestId('camera-start').click();
  await expect.poll(() => paintedFrames(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  const output = page.getByTestId('camera-output');
  expect([await output.evaluate((c: HTMLCanvasElement) => c.width), await output.evaluate((c: HTMLCanvasElement) => c.height)]).toEqual([SIZE.width, SIZE.height]);
  await expect(output).toHaveAttribute('data-backend', 'wasm');

  // The frame rate reads above 0.
  await expect.poll(async () => parseFloat((await page.getByTestId('camera-fps').textContent()) ?? '0'), { timeout: 20_000 }).toBeGreaterThan(0);
  const fps = parseFloat((await page.getByTestId('camera-fps').textContent()) ?? '0');

  // Painted: far from the camera picture. Strength 0, live: the camera picture again (up to the time between the two reads).
  const painted = await diffFromCamera(page);
  await page.getByTestId('camera-strength').fill('0');
  const before = await paintedFrames(page);
  await expect.poll(() => paintedFrames(page)).toBeGreaterThan(before + 1);
  const plain = await diffFromCamera(page);
  const inferMs = await output.getAttribute('data-infer-ms');
  console.log(`camera: ${fps.toFixed(1)} fps (model ${inferMs} ms per frame) on WASM at ${SIZE.width}x${SIZE.height}; mean |painted - camera| ${painted.toFixed(1)}, at strength 0 ${plain.toFixed(1)}`);
  expect(painted).toBeGreaterThan(20);
  expect(plain).toBeLessThan(6); // the same still picture, resized by two different paths
  await page.getByTestId('camera-strength').fill('1');

  // Another style, live: the picture changes with it.
  const styles = await page.getByTestId('camera-style').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(styles.length).toBeGreaterThan(1);
  const meanColour = () =>
    output.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const sum = [0, 0, 0];
      for (let i = 0; i < data.length; i += 4) for (let k = 0; k < 3; k++) sum[k] += data[i + k];
      return sum.map((v) => v / (data.length / 4));
    });
  const first = await meanColour();
  await page.getByTestId('camera-style').selectOption(styles[1]);
  const switched = await paintedFrames(page);
  await expect.poll(() => paintedFrames(page), { timeout: 30_000 }).toBeGreaterThan(switched + 2);
  const second = await meanColour();
  const shift = Math.max(...first.map((v, i) => Math.abs(v - second[i])));
  console.log(`camera: mean colour ${first.map((v) => v.toFixed(0))} (${styles[0]}) -> ${second.map((v) => v.toFixed(0))} (${styles[1]})`);
  expect(shift).toBeGreaterThan(8);

  // axe, with the camera live.
  const { violations } = await new AxeBuilder({ page }).include('[data-testid=camera-view]').withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // Snapshot: a PNG at the processing size, named like every other download.
  const snapshotDownload = page.waitForEvent('download');
  await page.getByTestId('camera-snapshot').click();
  const snap = await snapshotDownload;
  expect(snap.suggestedFilename()).toMatch(new RegExp(`^camera-\\d{4}-\\d{2}-\\d{2}-\\d{6}-${styles[1]}\\.png$`));
  const png = decodePng(readFileSync(await snap.path()));
  expect([png.width, png.height]).toEqual([SIZE.width, SIZE.height]);

  // A clip with sound (the fake microphone), about 2 s.
  await page.getByTestId('camera-sound').check();
  await page.getByTestId('camera-record').click();
  await expect(page.getByTestId('camera-record')).toHaveAttribute('aria-pressed', 'true');
  const recordFrom = await paintedFrames(page);
  await expect.poll(() => paintedFrames(page), { timeout: 30_000 }).toBeGreaterThan(recordFrom + 3);
  await page.getByTestId('camera-record').click();
  const clipLink = page.getByTestId('camera-clip-download');
  await expect(clipLink).toBeVisible({ timeout: 30_000 });
  const clipDownload = page.waitForEvent('download');
  await clipLink.click();
  const clip = await clipDownload;
  expect(clip.suggestedFilename()).toMatch(new RegExp(`^camera-\\d{4}-\\d{2}-\\d{2}-\\d{6}-${styles[1]}\\.mp4$`));
  const clipPath = path.join(work, clip.suggestedFilename());
  await clip.saveAs(clipPath);
  const facts = probeMedia(clipPath);
  console.log(`camera clip: ${JSON.stringify(facts)}; ${await clipLink.locator('xpath=..').textContent()}`);
  expect([facts.width, facts.height]).toEqual([SIZE.width, SIZE.height]);
  expect(facts.frames).toBeGreaterThanOrEqual(3);
  expect(facts.audioCodec).not.toBeNull();

  // Stop: every track of every stream handed out (camera and microphone) has ended.
  await page.getByTestId('camera-stop').click();
  await expect(page.getByTestId('camera-start')).toBeVisible();
  const states = await page.evaluate(() => (window as unknown as { __streams: MediaStream[] }).__streams.flatMap((s) => s.getTracks().map((t) => `${t.kind}:${t.readyState}`)));
  expect(states).toEqual(expect.arrayContaining(['video:ended', 'audio:ended']));
  expect(states.every((s) => s.endsWith(':ended'))).toBe(true);
});

test('with two cameras, Switch releases the one in use and opens the other by its id', async ({ page }) => {
  // The fake device is one camera: a second one is listed, and asking for it by id gets the fake stream.
  await page.addInitScript(() => {
    const devices = navigator.mediaDevices;
    const asked: string[] = [];
    const streams: MediaStream[] = [];
    Object.assign(window, { __asked: asked, __streams: streams });
    const enumerate = devices.enumerateDevices.bind(devices);
    devices.enumerateDevices = async () => {
      const list = await enumerate();
      const back = { kind: 'videoinput', deviceId: 'back-camera', label: 'Back camera', groupId: 'b', toJSON: () => ({}) } as MediaDeviceInfo;
      return [...list, back];
    };
    const getUserMedia = devices.getUserMedia.bind(devices);
    devices.getUserMedia = async (constraints) => {
      const video = constraints?.video as MediaTrackConstraints | undefined;
      const id = (video?.deviceId as ConstrainDOMStringParameters | undefined)?.exact as string | undefined;
      asked.push(id ?? 'default');
      const stream = await getUserMedia(id === 'back-camera' ? { video: true } : constraints);
      streams.push(stream);
      return stream;
    };
  });
  await page.goto('./?backend=wasm');
  await page.getByTestId('camera').click();
  await page.getByTestId('camera-start').click();
  const toggle = page.getByTestId('camera-switch');
  await expect(toggle).toHaveText('Switch to Back camera');
  await toggle.click();
  await expect(page.getByTestId('camera-stop')).toBeVisible();
  const state = () =>
    page.evaluate(() => {
      const w = window as unknown as { __asked: string[]; __streams: MediaStream[] };
      return { asked: w.__asked, tracks: w.__streams.map((s) => s.getVideoTracks()[0].readyState) };
    });
  await expect.poll(state).toEqual({ asked: ['default', 'back-camera'], tracks: ['ended', 'live'] });
  await expect(toggle).not.toHaveText('Switch to Back camera'); // now offers the first camera again
  await page.getByTestId('camera-stop').click();
  await expect.poll(state).toEqual({ asked: ['default', 'back-camera'], tracks: ['ended', 'ended'] });
});

test('a refused camera permission, and a device with no camera, get clear messages, and nothing runs', async ({ baseURL }) => {
  // Its own browser: no fake UI, so the permission prompt is answered "deny".
  const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, ...fakeCamera, '--deny-permission-prompts'] });
  try {
    const page = await browser.newPage({ baseURL });
    await page.goto('./?backend=wasm');
    await page.getByTestId('camera').click();
    await page.getByTestId('camera-start').click();
    const error = page.getByTestId('camera-error');
    await expect(error).toBeVisible();
    await expect(error).toHaveAttribute('role', 'alert');
    await expect(error).toContainText('Permission to use the camera was refused');
    await expect(page.getByTestId('camera-start')).toBeEnabled();
    await expect(page.getByTestId('camera-output')).toBeHidden();
  } finally {
    await browser.close();
  }
  // No fake device: this machine has no camera at all.
  const bare = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, '--use-fake-ui-for-media-stream'] });
  try {
    const page = await bare.newPage({ baseURL });
    await page.goto('./?backend=wasm');
    await page.getByTestId('camera').click();
    await page.getByTestId('camera-start').click();
    await expect(page.getByTestId('camera-error')).toContainText('No camera was found on this device');
  } finally {
    await bare.close();
  }
});
