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
import { createHash } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { Server } from 'node:https';
import { DEPTH_STANDINS } from '../scripts/make-depth-standins.mjs';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.mjs';
import { CORS, hubBrowser, notFound, startAppWithEntries, startHub } from './hub';
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

const dist = path.resolve(import.meta.dirname, '..', process.env.E2E_DIST ?? 'dist');
// Ports of its own for the depth test's app and model hub, away from the other specs' (+1002..1300).
const APP_PORT = Number(process.env.E2E_PORT ?? 4310) + 1400;
const HUB_PORT = APP_PORT + 1;

const fakeCamera = ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`];
// The hub's host rules ride along (only the depth test reaches the hub), so every test shares one browser.
const hubRules = hubBrowser(HUB_PORT).launchOptions.args.filter((a) => a.startsWith('--host-resolver-rules'));
test.use({ ignoreHTTPSErrors: true, launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, ...fakeCamera, ...hubRules, '--use-fake-ui-for-media-stream'] } });

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
  const t0 = Date.now();
  const phases: string[] = [];
  const mark = (name: string) => phases.push(`${name} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
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
  mark('3 frames');
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
  mark('strength');

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
  mark('style switch');

  // Steady strokes are on by default and can be turned off live (their effect on a noisy camera: worker/paint.test.ts).
  const steady = page.getByTestId('camera-steady');
  await expect(steady).toBeChecked();
  await steady.uncheck();
  const unsteady = await paintedFrames(page);
  await expect.poll(() => paintedFrames(page), { timeout: 30_000 }).toBeGreaterThan(unsteady + 1);
  expect(await diffFromCamera(page)).toBeGreaterThan(20); // still painted
  await steady.check();
  mark('steady');

  // axe, with the camera live.
  const { violations } = await new AxeBuilder({ page }).include('[data-testid=camera-view]').withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  mark('axe');
  // Snapshot: a PNG at the processing size, named like every other download.
  const snapshotDownload = page.waitForEvent('download');
  await page.getByTestId('snapshot').click();
  const snap = await snapshotDownload;
  expect(snap.suggestedFilename()).toMatch(new RegExp(`^camera-\\d{4}-\\d{2}-\\d{2}-\\d{6}-${styles[1]}\\.png$`));
  const png = decodePng(readFileSync(await snap.path()));
  expect([png.width, png.height]).toEqual([SIZE.width, SIZE.height]);

  // A clip with sound (the fake microphone), about 2 s.
  await page.getByTestId('camera-sound').check();
  await page.getByTestId('record').click();
  await expect(page.getByTestId('record')).toHaveAttribute('aria-pressed', 'true');
  const recordFrom = await paintedFrames(page);
  await expect.poll(() => paintedFrames(page), { timeout: 30_000 }).toBeGreaterThan(recordFrom + 3);
  mark('recorded');
  await page.getByTestId('record').click();
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
  mark('stopped');
  console.log(`camera phases: ${phases.join(', ')}`);
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

