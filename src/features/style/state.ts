/**
 * The style task's state slice (its own zustand store: the shared store in src/state knows no task)
 * and its actions: run a photo or a video, the style morph, the live preview, and re-composing the
 * photo result when strength or format change.
 */
import { create } from 'zustand';
import { outputFileName, type ImageFormat, type VideoFormat } from '../../lib/filename';
import { blendRgba, type Rgba } from '../../lib/pixels';
import { WHOLE_VIDEO, type Trim } from '../../lib/timeline';
import type { GifOptions } from '../../media/encode/gif';
import { encodeImage } from '../../media/encode/image';
import type { DecoderPath } from '../../media/frames';
import type { Backend, ModelEntry } from '../../models/registry';
import { setResult } from '../../state/actions';
import { persistSettings } from '../../state/persist';
import { appRoot, isJobRunning, progressReporter, runAsJob, showError } from '../../state/jobs';
import { resultOf, useAppStore, type InputFile, type TaskResult } from '../../state/store';
import { photoWorker, videoWorker } from '../../workers/client';
import type { ModelRequest, Progress } from '../../workers/protocol';
import { blendInputs, isBlend, morphMixes, morphSuffix, NO_BLEND, type BlendChoice } from './blend';
import { meta, styleMeta } from './meta';
import { blendModel, customStyleModel, findModel, offeredQualityModel, styleModels, titleOf } from './models';
import { planImage, type StyleTier } from './plan';
import { bestVideoPlan, estimateSettled } from './videoEstimate';

export interface VideoSettings {
  format: VideoFormat;
  /** Processing and output height; 0 = the source's. */
  height: number;
  trim: Trim;
  gif: GifOptions;
  /** Opt-in: the quality-tier model on every frame, its time measured first (videoEstimate.ts). */
  best: boolean;
  /** Strokes stay put where the picture holds still and travel with a pan (media/steady.ts): on by default. */
  steady: boolean;
}

export interface LivePreview {
  status: 'idle' | 'running' | 'done';
  /** Frames stylised and shown, of `total`; the rest were dropped to keep to real time. */
  frames: number;
  total: number;
  framesPerSecond: number;
  styleTitle: string;
}

export interface CustomModel {
  name: string;
  bytes: Uint8Array;
}

/** A stylised photo: the pixels are kept so strength and format re-compose it without a new run. */
export interface ImagePayload {
  kind: 'image';
  pixels: { input: Rgba; stylised: Rgba };
  width: number;
  height: number;
  backend: Backend;
  variant: string;
  /** The model that ran: a style's own, the realtime blend, or the quality-tier model. */
  modelId: string;
  inferMillis: number;
  tiles: number;
  styleTitle: string;
  /** Names the download: the style id, or "first+second-30" for a blend; fixed when the job ran. */
  fileSuffix: string;
}

/** How a style morph is written: GIF (one palette) or MP4, and whether it plays back down again. */
export interface MorphOutput {
  format: 'gif' | 'mp4';
  pingPong: boolean;
}

/** A style morph: a GIF or MP4 of the photo going from one style to the other (and back, ping-pong). */
export interface MorphPayload extends MorphOutput {
  kind: 'morph';
  codec: string;
  bytes: number;
  frames: number;
  width: number;
  height: number;
  backend: Backend;
  title: string;
}

export interface VideoPayload {
  kind: 'video';
  format: VideoFormat;
  bytes: number;
  width: number;
  height: number;
  frames: number;
  seconds: number;
  /** Source time of the output's first frame, to play the source alongside. */
  sourceStart: number;
  decoder: DecoderPath;
  framesOnGpu: boolean;
  codec: string;
  hasAudio: boolean;
  framesPerSecond: number;
  backend: Backend;
  styleTitle: string;
  /** What the result lacks (a damaged or cut-short video: only the frames before the damage), shown beside it. */
  warning?: string;
}

export type StylePayload = ImagePayload | MorphPayload | VideoPayload;
export type StyleResult = TaskResult<StylePayload>;

export interface StyleState {
  styleId: string;
  customModel: CustomModel | null;
  /** Photos only: a second style mixed into the chosen one through the blend model. */
  blend: BlendChoice;
  /** Photos only: 'best' runs the quality-tier model (about 9x the work of 'fast'). */
  tier: StyleTier;
  strength: number;
  maxSide: number;
  format: ImageFormat;
  video: VideoSettings;
  live: LivePreview;
  /** The style morph's output choices. */
  morph: MorphOutput;
}

export const idleLive: LivePreview = { status: 'idle', frames: 0, total: 0, framesPerSecond: 0, styleTitle: '' };

export const useStyleStore = create<StyleState>(() => ({
  styleId: styleModels[0]?.id ?? '',
  customModel: null,
  blend: NO_BLEND,
  tier: 'fast',
  strength: styleMeta.defaults.strength,
  maxSide: styleMeta.defaults.maxSide,
  format: styleMeta.defaults.format,
  video: {
    format: styleMeta.video.format,
    height: styleMeta.video.height,
    trim: WHOLE_VIDEO,
    gif: { fps: styleMeta.video.gifFps[0], width: styleMeta.video.gifWidths[0] },
    best: false,
    steady: true,
  },
  live: idleLive,
  morph: { format: 'gif', pingPong: true },
}));

