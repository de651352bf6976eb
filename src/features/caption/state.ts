/**
 * The caption task's state slice (its own zustand store) and its actions: the batch of photos,
 * decoding settings, the chosen catalogue model, running the batch one photo at a time with the
 * caption shown token by token, editing, and exports.
 */
import { create } from 'zustand';
import { isCancelled, toUserMessage, UserError } from '../../lib/errors';
import { pickVariant, type ModelEntry } from '../../models/registry';
import { openFiles } from '../../state/actions';
import { appRoot, runAsJob, showError } from '../../state/jobs';
import { useAppStore, type InputFile } from '../../state/store';
import { photoWorker } from '../../workers/client';
import { captionsCsv, captionsJson, type CaptionRecord } from './export';
import { captionDefaults, meta, type CaptionSettings } from './meta';
import type { CaptionImageResult, CaptionProgress, OwnCaptionBytes } from './protocol';

export type PhotoStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface CaptionItem {
  id: number;
  file: File;
  name: string;
  previewUrl: string;
  status: PhotoStatus;
  /** The caption (as generated, or as the user edited it); while running, the text so far. */
  text: string;
  /** The caption as the model made it, before any edit. */
  generated: string;
  edited: boolean;
  error: string | null;
  /** Encoder + decoder time, and everything for this photo (file decoding, first model load…). */
  captionMs: number | null;
  totalMs: number | null;
  /** "model-id (variant)" that made the caption. */
  model: string | null;
}

export interface CaptionState {
  photos: CaptionItem[];
  settings: CaptionSettings;
  /** Catalogue models for this task (from the served manifest); null until loaded. */
  models: ModelEntry[] | null;
  modelsError: string | null;
  modelId: string;
  /** Whether the chosen model's files are on this device, as far as we last checked. */
  modelReady: boolean | null;
  /** ViT-GPT2 files of the user's own, picked or dropped (kept in memory until the page closes); complete, they are OWN_CAPTION_MODEL. */
  ownFiles: OwnCaptionFiles;
}

export type OwnCaptionRole = keyof OwnCaptionBytes;
export type OwnCaptionFiles = Partial<Record<OwnCaptionRole, { name: string; bytes: Uint8Array }>>;

/** The id under which the user's own files are listed (never a catalogue id). */
export const OWN_CAPTION_MODEL = 'own-files';
export const OWN_CAPTION_ROLES: readonly OwnCaptionRole[] = ['encoder', 'decoder', 'vocab'];

export function ownFilesComplete(own: OwnCaptionFiles): own is Required<OwnCaptionFiles> {
  return OWN_CAPTION_ROLES.every((role) => own[role] !== undefined);
}

/** The user's files as a model entry: what the request and the result name. */
export function ownCaptionModel(own: Required<OwnCaptionFiles>): ModelEntry {
  const bytes = own.encoder.bytes.byteLength + own.decoder.bytes.byteLength + own.vocab.bytes.byteLength;
  return {
    id: OWN_CAPTION_MODEL,
    task: 'caption',
    title: 'Your own files (ViT-GPT2)',
    embedded: true,
    licence: 'your own files',
    source: 'local files',
    io: { inputs: [], outputs: [] },
    variants: [{ name: 'custom', file: 'local', bytes, sha256: '0'.repeat(64) }],
    preferred: {},
  };
}

/** Which of ViT-GPT2's files this is, by its name as on the hub; null for one that is not needed (merges.txt). */
export function ownCaptionRole(name: string): OwnCaptionRole | null {
  const base = name.split('/').pop() ?? name;
  if (/\.onnx$/i.test(base)) {
    if (/decoder/i.test(base)) return 'decoder';
    if (/encoder/i.test(base)) return 'encoder';
    throw new UserError(`"${base}": the name does not say which graph it is. Use the hub's files, named encoder_model….onnx and decoder_model_merged….onnx.`);
  }
  if (/^vocab\.json$/i.test(base)) return 'vocab';
  if (/^merges\.txt$/i.test(base)) return null;
  throw new UserError(`"${base}" is not one of ViT-GPT2's files: a caption needs onnx/encoder_model*.onnx, onnx/decoder_model_merged*.onnx and vocab.json.`);
}

/**
 * Model files picked or dropped in the caption task: each takes its place (a later file replaces an
 * earlier one of the same role); once all three are there they are chosen. Returns what is still missing.
 * A file that is none of them is reported after the others have taken their places (none is lost).
 */
