export type ImageFormat = 'png' | 'jpeg' | 'webp';
export type VideoFormat = 'mp4' | 'webm' | 'gif';
export type OutputFormat = ImageFormat | VideoFormat;

const EXTENSION: Record<OutputFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', mp4: 'mp4', webm: 'webm', gif: 'gif' };

/** "IMG 0042 (1).HEIC" + "starry-night" + jpeg -> "IMG-0042-1-starry-night.jpg" */
export function outputFileName(inputName: string, suffix: string, format: OutputFormat): string {
  const stem = inputName.replace(/\.[^./\\]*$/, '');
  const safe = stem
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${safe || 'image'}-${suffix}.${EXTENSION[format]}`;
}
