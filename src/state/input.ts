/** Inputs every task shares: recognising images, videos and model files, and probing videos before they replace anything. */
import { UserError } from '../lib/errors';
import { MAX_IMAGE_PIXELS } from '../media/decode/image';
import type { Sniffed } from '../media/sniff';
import { videoWorker } from '../workers/client';
import { appRoot, isJobRunning } from './jobs';
import { idleJob, useAppStore, type InputFile } from './store';

/** A probing worker silent this long is stuck (it beats every 0.5 s while it works) and is terminated. */
export const PROBE_SILENCE_MS = 8000;

const set = useAppStore.setState;
const get = useAppStore.getState;

export function isOnnx(file: File): boolean {
  return /\.onnx$/i.test(file.name);
}

export function looksLikeImage(file: File): boolean {
  return file.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|bmp|avif|heic|heif|tiff?)$/i.test(file.name);
}

const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|qt|webm|mkv|avi|ts|mts|m2ts|mpe?g|vob|wmv|asf|flv|3gp|3g2|ogv|mxf|dv)$/i;

/** Video by type or name; an animated GIF counts as a video (ffmpeg.wasm decodes it). */
export async function looksLikeVideo(file: File): Promise<boolean> {
  if (file.type.startsWith('video/') || VIDEO_EXTENSIONS.test(file.name)) return true;
  return isAnimatedGif(file);
}

async function isAnimatedGif(file: File): Promise<boolean> {
  if (!(file.type === 'image/gif' || /\.gif$/i.test(file.name)) || typeof ImageDecoder === 'undefined') return false;
  const decoder = new ImageDecoder({ data: file.stream(), type: 'image/gif' });
  try {
    await decoder.completed;
    return (decoder.tracks.selectedTrack?.frameCount ?? 1) > 1;
  } catch {
    return false; // not readable as a GIF: the image path reports it
  } finally {
    decoder.close();
  }
}

/**
 * The first bytes of a file: enough for every signature and image header `sniffBytes` reads. The
 * sniffer loads with the first file (off the first load's JavaScript budget, e2e/pwa.spec.ts).
 */
export async function sniffFile(file: Blob): Promise<Sniffed> {
  const [{ sniffBytes }, head] = await Promise.all([import('../media/sniff'), file.slice(0, 64 * 1024).arrayBuffer()]);
  return sniffBytes(new Uint8Array(head));
}

/**
 * What a dropped file is, by its content first and its name or type only when the content says
 * nothing (a video named .png is a video; a PNG named .mp4 is a photo). Refuses, before anything is
 * decoded, what can only fail: empty files, text under a media name, and image headers claiming
 * more pixels than memory holds (decoding 20000x20000 would need 1.6 GB). null: neither.
 */
export async function mediaKind(file: File): Promise<'image' | 'video' | null> {
  const named = looksLikeImage(file) || VIDEO_EXTENSIONS.test(file.name) || file.type.startsWith('video/');
  if (file.size === 0) {
    throw new UserError(`"${file.name}" is empty (0 bytes): the download or copy that made it may not have finished. Try the original file.`);
  }
  const sniffed = await sniffFile(file);
  if (sniffed.kind === 'text' && named && !/svg/i.test(file.type + file.name)) {
    throw new UserError(
      `"${file.name}" is not an image or a video: it holds text. Drop a photo (PNG, JPEG, WebP) or a video (MP4, MOV, WebM...).`,
    );
  }
  if (sniffed.kind === 'image') {
    const { width, height } = sniffed;
    if (width && height && width * height > MAX_IMAGE_PIXELS) {
      throw new UserError(
        `"${file.name}" is ${width}x${height} pixels (${Math.round((width * height) / 1e6)} MP); the limit is ${MAX_IMAGE_PIXELS / 1e6} MP. Scale it down first (for example to 8000 pixels on the long side).`,
      );
    }
    return sniffed.format === 'gif' && (await isAnimatedGif(new File([file], file.name, { type: 'image/gif' }))) ? 'video' : 'image';
  }
  if (sniffed.kind === 'video') return 'video';
  if (await looksLikeVideo(file)) return 'video';
  return looksLikeImage(file) ? 'image' : null;
}

/** Probes the file in the media worker, so a damaged video is refused before it replaces anything. */
export async function openVideoFile(file: File): Promise<InputFile> {
  // Probing may load ffmpeg.wasm (tens of MB on a first visit): say what is happening meanwhile.
  const opening = `Opening ${file.name}…`;
  if (!isJobRunning()) set({ job: { ...idleJob, detail: opening } });
  // The worker beats while it probes; silence means a demuxer is stuck in a loop on a damaged file.
  let lastBeat = Date.now();
  const watchdog = setInterval(() => {
    if (Date.now() - lastBeat < PROBE_SILENCE_MS) return;
    clearInterval(watchdog);
    videoWorker.stop(
      new UserError(`"${file.name}" could not be opened: reading it got stuck, so the file looks damaged. Try the original file, or re-save it as MP4.`),
    );
  }, 1000);
  try {
    const video = await videoWorker.call('probeVideo', { appRoot: appRoot(), video: file }, { onProgress: () => (lastBeat = Date.now()) });
    return { file, name: file.name, previewUrl: URL.createObjectURL(file), video };
  } finally {
    clearInterval(watchdog);
    if (get().job.detail === opening) set({ job: idleJob });
  }
}
