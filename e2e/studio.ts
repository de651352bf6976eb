/** Page object for the studio UI, written against the data-testid contract in DESIGN.md. */
import { expect, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { downscaleArea } from '../src/lib/pixels';

export const sharedDir = path.resolve(import.meta.dirname, '../../shared');
export const mediaPath = (name: string) => path.join(sharedDir, 'media', name);

export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export function decodePng(bytes: Buffer): DecodedImage {
  const png = PNG.sync.read(bytes);
  return { data: new Uint8Array(png.data), width: png.width, height: png.height };
}

export function readPng(file: string): DecodedImage {
  return decodePng(readFileSync(file));
}

export function encodePng(image: DecodedImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data);
  return PNG.sync.write(png);
}

/** starry_in.png scaled down (area average) to `width` x `height`, as pixels and as a PNG to drop. */
export function smallPhoto(width: number, height: number): { image: DecodedImage; png: Buffer } {
  const full = readPng(mediaPath('starry_in.png'));
  const small = downscaleArea({ data: new Uint8ClampedArray(full.data), width: full.width, height: full.height }, width, height);
  const image = { data: new Uint8Array(small.data), width, height };
  return { image, png: encodePng(image) };
}

/** Mean and max absolute difference over the RGB channels. */
export function rgbDiff(a: DecodedImage, b: DecodedImage): { mean: number; max: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  let max = 0;
  let count = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c] - b.data[i + c]);
      sum += d;
      max = Math.max(max, d);
      count++;
    }
  }
  return { mean: sum / count, max };
}

export class Studio {
  constructor(readonly page: Page) {}

  async open(query = '') {
    await this.page.goto(query ? `./?${query}` : './');
    await expect(this.page.getByRole('heading', { name: 'ClipMorph Web' })).toBeVisible();
  }

  async chooseFile(file: string | { name: string; mimeType: string; buffer: Buffer }) {
    await this.page.getByTestId('file-input').setInputFiles(file);
  }

  /** Drops files on the page the way a desktop drag does (a DataTransfer with files). */
  async dropFile(name: string, mimeType: string, buffer: Buffer) {
    const dataTransfer = await this.page.evaluateHandle(
      ({ name, mimeType, bytes }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }));
        return dt;
      },
      { name, mimeType, bytes: Array.from(buffer) },
    );
    for (const type of ['dragenter', 'dragover', 'drop']) await this.page.dispatchEvent('body', type, { dataTransfer });
  }

  async chooseStyle(id: string) {
    await this.page.getByTestId(`style-${id}`).click();
  }

  /** Mixes `withId` into the chosen style at `percent` (0-100) through the Blend controls. */
  async blend(withId: string, percent: number) {
    await this.page.getByTestId('blend-style').selectOption(withId);
    await this.page.getByTestId('blend-mix').fill(String(percent));
    await expect(this.page.locator('output[for=blend-mix]')).toHaveText(`${percent}%`);
  }

  async run() {
    await this.page.getByTestId('run').click();
  }

  /** Starts a style morph GIF (0 -> 100 % of the blend's second style and back). */
  async morph() {
    await this.page.getByTestId('blend-morph').click();
  }

  async waitForResult(timeout = 150_000) {
    await expect(this.page.getByTestId('download')).toHaveAttribute('href', /^blob:/, { timeout });
    return this.page.getByTestId('result');
  }

  async download(): Promise<{ name: string; bytes: Buffer }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId('download').click()]);
    const file = await download.path();
    return { name: download.suggestedFilename(), bytes: readFileSync(file) };
  }

  error() {
    return this.page.getByTestId('error');
  }
}

/** What ffprobe (Debian ffmpeg) finds in a media file: the independent check on what the app wrote. */
export interface MediaFacts {
  videoCodec: string;
  width: number;
  height: number;
  frames: number;
  duration: number;
  audioCodec: string | null;
}

export function probeMedia(file: string): MediaFacts {
  const json = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
  const { streams, format } = JSON.parse(json) as {
    streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number; nb_read_frames?: string }>;
    format: { duration: string };
  };
  const video = streams.find((s) => s.codec_type === 'video');
  if (!video) throw new Error(`${file} has no video stream`);
  return {
    videoCodec: video.codec_name,
    width: video.width ?? 0,
    height: video.height ?? 0,
    frames: Number(video.nb_read_frames),
    duration: Number(format.duration),
    audioCodec: streams.find((s) => s.codec_type === 'audio')?.codec_name ?? null,
  };
}

/** Frame `index` (0-based, decode order) of a video or GIF as RGBA, scaled to `width`x`height`. */
export function extractFrame(file: string, index: number, width: number, height: number): DecodedImage {
  const png = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index}),scale=${width}:${height}:flags=area`, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-']);
  return decodePng(png);
}

export class VideoStudio extends Studio {
  async chooseFormat(format: 'mp4' | 'webm' | 'gif') {
    await this.page.getByTestId(`format-${format}`).check();
  }

  /** Processing height in pixels, or 0 for the original. */
  async chooseHeight(height: number) {
    await this.page.getByLabel(height === 0 ? 'Original' : `${height}p`, { exact: true }).check();
  }

  async trim(start: number, end: number) {
    await this.page.getByTestId('trim-start').fill(String(start));
    await this.page.getByTestId('trim-end').fill(String(end));
  }

  /** Waits until the video is probed and says which decoder will run. */
  async waitForVideo(decoder: 'webcodecs' | 'ffmpeg', timeout = 60_000) {
    await expect(this.page.getByTestId('video-info')).toHaveAttribute('data-decoder', decoder, { timeout });
  }

  /**
   * Opens the app (`query`), then the video on the `decoder` path, and sets the processing height
   * (default 256p), the output format and the trim where given.
   */
  async openVideo(
    query: string,
    file: Parameters<Studio['chooseFile']>[0],
    options: { decoder?: 'webcodecs' | 'ffmpeg'; height?: number; format?: 'mp4' | 'webm' | 'gif'; trim?: [number, number]; timeout?: number } = {},
  ) {
    await this.open(query);
    await this.chooseFile(file);
    await this.waitForVideo(options.decoder ?? 'webcodecs', options.timeout);
    await this.chooseHeight(options.height ?? 256);
    if (options.format) await this.chooseFormat(options.format);
    if (options.trim) await this.trim(...options.trim);
  }

  /** Saves the download to `dir` and returns its path and suggested name. */
  async saveDownload(dir: string): Promise<{ name: string; file: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId('download').click()]);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    return { name: download.suggestedFilename(), file };
  }
}