const set = useStyleStore.setState;
const get = useStyleStore.getState;
const shared = useAppStore.getState;

// The style, tier, strength, size and formats survive a reload (a dropped model's bytes do not).
persistSettings(
  useStyleStore,
  'style',
  (s) => ({ styleId: s.styleId === 'custom' ? undefined : s.styleId, tier: s.tier, strength: s.strength, maxSide: s.maxSide, format: s.format, video: { format: s.video.format, height: s.video.height, gif: s.video.gif, steady: s.video.steady } }),
  (saved, s) => ({ ...(saved as Partial<StyleState>), styleId: typeof saved.styleId === 'string' && findModel(saved.styleId) ? saved.styleId : s.styleId, video: { ...s.video, ...(saved.video as Partial<VideoSettings>) } }),
);

// A new input starts with the whole video and no live preview of the old one.
useAppStore.subscribe((state, previous) => {
  if (state.input !== previous.input) set((s) => ({ video: { ...s.video, trim: WHOLE_VIDEO }, live: idleLive }));
});

/** The style result on show, if it is one. */
export function useStyleResult(): StyleResult | null {
  return useAppStore((s) => resultOf<StylePayload>(s, meta.id));
}

function modelRequest(model: ModelEntry, modelBytes?: Uint8Array): ModelRequest {
  const { backend, gpu } = shared();
  return { appRoot: appRoot(), backend, fp16: gpu?.shaderF16 ?? false, model, modelBytes };
}

/** A dropped .onnx becomes the "custom" style, checked against the style contract when it first runs. */
export async function openStyleModel(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  set({ customModel: { name: file.name, bytes }, styleId: 'custom' });
}

/** Stylises the input, photo or video, with the chosen style. */
export async function runStyle(input: InputFile): Promise<void> {
  const { styleId, customModel } = get();
  const model = styleId === 'custom' && customModel ? customStyleModel(customModel.name) : findModel(styleId);
  if (!model) {
    showError('Pick a style first.');
    return;
  }
  const modelBytes = styleId === 'custom' ? customModel?.bytes : undefined;
  if (input.video) await runVideo(input, model, modelBytes);
  else await runImage(input, model, modelBytes);
}

async function runVideo(input: InputFile, model: ModelEntry, modelBytes: Uint8Array | undefined): Promise<void> {
  await runAsJob('Opening video', async (signal) => {
    const { video, strength, styleId } = get();
    const best = video.best ? bestVideoPlan(styleId) : null;
    if (best) await estimateSettled(); // the estimate's run and the job's share the worker's session
    const query = new URLSearchParams(location.search);
    const value = await videoWorker.call(
      'styleVideo',
      {
        ...(best ? modelRequest(best.model) : modelRequest(model, modelBytes)),
        extraInputs: best?.extraInputs,
        pipeline: query.get('pipeline') === 'serial' ? 'serial' : 'overlapped',
        modelWorker: ({ on: 'worker', off: 'inline' } as const)[query.get('modelWorker') ?? ''] ?? 'auto',
        video: input.file,
        height: video.height,
        trim: video.trim,
        strength,
        steady: video.steady,
        format: video.format,
        gif: video.gif,
        encoder: query.get('encoder') === 'ffmpeg' ? 'ffmpeg' : 'auto',
      },
      { signal, onProgress: progressReporter(meta.progressLabel) },
    );
    const { blob, timing: _timing, ...facts } = value;
    setResult({
      task: meta.id,
      url: URL.createObjectURL(blob),
      fileName: outputFileName(input.name, best ? best.fileSuffix : styleId === 'custom' ? 'custom-style' : styleId, video.format),
      payload: { kind: 'video', ...facts, format: video.format, bytes: blob.size, styleTitle: best ? `${model.title}, best quality` : model.title },
    } satisfies StyleResult);
    const audio = video.format === 'gif' ? '' : facts.hasAudio ? ', with the original audio' : ', no audio';
    return `Done: ${facts.frames} frames at ${facts.framesPerSecond.toFixed(1)} fps on ${facts.backend.toUpperCase()}${audio}`;
  });
}

async function runImage(input: InputFile, styleModel: ModelEntry, modelBytes: Uint8Array | undefined): Promise<void> {
  const { styleId, blend, tier, maxSide } = get();
  const plan = planImage(styleId, blend, tier, { style: styleModel, blend: blendModel, quality: offeredQualityModel(styleId), titleOf });
  await runAsJob('Reading image', async (signal) => {
    const value = await photoWorker.call(
      'styleImage',
      {
        ...modelRequest(plan.model, modelBytes),
        image: input.file,
        imageName: `"${input.name}"`,
        maxSide,
        extraInputs: plan.extraInputs,
      },
      { signal, onProgress: progressReporter(meta.progressLabel) },
    );
    setResult({
      task: meta.id,
      url: '',
      fileName: '',
      payload: {
        kind: 'image',
        pixels: { input: value.input, stylised: value.stylised },
        width: value.input.width,
        height: value.input.height,
        backend: value.backend,
        variant: value.variant,
        modelId: plan.model.id,
        inferMillis: value.inferMillis,
        tiles: value.tiles,
        styleTitle: plan.title,
        fileSuffix: plan.fileSuffix,
      },
    } satisfies StyleResult);
    await compose();
    return `Done in ${(value.inferMillis / 1000).toFixed(1)} s on ${value.backend.toUpperCase()}`;
  });
}

