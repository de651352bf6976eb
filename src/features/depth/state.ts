/**
 * The depth task's state slice (its own zustand store) and its actions: load the depth models on
 * offer, run a photo, re-colour and re-encode the result when the colour map or format changes
 * (no new run), and make the 3D photo GIF.
 */
import { create } from 'zustand';
import { outputFileName, type VideoFormat } from '../../lib/filename';
import type { VariantStatus } from '../../models/manager';
import { pickVariant, type Backend, type ModelEntry, type ModelFile } from '../../models/registry';
import { setResult } from '../../state/actions';
import { appRoot, isJobRunning, progressReporter, runAsJob, showError } from '../../state/jobs';
import { resultOf, useAppStore, type InputFile, type TaskResult } from '../../state/store';
import { photoWorker, videoWorker } from '../../workers/client';
import type { ColormapId } from './colormap';
import { depthMeta, meta, type DepthFormat, type DepthView } from './meta';
import { depthKindOf, loadDepthModels, OWN_DEPTH_MODEL, ownDepthModel } from './models';
import { ownCopyStore } from '../../models/own';
import type { Range } from './postprocess';
import type { DecoderPath } from '../../media/frames';
import type { DepthModelRequest, FlickerReport, Photo3dFormat } from './protocol';

/** A depth map of the photo: the normalised map is kept so the colour map and format change without a new run. */
export interface DepthPhotoPayload {
  kind: 'photo';
  depth: Float32Array;
  width: number;
  height: number;
  range: Range;
  modelSize: { width: number; height: number };
  colormap: ColormapId;
  format: DepthFormat;
  /** The depth map in its colour map (shown; the download when the format is png). */
  displayUrl: string;
  backend: Backend;
  variant: string;
  modelId: string;
  modelTitle: string;
  inferMillis: number;
}

/** A 3D photo: a looping GIF of the camera circling in front of the photo. */
export interface Depth3dPayload {
  kind: '3d';
  format: Photo3dFormat;
  codec: string;
  frames: number;
  width: number;
  height: number;
  bytes: number;
  backend: Backend;
  modelTitle: string;
}

/** A depth video: the colour-mapped depth of every frame, encoded with the source's audio. */
export interface DepthVideoPayload {
  kind: 'video';
  format: VideoFormat;
  bytes: number;
  width: number;
  height: number;
  frames: number;
  seconds: number;
  decoder: DecoderPath;
  codec: string;
  hasAudio: boolean;
  framesPerSecond: number;
  backend: Backend;
  variant: string;
  modelTitle: string;
  colormap: ColormapId;
  flicker: FlickerReport;
  /** A partial result (damaged or cut-short video): what it lacks, shown with the result, not as an error. */
  warning?: string;
}

export type DepthPayload = DepthPhotoPayload | Depth3dPayload | DepthVideoPayload;
export type DepthResult = TaskResult<DepthPayload>;

export interface DepthState {
  /** Depth models in the served catalogue; null until loaded. */
  models: ModelEntry[] | null;
  modelsError: string | null;
  modelId: string;
  /**
   * A depth model file of the user's own (chosen as OWN_DEPTH_MODEL), copied into the model store
   * (`device`: kept, listed again after a reload) or, without OPFS, into the worker's memory.
   */
  ownModel: { file: ModelFile; storage: 'device' | 'memory' } | null;
  /** Said when the copied file was found gone (site data cleared, deleted in the Models panel). */
  ownNote: string | null;
  /** Whether the chosen model's files are on this device (null: not known yet). */
  status: VariantStatus | null;
  colormap: ColormapId;
  format: DepthFormat;
  view: DepthView;
  video: { height: number; format: VideoFormat };
  photo3dFormat: Photo3dFormat;
}

/** The copy's stored file (its path is the user's file name), kept across visits (src/models/own.ts); a memory copy lives in the photo worker. */
const ownDepthCopy = ownCopyStore({
  name: 'depth-model',
  label: 'Your depth model file (Depth)',
  what: 'Your depth model file',
  plural: false,
  again: 'Drop or choose it again.',
  worker: () => photoWorker,
});