test.describe('depth mode', () => {
  // The MiDaS stand-in (scripts/make-depth-standins.mjs: depth = 0.2 R + 0.7 G + 0.1 B + 0.25 of the
  // 0-1 pixels at 256x256), listed as a catalogue model at a pinned hub URL, as e2e/depth.spec.ts does.
  const graph = Buffer.from(DEPTH_STANDINS['midas-standin.onnx']());
  const url = 'https://huggingface.co/clipmorph-test/depth-anything-v2-small-standin/resolve/d3b7ad3b7ad3b7ad3b7ad3b7ad3b7ad3b7ad3b7a/onnx/midas_v21_small_256.onnx';
  const entry = {
    id: 'midas-standin',
    task: 'depth',
    title: 'MiDaS v2.1 small (test stand-in)',
    embedded: false,
    licence: 'MIT',
    licenceUrl: 'https://opensource.org/license/mit',
    licenceMustAccept: false,
    source: 'generated by scripts/make-depth-standins.mjs, not on the hub',
    io: {
      inputs: [{ name: 'input', dtype: 'float32', layout: 'NCHW', shape: [1, 3, 256, 256], range: [0, 1] }],
      outputs: [{ name: 'depth', dtype: 'float32', shape: [1, 256, 256] }],
    },
    variants: [{ name: 'fp32', files: [{ path: 'onnx/midas_v21_small_256.onnx', role: 'model', url, bytes: graph.length, sha256: createHash('sha256').update(graph).digest('hex') }] }],
    preferred: { webgpu: 'fp32', wasm: 'fp32' },
  };
  let hub: Server;
  let app: HttpServer;
  let requests = 0;

  test.beforeAll(async () => {
    hub = await startHub(HUB_PORT, (_req, res, at) => {
      if (at.url.pathname !== new URL(url).pathname) return notFound(res);
      requests++;
      res.writeHead(200, { ...CORS, 'Content-Type': 'application/octet-stream', 'Content-Length': graph.length });
      res.end(graph);
    });
    app = await startAppWithEntries(dist, APP_PORT, [entry]);
  });

  test.afterAll(() => {
    hub?.close();
    app?.close();
  });

  test('paints the depth map live in the chosen colour map, the model downloaded once', async ({ page }) => {
    await page.goto(`http://127.0.0.1:${APP_PORT}/?backend=wasm`);
    await page.getByTestId('camera').click();
    const depthMode = page.getByTestId('camera-mode-depth');
    await expect(depthMode).toBeEnabled();
    await depthMode.check();
    await page.getByTestId('camera-colormap').selectOption('grey');
    await page.getByTestId('camera-start').click();
    await expect.poll(() => paintedFrames(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    // Grey map: R = G = B everywhere, and the grey follows the stand-in's depth of the camera picture
    // (a linear function of its pixels), so the two correlate closely; the camera picture itself is not grey.
    const facts = await page.evaluate(() => {
      const out = document.querySelector<HTMLCanvasElement>('[data-testid=camera-output]')!;
      const video = document.querySelector<HTMLVideoElement>('[data-testid=camera-input]')!;
      const read = (source: CanvasImageSource) => {
        const c = document.createElement('canvas');
        [c.width, c.height] = [out.width, out.height];
        const ctx = c.getContext('2d')!;
        ctx.drawImage(source, 0, 0, out.width, out.height);
        return ctx.getImageData(0, 0, out.width, out.height).data;
      };
      const painted = read(out);
      const camera = read(video);
      let notGrey = 0;
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < painted.length; i += 4) {
        if (painted[i] !== painted[i + 1] || painted[i] !== painted[i + 2]) notGrey++;
        xs.push(0.2 * camera[i] + 0.7 * camera[i + 1] + 0.1 * camera[i + 2]);
        ys.push(painted[i]);
      }
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      const [mx, my] = [mean(xs), mean(ys)];
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < xs.length; i++) {
        sxy += (xs[i] - mx) * (ys[i] - my);
        sxx += (xs[i] - mx) ** 2;
        syy += (ys[i] - my) ** 2;
      }
      let cameraNotGrey = 0;
      for (let i = 0; i < camera.length; i += 4) if (Math.abs(camera[i] - camera[i + 2]) > 8) cameraNotGrey++;
      return { size: [out.width, out.height], notGrey, cameraNotGrey, pixels: painted.length / 4, correlation: sxy / Math.sqrt(sxx * syy), spread: Math.max(...ys) - Math.min(...ys) };
    });
    console.log(`camera depth: ${JSON.stringify(facts)}`);
    expect(facts.size).toEqual([SIZE.width, SIZE.height]);
    expect(facts.notGrey).toBe(0);
    expect(facts.cameraNotGrey).toBeGreaterThan(facts.pixels / 20);
    expect(facts.spread).toBeGreaterThan(100);
    expect(facts.correlation).toBeGreaterThan(0.95);
    // Turbo, live: the next frames are in colour.
    await page.getByTestId('camera-colormap').selectOption('turbo');
    const from = await paintedFrames(page);
    await expect.poll(() => paintedFrames(page)).toBeGreaterThan(from + 1);
    const coloured = await page.getByTestId('camera-output').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i + 1] !== d[i + 2]) n++;
      return n / (d.length / 4);
    });
    expect(coloured).toBeGreaterThan(0.9);
    expect(requests).toBe(1);
  });
});
