import type { ImageFormat } from '../../lib/filename';
import { flattenOnWhite, type Rgba } from '../../lib/pixels';

const MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export async function encodeImage(image: Rgba, format: ImageFormat, quality = 0.92): Promise<Blob> {
  const pixels = format === 'jpeg' ? flattenOnWhite(image) : image;
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.putImageData(new ImageData(pixels.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
  return canvas.convertToBlob({ type: MIME[format], quality });
}