export const useDepthStore = create<DepthState>(() => ({
  models: null,
  modelsError: null,
  modelId: '',
  ownModel: ((file) => (file ? { file, storage: 'device' as const } : null))(ownDepthCopy.load()?.[0]),
  ownNote: null,
  status: null,
  colormap: depthMeta.defaults.colormap,
  format: depthMeta.defaults.format,
  view: depthMeta.defaults.view,
  video: { height: depthMeta.video.height, format: depthMeta.video.format },
  photo3dFormat: 'gif',
}));

const set = useDepthStore.setState;
const get = useDepthStore.getState;
const shared = useAppStore.getState;

export function useDepthResult(): DepthResult | null {
  return useAppStore((s) => resultOf<DepthPayload>(s, meta.id));
}

export function chosenModel(state: DepthState = get()): ModelEntry | undefined {
  if (state.modelId === OWN_DEPTH_MODEL) return state.ownModel ? ownDepthModel(state.ownModel.file) : undefined;
  return state.models?.find((m) => m.id === state.modelId);
}

/** Whether Run can start: a photo or video open and a model chosen (the task's useCanRun). */
export function useCanRunDepth(): boolean {
  const hasInput = useAppStore((s) => s.input !== null);
  const hasModel = useDepthStore((s) => chosenModel(s) !== undefined);
  return hasInput && hasModel;
}

/**
 * A depth model file dropped on the page or picked: copied into the model store (streamed, hashed on
 * the way), listed as "your file" and chosen; the one it replaces leaves the store. Checked when it first runs.
 */
export async function openDepthModel(file: File): Promise<void> {
  const imported = await photoWorker.call('importModelFiles', { files: [{ file, path: file.name, role: 'model' }] });
  const stored = imported.files[0];
  await ownDepthCopy.keep([stored], imported.storage, { named: `${stored.path} (Depth)` });
  set({ ownModel: { file: stored, storage: imported.storage }, ownNote: null, modelId: OWN_DEPTH_MODEL, status: null });
}

/** "Delete your copy": the stored file goes, and the list forgets it. */
export async function deleteOwnDepthModel(): Promise<void> {
  await ownDepthCopy.delete();
  forgetOwnModel(null);
}

function forgetOwnModel(note: string | null): void {
  ownDepthCopy.forget();
  set((s) => ({ ownModel: null, ownNote: note, ...(s.modelId === OWN_DEPTH_MODEL ? { modelId: s.models?.[0]?.id ?? '', status: null } : {}) }));
  void refreshStatus();
}

/** Reads the served catalogue once (again after a failure), picks the default model and checks what is on this device. */
let loading: Promise<void> | null = null;
export function loadModels(): Promise<void> {
  loading ??= (async () => {
    try {
      const models = await loadDepthModels(appRoot());
      const keep = (s: DepthState) => models.some((m) => m.id === s.modelId) || (s.modelId === OWN_DEPTH_MODEL && s.ownModel !== null);
      // Nothing chosen yet: the user's own file of an earlier visit, else the catalogue's default.
      set((s) => ({ models, modelsError: null, modelId: keep(s) ? s.modelId : s.ownModel ? OWN_DEPTH_MODEL : (models[0]?.id ?? '') }));
      await refreshStatus();
    } catch (error) {
      loading = null;
      set({ models: [], modelsError: error instanceof Error ? error.message : String(error) });
    }
  })();
  return loading;
}

export async function refreshStatus(): Promise<void> {
  const model = chosenModel();
  if (!model) return set({ status: null });
  const { variantStatus } = await import('../../models/manager');
  if (model.id === OWN_DEPTH_MODEL) {
    // Nothing to download; the copy may be gone since (site data cleared, deleted in another tab, a lost memory copy).
    await ownStillThere();
    return set({ status: null });
  }
  const { backend, gpu } = shared();
  const status = await variantStatus(pickVariant(model, backend, gpu?.shaderF16 ?? false));
  if (chosenModel()?.id === model.id) set({ status });
}

/** Whether the user's own file, when chosen, can still be read; if not it is forgotten and the note says why. */
async function ownStillThere(): Promise<boolean> {
  const own = get().ownModel;
  if (!own || get().modelId !== OWN_DEPTH_MODEL) return true;
  const gone = await ownDepthCopy.missing([own.file], own.storage);
  if (gone) forgetOwnModel(gone);
  return !gone;
}

