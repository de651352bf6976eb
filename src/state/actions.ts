/** What the UI can do: open files, run and cancel jobs, re-compose the result. */
import { blendInputs, isBlend, walkMixes, walkSuffix } from '../features/style/blend';
import { planImage } from '../features/style/plan';
import { styleMeta } from '../features/style/meta';
import { toUserMessage, UserError } from '../lib/errors';
import { outputFileName } from '../lib/filename';
import { blendRgba } from '../lib/pixels';
import { encodeImage } from '../media/encode/image';
import { blendModel, customStyleModel, findModel, qualityModel } from '../models/catalog';
import type { ModelEntry } from '../models/registry';
import { WorkerBridge } from '../workers/bridge';
import { appRoot, cancelJob, progressReporter, runAsJob, showError } from './jobs';
import { idleJob, useAppStore, type InputFile, type StyleResult } from './store';
import { looksLikeVideo, openVideoFile, styleVideoFile } from './video';

const inference = new WorkerBridge(
  () => new Worker(new URL('../workers/inference.worker.ts', import.meta.url), { type: 'module', name: 'inference' }),
);

const set = useAppStore.setState;
const get = useAppStore.getState;

export { appRoot, cancelJob, showError };

function isOnnx(file: File): boolean {
  return /\.onnx$/i.test(file.name);
}

function looksLikeImage(file: File): boolean {
  return file.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|bmp|avif|heic|heif|tiff?)$/i.test(file.name);
}

/**
 * Replaces the current input (and its result) once the new file is known to be readable. A job still
 * running on the old input is cancelled: its result would belong to a file no longer shown.
 */
function setInput(input: InputFile): void {
  cancelJob();
  const previous = get().input;
  if (previous) URL.revokeObjectURL(previous.previewUrl);
  clearResult();
  set({ input, error: null, job: idleJob });
}

async function openImage(file: File): Promise<void> {
  try {
    // Decoding once here catches damaged files at drop time instead of at "Stylise".
    const bitmap = await createImageBitmap(file);
    bitmap.close();
  } catch {
    throw new UserError(`Could not read "${file.name}" as an image: it may be damaged, or in a format this browser cannot open. Try a PNG, JPEG or WebP file.`);
  }
  setInput({ file, name: file.name, previewUrl: URL.createObjectURL(file), video: null });
}

async function openModel(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  set({ customModel: { name: file.name, bytes }, styleId: 'custom', error: null });
}

/** Files from the picker or a drop. Whatever fails, the current photo or video and result stay as they were. */
export async function openFiles(files: FileList | File[]): Promise<void> {
  const list = Array.from(files);
  if (list.length === 0) return;
  try {
    for (const file of list) {
      if (isOnnx(file)) await openModel(file);
      else if (await looksLikeVideo(file)) setInput(await openVideoFile(file));
      else if (looksLikeImage(file)) await openImage(file);
      else throw new UserError(`"${file.name}" is neither an image nor a video. Drop a photo (PNG, JPEG, WebP), a video (MP4, MOV, WebM, AVI...), or an .onnx style model.`);
    }
  } catch (error) {
    showError(toUserMessage(error));
  }
}

function clearResult(): void {
  const { result, videoResult, walkResult } = get();
  if (result) URL.revokeObjectURL(result.url);
  if (videoResult) URL.revokeObjectURL(videoResult.url);
  if (walkResult) URL.revokeObjectURL(walkResult.url);
  set({ result: null, videoResult: null, walkResult: null });
}

/** Stylises the current input, photo or video, with the chosen style. */
export async function runJob(): Promise<void> {
  const state = get();
  if (!state.input) return;
  const model = state.styleId === 'custom' && state.customModel ? customStyleModel(state.customModel.name) : findModel(state.styleId);
  if (!model) {
    showError('Pick a style first.');
    return;
  }
  const modelBytes = state.styleId === 'custom' ? state.customModel?.bytes : undefined;
  if (state.input.video) await runVideoJob(state.input, model, modelBytes);
  else await runImageJob(state.input, model, modelBytes);
}

