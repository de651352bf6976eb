import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { extractFrame, mediaPath, probeMedia, rgbDiff, sharedDir, VideoStudio } from './studio';

test.skip(!existsSync(sharedDir), `needs the shared media fixtures in ${sharedDir}`);

/** The style the app selects first (the first style model in the manifest). */
const defaultStyle = (JSON.parse(readFileSync('models/manifest.json', 'utf8')) as { models: Array<{ id: string; task: string }> }).models.find(
  (m) => m.task === 'style',
)!.id;

const ski = mediaPath('ski.mov'); // H.264 + AAC, 852x480 (640:639 pixels), 25 fps, 10 s, 250 frames

/** Frame `index` of the output and of the source, at the output's size: a style must change it. */
function expectStylised(output: string, index: number, width: number, height: number) {
  const diff = rgbDiff(extractFrame(output, index, width, height), extractFrame(ski, index, width, height));
  expect(diff.mean).toBeGreaterThan(10);
}

test('ski.mov becomes a stylised MP4 with every frame, the timing and the audio', async ({ page }, info) => {
  const studio = new VideoStudio(page);
  await studio.open('backend=wasm');
  await studio.chooseFile(ski);
  await studio.waitForVideo('webcodecs');
  await studio.chooseHeight(256);
  await studio.chooseFormat('mp4');
  await studio.run();
  await expect(page.getByTestId('progress')).toHaveAttribute('role', 'progressbar');
  await expect(page.getByText(/frame \d+ of 250 · [\d.]+ fps/)).toBeVisible({ timeout: 60_000 });
  const result = await studio.waitForResult();
  await expect(result).toHaveAttribute('data-decoder', 'webcodecs');
  await expect(result).toContainText('Decoded with WebCodecs');
  await expect(result.locator('video')).toHaveCount(2); // before and after

  const { name, file } = await studio.saveDownload(info.outputPath());
  expect(name).toBe(`ski-${defaultStyle}.mp4`);
  const facts = probeMedia(file);
  expect(facts).toMatchObject({ videoCodec: 'h264', width: 456, height: 256, frames: 250, audioCodec: 'aac' });
  expect(Math.abs(facts.duration - 10)).toBeLessThanOrEqual(0.04 + 0.01); // audio may run 8 ms past the last frame
  expectStylised(file, 100, 456, 256);
  console.log(`ski.mov MP4: ${await result.locator('figcaption').textContent()}`);
});