export function chooseModel(id: string): void {
  set({ modelId: id, status: null });
  void refreshStatus();
}

function modelRequest(model: ModelEntry): DepthModelRequest {
  const { backend, gpu } = shared();
  const base = { appRoot: appRoot(), backend, fp16: gpu?.shaderF16 ?? false, model };
  if (model.id === OWN_DEPTH_MODEL) return { ...base, kind: 'from-file', download: false };
  // Running is asking for the model, unless its licence must be accepted first (in Models on this device).
  return { ...base, kind: depthKindOf(model), download: !model.licenceMustAccept };
}

/**
 * The encoders load with the first result, not with the app: colour tables, PNG writers (the task's
 * state is in the entry chunk, its views and these are not).
 */
const encoders = () => Promise.all([import('./colormap'), import('./png16'), import('./postprocess'), import('../../media/encode/image')]);

/** The colour-mapped map as a PNG blob (the canvas encoder: 8 bits per channel). */
async function colourPng(payload: Pick<DepthPhotoPayload, 'depth' | 'width' | 'height'>, colormap: ColormapId): Promise<Blob> {
  const [{ applyColormap }, , , { encodeImage }] = await encoders();
  return encodeImage(applyColormap(payload.depth, payload.width, payload.height, colormap), 'png');
}

/** Re-colours and re-encodes the photo result for the current colour map and format (no new run). */
async function compose(): Promise<void> {
  const result = resultOf<DepthPayload>(shared(), meta.id);
  if (!result || result.payload.kind !== 'photo') return;
  const payload = result.payload;
  const { colormap, format } = get();
  const input = shared().input;
  const colourChanged = colormap !== payload.colormap || !payload.displayUrl;
  const colour = colourChanged || format === 'png' ? await colourPng(payload, colormap) : null;
  const displayUrl = colourChanged && colour ? URL.createObjectURL(colour) : payload.displayUrl;
  let url: string;
  if (format === 'png16') {
    const [, { depthPngText, encodePng16Grey }, { toUint16 }] = await encoders();
    const bytes = await encodePng16Grey(toUint16(payload.depth), payload.width, payload.height, depthPngText(payload.modelTitle));
    url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  } else {
    url = URL.createObjectURL(colour!); // its own URL: the download's is revoked when the result changes, the shown one is not
  }
  // Still the same result? (A new run or another task may have replaced it meanwhile.)
  if (resultOf<DepthPayload>(shared(), meta.id) !== result) {
    URL.revokeObjectURL(url);
    if (displayUrl !== payload.displayUrl) URL.revokeObjectURL(displayUrl);
    return;
  }
  if (displayUrl !== payload.displayUrl && payload.displayUrl) URL.revokeObjectURL(payload.displayUrl);
  const suffix = format === 'png16' ? 'depth16' : `depth-${colormap}`;
  setResult({
    task: meta.id,
    url,
    fileName: outputFileName(input?.name ?? 'image', suffix, 'png'),
    payload: { ...payload, colormap, format, displayUrl },
  } satisfies DepthResult);
}

export function setColormap(colormap: ColormapId): void {
  set({ colormap });
  void compose();
}

export function setFormat(format: DepthFormat): void {
  set({ format });
  void compose();
}

export function setView(view: DepthView): void {
  set({ view });
}

export function setPhoto3dFormat(photo3dFormat: Photo3dFormat): void {
  set({ photo3dFormat });
}

export function updateVideo(change: Partial<DepthState['video']>): void {
  set((s) => ({ video: { ...s.video, ...change } }));
}

/** The revoked-on-replace display URL of a photo result goes when the result does. */
useAppStore.subscribe((state, previous) => {
  const old = previous.result?.task === meta.id ? (previous.result.payload as DepthPayload) : null;
  if (old?.kind === 'photo' && old.displayUrl && state.result?.payload !== old) {
    const next = state.result?.task === meta.id ? (state.result.payload as DepthPayload) : null;
    if (!(next?.kind === 'photo' && next.displayUrl === old.displayUrl)) URL.revokeObjectURL(old.displayUrl);
  }
});