export async function addOwnCaptionFiles(files: Iterable<File>): Promise<OwnCaptionRole[]> {
  const own: OwnCaptionFiles = { ...get().ownFiles };
  let problem: unknown = null;
  for (const file of files) {
    let role: OwnCaptionRole | null;
    try {
      role = ownCaptionRole(file.name);
    } catch (error) {
      problem ??= error;
      continue;
    }
    if (role) own[role] = { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
  }
  const complete = ownFilesComplete(own);
  set({ ownFiles: own, ...(complete ? { modelId: OWN_CAPTION_MODEL, modelReady: true } : {}) });
  if (problem) throw problem;
  return OWN_CAPTION_ROLES.filter((role) => !own[role]);
}

/** ViT-GPT2's own files, by name: any other file stays a photo of the batch (and fails as one if it is not). */
const isModelFile = (file: File) => /\.onnx$|^vocab\.json$|^merges\.txt$/i.test(file.name);

export const useCaptionStore = create<CaptionState>(() => ({
  photos: [],
  settings: captionDefaults,
  models: null,
  modelsError: null,
  modelId: '',
  modelReady: null,
  ownFiles: {},
}));

const set = useCaptionStore.setState;
const get = useCaptionStore.getState;
let nextId = 1;

const sameFile = (a: File, b: File) => a === b || (a.name === b.name && a.size === b.size && a.lastModified === b.lastModified);

/** Photos in a folder pick (or a multi-file pick) that look like images; the rest are counted. */
export function looksLikeImageFile(file: File): boolean {
  return file.type.startsWith('image/') || /\.(jpe?g|png|webp|gif|bmp|avif|heic|heif|tiff?)$/i.test(file.name);
}

/**
 * Adds files to the batch. Non-images are kept when chosen one by one (they get a clear error when
 * the batch runs, and the batch goes on); from a folder they are skipped and counted.
 */
export function addPhotos(files: Iterable<File>, { fromFolder = false } = {}): { added: number; skipped: number } {
  const current = get().photos;
  const fresh: CaptionItem[] = [];
  let skipped = 0;
  const all = [...files];
  // Model files picked or dropped one by one (not from a photo folder) are the user's own model.
  const models = fromFolder ? [] : all.filter(isModelFile);
  if (models.length) void addOwnCaptionFiles(models).catch((error) => showError(toUserMessage(error)));
  for (const file of all) {
    if (models.includes(file)) continue;
    if (fromFolder && !looksLikeImageFile(file)) {
      skipped++;
      continue;
    }
    if ([...current, ...fresh].some((p) => sameFile(p.file, file))) continue;
    const name = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    fresh.push({ id: nextId++, file, name, previewUrl: URL.createObjectURL(file), status: 'queued', text: '', generated: '', edited: false, error: null, captionMs: null, totalMs: null, model: null });
  }
  if (fresh.length) set({ photos: [...current, ...fresh] });
  // Run needs the shared input (the job bar and the result view hang on it): the first photo.
  const first = fresh.find((p) => looksLikeImageFile(p.file));
  if (first && !useAppStore.getState().input) void openFiles([first.file]);
  return { added: fresh.length, skipped };
}

export function removePhoto(id: number): void {
  const photo = get().photos.find((p) => p.id === id);
  if (photo) URL.revokeObjectURL(photo.previewUrl);
  set({ photos: get().photos.filter((p) => p.id !== id) });
}

export function clearPhotos(): void {
  for (const p of get().photos) URL.revokeObjectURL(p.previewUrl);
  set({ photos: [] });
}

function update(id: number, change: Partial<CaptionItem>): void {
  set({ photos: get().photos.map((p) => (p.id === id ? { ...p, ...change } : p)) });
}

export function editCaption(id: number, text: string): void {
  const photo = get().photos.find((p) => p.id === id);
  if (photo) update(id, { text, edited: text !== photo.generated });
}

export function setSettings(change: Partial<CaptionSettings>): void {
  set({ settings: { ...get().settings, ...change } });
}

export function chooseModel(id: string): void {
  set({ modelId: id, modelReady: null });
  void checkModel();
}

// Photos opened through the page's picker or a drop while this task is chosen join the batch
// (a multi-file drop arrives as one input after another).
useAppStore.subscribe((state, previous) => {
  if (state.task !== meta.id || !state.input || state.input.video) return;
  if (state.input !== previous.input || state.task !== previous.task) addPhotos([state.input.file]);
});

/** The manager (hash-wasm, OPFS) loads only when the caption task needs it, as the models panel does. */
const manager = () => import('../../models/manager');

export async function loadCaptionModels(): Promise<void> {
  try {
    const { loadCatalogue } = await manager();
    const models = (await loadCatalogue(appRoot())).filter((m) => m.task === 'caption');
    const keep = models.some((m) => m.id === get().modelId) || (get().modelId === OWN_CAPTION_MODEL && ownFilesComplete(get().ownFiles));
    set({ models, modelsError: null, modelId: keep ? get().modelId : (models[0]?.id ?? '') });
    await checkModel();
  } catch (error) {
    set({ models: [], modelsError: toUserMessage(error) });
  }
}

export function chosenModel(): ModelEntry | null {
  const { models, modelId, ownFiles } = get();
  if (modelId === OWN_CAPTION_MODEL) return ownFilesComplete(ownFiles) ? ownCaptionModel(ownFiles) : null;
  return models?.find((m) => m.id === modelId) ?? null;
}

function requestBase(model: ModelEntry) {
  const { backend, gpu } = useAppStore.getState();
  return { appRoot: appRoot(), backend, fp16: gpu?.shaderF16 ?? false, model };
}

/** Whether the chosen model's preferred variant for this backend is on this device. */
export async function checkModel(): Promise<boolean> {
  const model = chosenModel();
  if (!model) return false;
  if (model.id === OWN_CAPTION_MODEL) {
    set({ modelReady: true }); // in memory: nothing to download
    return true;
  }
  const { variantStatus } = await manager();
  const base = requestBase(model);
  const state = (await variantStatus(pickVariant(model, base.backend, base.fp16))).state;
  const ready = state === 'ready';
  if (chosenModel() === model) set({ modelReady: ready });
  return ready;
}

// One caption at a time through the worker (ORT sessions do not take concurrent runs), whether the
// batch or the programmatic API asked.
let queue: Promise<unknown> = Promise.resolve();
export function serially<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

/** The user's files for a request with their model (copied to the worker with each photo; the session is reused by their sha256). */
function ownBytes(model: ModelEntry): OwnCaptionBytes | undefined {
  const own = get().ownFiles;
  if (model.id !== OWN_CAPTION_MODEL || !ownFilesComplete(own)) return undefined;
  return { encoder: own.encoder.bytes, decoder: own.decoder.bytes, vocab: own.vocab.bytes };
}

/** One photo through the worker: the caption, with `onText` called as it grows. */
export function captionBlob(
  image: Blob,
  name: string,
  options: { model: ModelEntry; settings: CaptionSettings; signal?: AbortSignal; onText?: (text: string, done: number, total: number) => void },
): Promise<CaptionImageResult> {
  return serially(() =>
    photoWorker.call(
      'captionImage',
      { ...requestBase(options.model), ...options.settings, image, imageName: name, ownFiles: ownBytes(options.model) },
      {
        signal: options.signal,
        onProgress: (progress) => {
          const p = progress as CaptionProgress;
          if (p.stage === 'infer' && p.text !== undefined) options.onText?.(p.text, p.done, p.total);
        },
      },
    ),
  );
}

const modelLabel = (result: CaptionImageResult, model: ModelEntry) => `${model.id} (${result.variant})`;

/** Captions every photo without a caption yet (or all of them again when each has one). */
export async function runCaptions(_input: InputFile): Promise<void> {
  const model = chosenModel();
  if (!model) {
    showError('No captioning model is available: this build lists none in models/manifest.json. Add the ViT-GPT2 files of your own (encoder, decoder, vocab.json) under Model.');
    return;
  }
  if (!(await checkModel())) {
    showError(`The model "${model.title}" is not on this device yet. Open "Models on this device", download it, then press ${meta.runLabel} again.`);
    return;
  }
  const pending = get().photos.filter((p) => p.status !== 'done');
  const batch = pending.length ? pending : get().photos;
  if (batch.length === 0) return;
  const settings = get().settings;
  const started = performance.now();
  await runAsJob(`Captioning ${batch.length} photo${batch.length === 1 ? '' : 's'}`, async (signal) => {
    let done = 0;
    let failed = 0;
    for (const [index, photo] of batch.entries()) {
      const progress = (tokens: number, total: number) =>
        useAppStore.setState({
          job: {
            status: 'running',
            stage: 'infer',
            fraction: (index + Math.min(1, tokens / Math.max(1, total))) / batch.length,
            etaSeconds: null,
            detail: `${meta.progressLabel} photo ${index + 1} of ${batch.length}: ${photo.name}`,
          },
        });
      progress(0, 1);
      update(photo.id, { status: 'running', text: '', generated: '', edited: false, error: null, captionMs: null, totalMs: null });
      try {
        const result = await captionBlob(photo.file, photo.name, {
          model,
          settings,
          signal,
          onText: (text, tokens, total) => {
            update(photo.id, { text });
            progress(tokens, total);
          },
        });
        update(photo.id, { status: 'done', text: result.text, generated: result.text, captionMs: result.captionMs, totalMs: result.totalMs, model: modelLabel(result, model) });
        done++;
      } catch (error) {
        if (isCancelled(error) || signal.aborted) {
          // The captions already made stay; this one and the rest wait for the next Run.
          update(photo.id, { status: 'cancelled', text: '' });
          throw error;
        }
        update(photo.id, { status: 'failed', text: '', error: toUserMessage(error), model: model.id });
        failed++;
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return `Captioned ${done} of ${batch.length} photo${batch.length === 1 ? '' : 's'} in ${seconds} s${failed ? ` (${failed} could not be captioned)` : ''}.`;
  });
}

export function captionRecords(): CaptionRecord[] {
  return get()
    .photos.filter((p) => p.status === 'done' || p.status === 'failed')
    .map((p) => ({ file: p.name, caption: p.text, model: p.model ?? '', seconds: p.captionMs === null ? null : p.captionMs / 1000, ...(p.error ? { error: p.error } : {}) }));
}

function save(text: string, type: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function exportCaptions(format: 'csv' | 'json'): void {
  const records = captionRecords();
  if (records.length === 0) throw new UserError('There are no captions to export yet.');
  if (format === 'csv') save(captionsCsv(records), 'text/csv;charset=utf-8', 'captions.csv');
  else save(captionsJson(records), 'application/json', 'captions.json');
}