/** Style morph: an animated GIF of the photo going from the chosen style to the blend's second style and back. */
export async function runMorph(): Promise<void> {
  const { input } = shared();
  const { styleId, blend, strength, maxSide: chosenSide, morph: output } = get();
  const model = blendModel;
  if (!input || input.video || !model || !isBlend(model, styleId, { ...blend, mix: 1 })) return;
  const { steps, frameMillis, maxSide } = styleMeta.morph;
  const frames = morphMixes(steps).slice(0, steps).map((mix) => blendInputs(model, styleId, { withId: blend.withId, mix }));
  const title = `${titleOf(styleId)} to ${titleOf(blend.withId)}`;
  await runAsJob('Reading image', async (signal) => {
    const value = await photoWorker.call(
      'styleMorph',
      {
        ...modelRequest(model),
        image: input.file,
        imageName: `"${input.name}"`,
        maxSide: chosenSide > 0 ? Math.min(chosenSide, maxSide) : maxSide,
        strength,
        frames,
        frameMillis,
        format: output.format,
        pingPong: output.pingPong,
      },
      { signal, onProgress: progressReporter(meta.progressLabel) },
    );
    setResult({
      task: meta.id,
      url: URL.createObjectURL(value.blob),
      fileName: outputFileName(input.name, morphSuffix(styleId, blend.withId), output.format),
      payload: { kind: 'morph', ...output, codec: value.codec, bytes: value.blob.size, frames: value.frames, width: value.width, height: value.height, backend: value.backend, title },
    } satisfies StyleResult);
    return `Done: a ${value.frames}-frame style morph on ${value.backend.toUpperCase()}`;
  });
}

let composeToken = 0;

/** Blends the stylised pixels with the original at the chosen strength and encodes the download. */
export async function compose(): Promise<void> {
  const token = ++composeToken;
  const result = resultOf<StylePayload>(shared(), meta.id);
  const { input } = shared();
  const { strength, format } = get();
  if (!result || result.payload.kind !== 'image' || !input) return;
  const { pixels, fileSuffix } = result.payload;
  const blob = await encodeImage(blendRgba(pixels.input, pixels.stylised, strength), format);
  if (token !== composeToken || shared().result !== result) return; // a newer compose or job won
  setResult({ ...result, url: URL.createObjectURL(blob), fileName: outputFileName(input.name, fileSuffix, format) });
}

export function setStrength(strength: number): void {
  set({ strength });
  void compose();
}

export function setFormat(format: ImageFormat): void {
  set({ format });
  void compose();
}

export function updateMorph(patch: Partial<MorphOutput>): void {
  set((s) => ({ morph: { ...s.morph, ...patch } }));
}

export function updateVideo(patch: Partial<VideoSettings>): void {
  set((s) => ({ video: { ...s.video, ...patch } }));
}

/** The live preview needs speed: the chosen style if it is a realtime one, else the first realtime style. */
function realtimeModel(styleId: string): ModelEntry | undefined {
  const realtime = styleModels.filter((m) => m.style?.tier === 'realtime');
  return realtime.find((m) => m.id === styleId) ?? realtime[0] ?? findModel(styleId);
}

/** Stylises the first seconds straight onto `canvas` (handed to the worker), reporting frames per second. */
export async function startLivePreview(canvas: HTMLCanvasElement): Promise<void> {
  const { input } = shared();
  const { video, styleId } = get();
  const model = realtimeModel(styleId);
  if (!input?.video || !model || isJobRunning()) return;
  const offscreen = canvas.transferControlToOffscreen();
  set({ live: { ...idleLive, status: 'running', styleTitle: model.title } });
  const started = await runAsJob('Starting live preview', async (signal) => {
    const onProgress = progressReporter(meta.progressLabel);
    const report = (progress: Progress) => {
      onProgress(progress);
      if (progress.stage === 'frames') set((s) => ({ live: { ...s.live, frames: progress.done, total: progress.total } }));
    };
    const value = await videoWorker.call(
      'previewVideo',
      { ...modelRequest(model), video: input.file, height: video.height, seconds: styleMeta.video.previewSeconds, steady: video.steady, canvas: offscreen },
      { signal, onProgress: report, transfer: [offscreen] },
    );
    set({ live: { status: 'done', frames: value.frames, total: value.total, framesPerSecond: value.framesPerSecond, styleTitle: model.title } });
    return `Live preview: ${value.frames} of ${value.total} frames stylised in real time, ${value.framesPerSecond.toFixed(1)} fps (${model.title})`;
  });
  if (!started || get().live.status === 'running') set({ live: idleLive });
}