async function requireModel(): Promise<ModelEntry | null> {
  if (!(await ownStillThere())) {
    showError(get().ownNote ?? 'Your depth model file is gone. Drop or choose it again.');
    return null;
  }
  const model = chosenModel();
  if (!model) {
    const { models, modelsError } = get();
    showError(
      modelsError ??
        (models?.length === 0
          ? 'This deployment lists no depth model. Drop a depth model file (.onnx) on the page to use your own.'
          : 'No depth model is available: the list of models could not be read.'),
    );
  }
  return model ?? null;
}

/** A depth map of the photo with the chosen model. */
export async function runDepth(input: InputFile): Promise<void> {
  const model = await requireModel();
  if (!model) return;
  if (input.video) return runDepthVideo(input, model);
  await runAsJob('Reading image', async (signal) => {
    const value = await photoWorker.call(
      'depthImage',
      { ...modelRequest(model), image: input.file, imageName: `"${input.name}"` },
      { signal, onProgress: progressReporter(meta.progressLabel) },
    );
    setResult({
      task: meta.id,
      url: '',
      fileName: '',
      payload: { kind: 'photo', ...value, colormap: get().colormap, format: get().format, displayUrl: '', modelId: model.id, modelTitle: model.title },
    } satisfies DepthResult);
    await compose();
    void refreshStatus(); // the model may have just been downloaded
    return `Done in ${(value.inferMillis / 1000).toFixed(1)} s on ${value.backend.toUpperCase()} (${value.modelSize.width}×${value.modelSize.height} for the model)`;
  });
}

/** The 3D photo: the camera circling in front of the photo, as a looping GIF. */
export async function runDepth3d(): Promise<void> {
  const { input } = shared();
  if (!input || input.video || isJobRunning()) return;
  const model = await requireModel();
  if (!model) return;
  const { maxSide, frames, frameMillis, amplitude } = depthMeta.photo3d;
  const format = get().photo3dFormat;
  await runAsJob('Reading image', async (signal) => {
    const value = await photoWorker.call(
      'depthPhoto3d',
      { ...modelRequest(model), image: input.file, imageName: `"${input.name}"`, format, maxSide, frames, frameMillis, amplitude },
      { signal, onProgress: progressReporter('Making the 3D photo') },
    );
    setResult({
      task: meta.id,
      url: URL.createObjectURL(value.blob),
      fileName: outputFileName(input.name, '3d', format),
      payload: { kind: '3d', format, codec: value.codec, frames: value.frames, width: value.width, height: value.height, bytes: value.blob.size, backend: value.backend, modelTitle: model.title },
    } satisfies DepthResult);
    void refreshStatus();
    return `3D photo: ${value.frames} frames, ${value.width}×${value.height}`;
  });
}

async function runDepthVideo(input: InputFile, model: ModelEntry): Promise<void> {
  await runAsJob('Opening video', async (signal) => {
    const { video, colormap } = get();
    // A copy in memory (no OPFS writes in this browser) lives in the photo worker only.
    const worker = model.id === OWN_DEPTH_MODEL && get().ownModel?.storage === 'memory' ? photoWorker : videoWorker;
    const value = await worker.call(
      'depthVideo',
      {
        ...modelRequest(model),
        video: input.file,
        height: video.height,
        format: video.format,
        colormap,
        encoder: new URLSearchParams(location.search).get('encoder') === 'ffmpeg' ? 'ffmpeg' : 'auto',
      },
      { signal, onProgress: progressReporter(meta.progressLabel) },
    );
    const { blob, ...facts } = value;
    setResult({
      task: meta.id,
      url: URL.createObjectURL(blob),
      fileName: outputFileName(input.name, `depth-${colormap}`, video.format),
      payload: { kind: 'video', ...facts, format: video.format, bytes: blob.size, modelTitle: model.title, colormap },
    } satisfies DepthResult);
    void refreshStatus();
    const audio = video.format === 'gif' ? '' : facts.hasAudio ? ', with the original audio' : ', no audio';
    return `Done: ${facts.frames} frames at ${facts.framesPerSecond.toFixed(1)} fps on ${facts.backend.toUpperCase()}${audio}`;
  });
}
