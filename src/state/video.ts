/** Video in the UI: recognising and probing video files, stylising them, and the live preview. */
import { styleMeta } from '../features/style/meta';
import { outputFileName } from '../lib/filename';
import { WHOLE_VIDEO } from '../lib/timeline';
import { findModel, styleModels } from '../models/catalog';
import type { ModelEntry } from '../models/registry';
import { WorkerBridge } from '../workers/bridge';
import type { ModelRequest, Progress } from '../workers/protocol';
import { appRoot, isJobRunning, progressReporter, runAsJob, showError } from './jobs';
import { idleJob, idleLive, useAppStore, type InputFile, type VideoResult } from './store';

const media = new WorkerBridge(() => new Worker(new URL('../workers/media.worker.ts', import.meta.url), { type: 'module', name: 'media' }));

const set = useAppStore.setState;
const get = useAppStore.getState;

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
    const video = await media.call('probeVideo', { appRoot: appRoot(), video: file });
    set((s) => ({ video: { ...s.video, trim: WHOLE_VIDEO }, live: idleLive }));
    return { file, name: file.name, previewUrl: URL.createObjectURL(file), video };
  } finally {
    if (get().job.detail === opening) set({ job: idleJob });
  }
}

function modelRequest(model: ModelEntry, modelBytes: Uint8Array | undefined): ModelRequest {
  const { backend, gpu } = get();
  return { appRoot: appRoot(), backend, fp16: gpu?.shaderF16 ?? false, model, modelBytes };
}

export async function styleVideoFile(input: InputFile, model: ModelEntry, modelBytes: Uint8Array | undefined, signal: AbortSignal): Promise<VideoResult> {
  const { video, strength, styleId } = get();
  const value = await media.call(
    'styleVideo',
    {
      ...modelRequest(model, modelBytes),
      video: input.file,
      height: video.height,
      trim: video.trim,
      strength,
      format: video.format,
      gif: video.gif,
      encoder: new URLSearchParams(location.search).get('encoder') === 'ffmpeg' ? 'ffmpeg' : 'auto',
    },
    { signal, onProgress: progressReporter() },
  );
  const { blob, warning, ...facts } = value;
  if (warning) showError(warning);
  return {
    ...facts,
    url: URL.createObjectURL(blob),
    fileName: outputFileName(input.name, styleId === 'custom' ? 'custom-style' : styleId, video.format),
    format: video.format,
    bytes: blob.size,
    styleTitle: model.title,
  };
}

/** The live preview needs speed: the chosen style if it is a realtime one, else the first realtime style. */
function realtimeModel(styleId: string): ModelEntry | undefined {
  const realtime = styleModels.filter((m) => m.style?.tier === 'realtime');
  return realtime.find((m) => m.id === styleId) ?? realtime[0] ?? findModel(styleId);
}

/** Stylises the first seconds straight onto `canvas` (handed to the worker), reporting frames per second. */
export async function startLivePreview(canvas: HTMLCanvasElement): Promise<void> {
  const { input, video, styleId } = get();
  const model = realtimeModel(styleId);
  if (!input?.video || !model) return;
  const offscreen = canvas.transferControlToOffscreen();
  set({ live: { ...idleLive, status: 'running', styleTitle: model.title } });
  const started = await runAsJob('Starting live preview', async (signal) => {
    const onProgress = progressReporter();
    const report = (progress: Progress) => {
      onProgress(progress);
      if (progress.stage === 'frames') set((s) => ({ live: { ...s.live, frames: progress.done, total: progress.total } }));
    };
    const value = await media.call(
      'previewVideo',
      { ...modelRequest(model, undefined), video: input.file, height: video.height, seconds: styleMeta.video.previewSeconds, canvas: offscreen },
      { signal, onProgress: report, transfer: [offscreen] },
    );
    set({ live: { status: 'done', frames: value.frames, total: value.total, framesPerSecond: value.framesPerSecond, styleTitle: model.title } });
    return `Live preview: ${value.frames} of ${value.total} frames stylised in real time, ${value.framesPerSecond.toFixed(1)} fps (${model.title})`;
  });
  if (!started || get().live.status === 'running') set({ live: idleLive });
}
