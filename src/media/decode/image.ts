import { UserError } from '../../lib/errors';
import type { Rgba } from '../../lib/pixels';
import { sniffBytes, unreadableImage } from '../sniff';

/** Beyond this a decoded RGBA copy alone needs ~400 MB; refuse with advice instead of crashing the tab. */
export const MAX_IMAGE_PIXELS = 100_000_000;

/**
 * Decodes an image file to RGBA (works in workers). EXIF orientation is applied; no colour-space
 * conversion or premultiplication, so pixels match what other decoders (and the tests) read.
 */
export async function decodeImage(file: Blob, name = 'this file'): Promise<Rgba> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (error) {
    const head = new Uint8Array(await file.slice(0, 64 * 1024).arrayBuffer());
    throw new UserError(unreadableImage(name, sniffBytes(head)), { cause: error });
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_IMAGE_PIXELS) {
      throw new UserError(
        `${name} is ${width}x${height} pixels (${Math.round((width * height) / 1e6)} MP); the limit is ${MAX_IMAGE_PIXELS / 1e6} MP. Scale it down first.`,
      );
    }
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new UserError('This browser cannot read image pixels (no 2D canvas). Try an up-to-date Chrome, Edge or Firefox.');
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, width, height);
    return { data, width, height };
  } finally {
    bitmap.close();
  }
}
