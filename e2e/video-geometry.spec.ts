/** Timing, rotation and odd inputs: the output must keep what the source says about time and shape. */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeTestModels } from '../scripts/make-test-models.mjs';
import { extractFrame, mediaPath, probeMedia, rgbDiff, sharedDir, VideoStudio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

const ski = mediaPath('ski.mov');

function frameTimes(file: string): number[] {
  const csv = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  // Frames with side data print an extra, empty field.
  return csv.split(/[\s,]+/).filter(Boolean).map(Number);
}

test('a variable-frame-rate clip keeps each frame at its own time', async ({ page }, info) => {
  // 20 frames 40 ms apart, then 100 ms apart: one clip, two rates.
  const vfr = info.outputPath('vfr.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-i', ski, '-t', '2', '-vf', "setpts='if(lt(N,20),N*0.04,0.8+(N-20)*0.1)/TB'", '-fps_mode', 'passthrough', '-c:v', 'libx264', '-preset', 'ultrafast', '-an', '-y', vfr]);
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(vfr);
  await studio.waitForVideo('webcodecs');
  await studio.chooseHeight(256);
  await studio.run();
  await studio.waitForResult();
  const { file } = await studio.saveDownload(info.outputPath());
  const [source, output] = [frameTimes(vfr), frameTimes(file)];
  expect(output.length).toBe(source.length);
  for (const [i, t] of source.entries()) expect(Math.abs(output[i] - t)).toBeLessThan(0.002);
});

test('a rotated phone video comes out upright, in its display shape', async ({ page }, info) => {
  const rotated = info.outputPath('rotated.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-i', ski, '-t', '1', '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-y', rotated]);
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(rotated);
  await studio.waitForVideo('webcodecs');
  await expect(page.getByTestId('video-info')).toContainText('480×853');
  await studio.chooseHeight(256);
  // Strength 0 writes the source frames themselves: the output must match ffmpeg's upright frames.
  await page.getByLabel('Strength').fill('0');
  await studio.run();
  await studio.waitForResult();
  const { file } = await studio.saveDownload(info.outputPath());
  expect(probeMedia(file)).toMatchObject({ width: 144, height: 256, frames: probeMedia(rotated).frames });
  const output = extractFrame(file, 12, 144, 256);
  const upright = extractFrame(rotated, 12, 144, 256); // ffmpeg applies the rotation when decoding
  const upsideDown = { ...upright, data: new Uint8Array(new Uint32Array(Uint8Array.from(upright.data).buffer).reverse().buffer) }; // pixels in reverse order: a 180° turn
  expect(rgbDiff(output, upright).mean).toBeLessThan(12); // H.264 at 144x256 and a different scaler
  expect(rgbDiff(output, upsideDown).mean).toBeGreaterThan(30);
});

test('an animated GIF is treated as a video and decoded by ffmpeg.wasm', async ({ page }, info) => {
  const gif = info.outputPath('ski.gif');
  execFileSync('ffmpeg', ['-v', 'error', '-i', ski, '-t', '1', '-vf', 'fps=10,scale=160:-2', '-y', gif]);
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(gif);
  await studio.waitForVideo('ffmpeg', 120_000);
  await studio.chooseFormat('gif');
  await studio.run();
  const result = await studio.waitForResult();
  await expect(result).toHaveAttribute('data-decoder', 'ffmpeg');
  const facts = probeMedia((await studio.saveDownload(info.outputPath())).file);
  expect(facts).toMatchObject({ videoCodec: 'gif', width: 160, frames: 10 });
  expect(Math.abs(facts.duration - 1)).toBeLessThanOrEqual(0.02);
});

test('on WebGPU frames go decoder -> model on the GPU and come out like on WASM', async ({ page }, info) => {
  test.setTimeout(300_000); // SwiftShader runs WebGPU on the CPU: a tiny model keeps this to seconds a frame
  const models = info.outputPath('models');
  makeTestModels(models);
  const outputs: string[] = [];
  // Steady strokes (on by default) run in the GPU's compose pass and in the CPU route's filter; the
  // last run, per-frame on WASM, shows they changed the frames. 1.0-1.2 s pans 4-6 px a frame
  // (training/flicker-motion.json): both routes must move their history with it alike.
  for (const [backend, steady] of [['wasm', true], ['webgpu', true], ['wasm', false]] as const) {
    const studio = new VideoStudio(page);
    await studio.open(`backend=${backend}`);
    await studio.chooseFile(ski);
    await studio.waitForVideo('webcodecs');
    await studio.chooseFile(path.join(models, 'tiny-style.onnx'));
    await studio.chooseHeight(256);
    await studio.trim(1, 1.2);
    await page.getByTestId('video-steady').setChecked(steady);
    await studio.run();
    const result = await studio.waitForResult(240_000);
    await expect(result).toHaveAttribute('data-backend', backend);
    await expect(result).toHaveAttribute('data-frames-on-gpu', String(backend === 'webgpu'));
    const { file } = await studio.saveDownload(info.outputPath(`${backend}-${steady}`));
    expect(probeMedia(file).frames).toBe(5);
    outputs.push(file);
  }
  // Same model, same frames: only float rounding, the GPU's own resize and H.264 may differ.
  const [wasm, gpu] = outputs.map((file) => extractFrame(file, 2, 456, 256));
  expect(rgbDiff(wasm, gpu).mean).toBeLessThan(3);
  expect(rgbDiff(gpu, extractFrame(ski, 27, 456, 256)).mean).toBeGreaterThan(10);
  // By the last frame steady strokes have moved the output (2.5 levels here): the GPU's frame is the steady one.
  const [wasm4, gpu4, plain4] = outputs.map((file) => extractFrame(file, 4, 456, 256));
  console.log(`frame 4: WebGPU/WASM steady ${rgbDiff(gpu4, wasm4).mean.toFixed(2)}, WebGPU/WASM per-frame ${rgbDiff(gpu4, plain4).mean.toFixed(2)}, WASM steady/per-frame ${rgbDiff(wasm4, plain4).mean.toFixed(2)}`);
  expect(rgbDiff(wasm4, plain4).mean).toBeGreaterThan(1.5);
  expect(rgbDiff(gpu4, wasm4).mean).toBeLessThan(rgbDiff(gpu4, plain4).mean);
});
