/** Inputs every task shares: recognising images, videos and model files, and probing videos before they replace anything. */
import { videoWorker } from '../workers/client';
import { appRoot, isJobRunning } from './jobs';
import { idleJob, useAppStore, type InputFile } from './store';

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

/** Probes the file in the media worker, so a damaged video is refused before it replaces anything. */
export async function openVideoFile(file: File): Promise<InputFile> {
  // Probing may load ffmpeg.wasm (tens of MB on a first visit): say what is happening meanwhile.
  const opening = `Opening ${file.name}…`;
  if (!isJobRunning()) set({ job: { ...idleJob, detail: opening } });
  try {
    const video = await videoWorker.call('probeVideo', { appRoot: appRoot(), video: file });
    return { file, name: file.name, previewUrl: URL.createObjectURL(file), video };
  } finally {
    if (get().job.detail === opening) set({ job: idleJob });
  }
}
