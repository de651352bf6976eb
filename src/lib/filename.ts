export type ImageFormat = 'png' | 'jpeg' | 'webp';

const EXTENSION: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };

/** "IMG 0042 (1).HEIC" + "starry-night" + jpeg -> "IMG-0042-1-starry-night.jpg" */
export function outputFileName(inputName: string, suffix: string, format: ImageFormat): string {
  const stem = inputName.replace(/\.[^./\\]*$/, '');
  const safe = stem
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${safe || 'image'}-${suffix}.${EXTENSION[format]}`;
}