async function runVideoJob(input: InputFile, model: ModelEntry, modelBytes: Uint8Array | undefined): Promise<void> {
  await runAsJob('Opening video', async (signal) => {
    const videoResult = await styleVideoFile(input, model, modelBytes, signal);
    clearResult();
    set({ videoResult });
    const audio = videoResult.format === 'gif' ? '' : videoResult.hasAudio ? ', with the original audio' : ', no audio';
    return `Done: ${videoResult.frames} frames at ${videoResult.framesPerSecond.toFixed(1)} fps on ${videoResult.backend.toUpperCase()}${audio}`;
  });
}

async function runImageJob(input: InputFile, styleModel: ModelEntry, modelBytes: Uint8Array | undefined): Promise<void> {
  const state = get();
  const plan = planImage(state.styleId, state.blend, state.tier, {
    style: styleModel,
    blend: blendModel,
    quality: qualityModel,
    titleOf: (id) => findModel(id)?.title ?? id,
  });
  await runAsJob('Reading image', async (signal) => {
    const value = await inference.call(
      'styleImage',
      {
        appRoot: appRoot(),
        backend: state.backend,
        fp16: state.gpu?.shaderF16 ?? false,
        model: plan.model,
        modelBytes,
        image: input.file,
        imageName: `"${input.name}"`,
        maxSide: state.maxSide,
        extraInputs: plan.extraInputs,
      },
      { signal, onProgress: progressReporter() },
    );
    clearResult();
    const result: StyleResult = {
      pixels: { input: value.input, stylised: value.stylised },
      url: '',
      fileName: '',
      width: value.input.width,
      height: value.input.height,
      backend: value.backend,
      variant: value.variant,
      modelId: plan.model.id,
      inferMillis: value.inferMillis,
      tiles: value.tiles,
      styleTitle: plan.title,
      fileSuffix: plan.fileSuffix,
    };
    set({ result });
    await compose();
    return `Done in ${(value.inferMillis / 1000).toFixed(1)} s on ${value.backend.toUpperCase()}`;
  });
}

/** An animated GIF of the photo walking from the chosen style to the blend's second style and back. */
export async function runWalkJob(): Promise<void> {
  const state = get();
  const { input, styleId, blend } = state;
  const walkModel = blendModel;
  if (!input || input.video || !walkModel || !isBlend(walkModel, styleId, { ...blend, mix: 1 })) return;
  const { steps, frameMillis, maxSide } = styleMeta.walk;
  const frames = walkMixes(steps).map((mix) => blendInputs(walkModel, styleId, { withId: blend.withId, mix }));
  const title = `${findModel(styleId)?.title ?? styleId} to ${findModel(blend.withId)?.title ?? blend.withId}`;
  await runAsJob('Reading image', async (signal) => {
    const value = await inference.call(
      'blendWalk',
      {
        appRoot: appRoot(),
        backend: state.backend,
        fp16: state.gpu?.shaderF16 ?? false,
        model: walkModel,
        image: input.file,
        imageName: `"${input.name}"`,
        maxSide: state.maxSide > 0 ? Math.min(state.maxSide, maxSide) : maxSide,
        strength: state.strength,
        frames,
        frameMillis,
      },
      { signal, onProgress: progressReporter() },
    );
    clearResult();
    set({
      walkResult: {
        url: URL.createObjectURL(value.blob),
        fileName: outputFileName(input.name, walkSuffix(styleId, blend.withId), 'gif'),
        bytes: value.blob.size,
        frames: value.frames,
        width: value.width,
        height: value.height,
        backend: value.backend,
        title,
      },
    });
    return `Done: a ${value.frames}-frame walk on ${value.backend.toUpperCase()}`;
  });
}

let composeToken = 0;

/** Blends the stylised pixels with the original at the chosen strength and encodes the download. */
export async function compose(): Promise<void> {
  const token = ++composeToken;
  const { result, strength, format, input } = get();
  if (!result || !input) return;
  const blended = blendRgba(result.pixels.input, result.pixels.stylised, strength);
  const blob = await encodeImage(blended, format);
  if (token !== composeToken || get().result !== result) return; // a newer compose or job won
  URL.revokeObjectURL(result.url);
  set({ result: { ...result, url: URL.createObjectURL(blob), fileName: outputFileName(input.name, result.fileSuffix, format) } });
}

export function setStrength(strength: number): void {
  set({ strength });
  void compose();
}

export function setFormat(format: (typeof styleMeta.defaults)['format']): void {
  set({ format });
  void compose();
}
