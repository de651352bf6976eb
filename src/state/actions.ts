/** What the UI can do: open files, run and cancel jobs, re-compose the result. */
import { styleMeta } from '../features/style/meta';
import { CancelledError, isCancelled, toUserMessage, UserError } from '../lib/errors';
import { outputFileName } from '../lib/filename';
import { blendRgba } from '../lib/pixels';
import { estimateProgress } from '../lib/progress';
import { encodeImage } from '../media/encode/image';
import { customStyleModel, findModel } from '../models/catalog';
import { WorkerBridge } from '../workers/bridge';
import type { Progress, Stage } from '../workers/protocol';
import { idleJob, useAppStore, type StyleResult } from './store';

const inference = new WorkerBridge(
  () => new Worker(new URL('../workers/inference.worker.ts', import.meta.url), { type: 'module', name: 'inference' }),
);
let running: AbortController | null = null;

const set = useAppStore.setState;
const get = useAppStore.getState;

/** Absolute URL of the app's root, whatever sub-path it is served from. */
export function appRoot(): string {
  return new URL(import.meta.env.BASE_URL, document.baseURI).href;
}

export function showError(message: string | null): void {
  set({ error: message });
}

function isOnnx(file: File): boolean {
  return /\.onnx$/i.test(file.name);
}

function looksLikeImage(file: File): boolean {
  return file.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|bmp|avif|heic|heif|tiff?)$/i.test(file.name);
}

async function openImage(file: File): Promise<void> {
  try {
    // Decoding once here catches damaged files at drop time instead of at "Stylise".
    const bitmap = await createImageBitmap(file);
    bitmap.close();
  } catch {
    throw new UserError(`Could not read "${file.name}" as an image: it may be damaged, or in a format this browser cannot open. Try a PNG, JPEG or WebP file.`);
  }
  const previous = get().input;
  if (previous) URL.revokeObjectURL(previous.previewUrl);
  clearResult();
  set({ input: { file, name: file.name, previewUrl: URL.createObjectURL(file) }, error: null, job: idleJob });
}

async function openModel(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  set({ customModel: { name: file.name, bytes }, styleId: 'custom', error: null });
}

/** Files from the picker or a drop. Whatever fails, the current photo and result stay as they were. */
export async function openFiles(files: FileList | File[]): Promise<void> {
  const list = Array.from(files);
  if (list.length === 0) return;
  try {
    for (const file of list) {
      if (isOnnx(file)) await openModel(file);
      else if (looksLikeImage(file)) await openImage(file);
      else if (file.type.startsWith('video/')) throw new UserError(`"${file.name}" is a video; this version stylises photos only. Drop a PNG, JPEG or WebP image.`);
      else throw new UserError(`"${file.name}" is not an image. Drop a PNG, JPEG or WebP photo, or an .onnx style model.`);
    }
  } catch (error) {
    showError(toUserMessage(error));
  }
}

function clearResult(): void {
  const result = get().result;
  if (result) URL.revokeObjectURL(result.url);
  set({ result: null });
}

const STAGE_SPAN: Record<Stage, [number, number]> = { download: [0, 0.25], load: [0.25, 0.35], infer: [0.35, 1] };
const STAGE_LABEL: Record<Stage, string> = { download: 'Downloading model', load: 'Starting model', infer: 'Stylising' };

function progressReporter(): (progress: Progress) => void {
  let stage: Stage | null = null;
  let stageStarted = performance.now();
  return (progress) => {
    if (progress.stage !== stage) {
      stage = progress.stage;
      stageStarted = performance.now();
    }
    const estimate = estimateProgress(progress.done, progress.total, stageStarted, performance.now());
    const [from, to] = STAGE_SPAN[progress.stage];
    const detail = progress.stage === 'infer' && progress.total > 1 ? `${STAGE_LABEL.infer}: tile ${progress.done} of ${progress.total}` : STAGE_LABEL[progress.stage];
    set({
      job: { status: 'running', stage: progress.stage, fraction: from + (to - from) * estimate.fraction, etaSeconds: estimate.etaSeconds, detail },
    });
  };
}

export async function runJob(): Promise<void> {
  const state = get();
  if (!state.input || running) return;
  const model = state.styleId === 'custom' && state.customModel ? customStyleModel(state.customModel.name) : findModel(state.styleId);
  if (!model) {
    showError('Pick a style first.');
    return;
  }
  const controller = new AbortController();
  running = controller;
  set({ error: null, job: { ...idleJob, status: 'running', detail: 'Reading image' } });
  try {
    const value = await inference.call(
      'styleImage',
      {
        appRoot: appRoot(),
        backend: state.backend,
        fp16: state.gpu?.shaderF16 ?? false,
        model,
        modelBytes: state.styleId === 'custom' ? state.customModel?.bytes : undefined,
        image: state.input.file,
        imageName: `"${state.input.name}"`,
        maxSide: state.maxSide,
      },
      { signal: controller.signal, onProgress: progressReporter() },
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
      inferMillis: value.inferMillis,
      tiles: value.tiles,
      styleTitle: model.title,
    };
    set({ result });
    await compose();
    set({ job: { ...idleJob, status: 'done', fraction: 1, detail: `Done in ${(value.inferMillis / 1000).toFixed(1)} s on ${value.backend.toUpperCase()}` } });
  } catch (error) {
    if (isCancelled(error)) set({ job: { ...idleJob, status: 'cancelled', detail: 'Cancelled.' } });
    else set({ job: { ...idleJob, status: 'failed' }, error: toUserMessage(error) });
  } finally {
    if (running === controller) running = null;
  }
}

export function cancelJob(): void {
  running?.abort(new CancelledError());
}

let composeToken = 0;

/** Blends the stylised pixels with the original at the chosen strength and encodes the download. */
export async function compose(): Promise<void> {
  const token = ++composeToken;
  const { result, strength, format, input, styleId } = get();
  if (!result || !input) return;
  const blended = blendRgba(result.pixels.input, result.pixels.stylised, strength);
  const blob = await encodeImage(blended, format);
  if (token !== composeToken || get().result !== result) return; // a newer compose or job won
  URL.revokeObjectURL(result.url);
  const suffix = styleId === 'custom' ? 'custom-style' : styleId;
  set({ result: { ...result, url: URL.createObjectURL(blob), fileName: outputFileName(input.name, suffix, format) } });
}

export function setStrength(strength: number): void {
  set({ strength });
  void compose();
}

export function setFormat(format: (typeof styleMeta.defaults)['format']): void {
  set({ format });
  void compose();
}
