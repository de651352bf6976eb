/** Page object for the studio UI, written against the data-testid contract in DESIGN.md. */
import { expect, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';

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

  async run() {
    await this.page.getByTestId('run').click();
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
