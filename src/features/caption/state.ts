/**
 * The caption task's state slice (its own zustand store) and its actions: the batch of photos,
 * decoding settings, the chosen catalogue model, running the batch one photo at a time with the
 * caption shown token by token, editing, and exports.
 */
import { create } from 'zustand';
import { isCancelled, toUserMessage, UserError } from '../../lib/errors';
import { pickVariant, type ModelEntry, type ModelFile } from '../../models/registry';
import { ownCopyStore } from '../../models/own';
import { openFiles } from '../../state/actions';
import { appRoot, runAsJob, showError } from '../../state/jobs';
import { useAppStore, type InputFile } from '../../state/store';
import { photoWorker } from '../../workers/client';
import { captionsCsv, captionsJson, type CaptionRecord } from './export';
import { captionDefaults, meta, type CaptionSettings } from './meta';
import { OWN_CAPTION_MODEL, OWN_CAPTION_ROLES, ownCaptionEntry, ownCaptionPath, ownCaptionRole, type OwnCaptionRole } from './own';
import type { CaptionImageResult, CaptionProgress } from './protocol';

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
  /** ViT-GPT2 files of the user's own, picked or dropped; complete and copied into the model store, they are OWN_CAPTION_MODEL. */
  ownFiles: OwnCaptionFiles;
  /** Where the copy is: this device (kept) or, in a browser without OPFS, the worker's memory (this visit). */
  ownStorage: 'device' | 'memory' | null;
  /** The files are being copied into the store. */
  ownCopying: boolean;
  /** Said when the copied files were found gone (site data cleared, deleted in the Models panel). */
  ownNote: string | null;
}

/**
 * One role of the user's files: picked this visit and not copied yet (`file`), or copied into the
 * model store (`stored`, also after a reload). `name` is the user's file name.
 */
export type OwnCaptionFiles = Partial<Record<OwnCaptionRole, { name: string; file?: File; stored?: ModelFile }>>;

export function ownFilesComplete(own: OwnCaptionFiles): boolean {
  return OWN_CAPTION_ROLES.every((role) => own[role] !== undefined);
}

/** The stored files' model, once all three are copied in. */
export function ownCaptionModel(own: OwnCaptionFiles): ModelEntry | null {
  const stored = OWN_CAPTION_ROLES.map((role) => own[role]?.stored);
  return stored.every((f): f is ModelFile => f !== undefined) ? ownCaptionEntry(stored) : null;
}

/** The copy's stored files, kept across visits (src/models/own.ts); a memory copy lives in the photo worker. */
const ownCaptionCopy = ownCopyStore({
  name: 'caption-model',
  label: 'ViT-GPT2, your files (Captions)',
  what: 'Your ViT-GPT2 files',
  plural: true,
  again: 'Pick them again.',
  worker: () => photoWorker,
});

function ownFromStore(): OwnCaptionFiles {
  const files = ownCaptionCopy.load();
  const own: OwnCaptionFiles = {};
  for (const role of OWN_CAPTION_ROLES) {
    const stored = files?.find((f) => f.role === role);
    if (stored) own[role] = { name: stored.path.split('/').pop()!, stored };
  }
  return ownFilesComplete(own) ? own : {};
}

/** Copies the picked files not yet in the store (one caption job at a time, so a run waits for it), then chooses them. */
async function importOwnFiles(): Promise<void> {
  const own = get().ownFiles;
  const picks = OWN_CAPTION_ROLES.flatMap((role) => {
    const f = own[role];
    return f?.file && !f.stored ? [{ file: f.file as Blob, path: ownCaptionPath(role, f.name), role }] : [];
  });
  set({ ownCopying: true });
  try {
    const imported = picks.length ? await serially(() => photoWorker.call('importModelFiles', { files: picks })) : null;
    const next: OwnCaptionFiles = { ...get().ownFiles };
    for (const file of imported?.files ?? []) {
      const role = file.role as OwnCaptionRole;
      if (next[role]?.file === own[role]?.file) next[role] = { name: next[role]!.name, stored: file };
    }
    const model = ownCaptionModel(next);
    if (model) await ownCaptionCopy.keep(model.variants[0].files ?? [], imported?.storage ?? get().ownStorage ?? 'device', { fresh: imported?.files ?? [] });
    set({ ownFiles: next, ownStorage: imported?.storage ?? get().ownStorage ?? 'device', ...(model ? { modelId: OWN_CAPTION_MODEL, modelReady: true } : {}) });
  } finally {
    set({ ownCopying: false });
  }
}

/**
 * Model files picked or dropped in the caption task: each takes its place (a later file replaces an
 * earlier one of the same role); once all three are there they are copied into this browser's model
 * storage and chosen. Returns what is still missing. A file that is none of them is reported after
 * the others have taken their places (none is lost).
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
    if (role) own[role] = { name: file.name, file };
  }
  set({ ownFiles: own });
  if (ownFilesComplete(own)) await importOwnFiles();
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
  ownFiles: ownFromStore(),
  ownStorage: null,
  ownCopying: false,
  ownNote: null,
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

/** Whether Run can start: photos in the batch and a model chosen (the task's useCanRun). */
export function useCanRunCaptions(): boolean {
  return useCaptionStore((s) => s.photos.length > 0 && s.modelId !== '');
}

// Photos opened through the page's picker or a drop while this task is chosen join the batch
// (a multi-file drop arrives as one input after another).
useAppStore.subscribe((state, previous) => {
  if (state.task !== meta.id || !state.input || state.input.video) return;
  if (state.input !== previous.input || state.task !== previous.task) addPhotos([state.input.file]);
});
// This module loads when the task is first chosen (with its views), after the switch the
// subscription would have seen: the photo open at that moment joins now.
{
  const { task, input } = useAppStore.getState();
  if (task === meta.id && input && !input.video) addPhotos([input.file]);
}

/** The manager (hash-wasm, OPFS) loads only when the caption task needs it, as the models panel does. */
const manager = () => import('../../models/manager');

export async function loadCaptionModels(): Promise<void> {
  try {
    const { loadCatalogue } = await manager();
    const models = (await loadCatalogue(appRoot())).filter((m) => m.task === 'caption');
    const own = ownCaptionModel(get().ownFiles);
    const keep = models.some((m) => m.id === get().modelId) || (get().modelId === OWN_CAPTION_MODEL && own);
    // Nothing chosen yet: the user's own files of an earlier visit, else the catalogue's default.
    set({ models, modelsError: null, modelId: keep ? get().modelId : own ? OWN_CAPTION_MODEL : (models[0]?.id ?? '') });
    await checkModel();
  } catch (error) {
    set({ models: [], modelsError: toUserMessage(error) });
  }
}

export function chosenModel(): ModelEntry | null {
  const { models, modelId, ownFiles } = get();
  if (modelId === OWN_CAPTION_MODEL) return ownCaptionModel(ownFiles);
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
  const { variantStatus } = await manager();
  if (model.id === OWN_CAPTION_MODEL) {
    // A stored copy may have been cleared since, a memory copy lost with its worker.
    const gone = await ownCaptionCopy.missing(model.variants[0].files ?? [], get().ownStorage ?? 'device');
    if (!gone) {
      set({ modelReady: true });
      return true;
    }
    forgetOwnFiles(gone);
    return false;
  }
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

/** Drops the own files' entry (and says why); their stored bytes are removed by ownCaptionCopy.delete(). */
function forgetOwnFiles(note: string | null): void {
  ownCaptionCopy.forget();
  const { models, modelId } = get();
  set({ ownFiles: {}, ownStorage: null, ownNote: note, ...(modelId === OWN_CAPTION_MODEL ? { modelId: models?.[0]?.id ?? '', modelReady: null } : {}) });
}

/** "Delete your copy": the stored files go, and the list forgets them. */
export async function deleteOwnCaptionFiles(): Promise<void> {
  await ownCaptionCopy.delete();
  forgetOwnFiles(null);
  await checkModel();
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
      { ...requestBase(options.model), ...options.settings, image, imageName: name },
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
    const gone = model.id === OWN_CAPTION_MODEL ? get().ownNote : null; // the user's copy was deleted or cleared
    showError(gone ?? `The model "${model.title}" is not on this device yet. Open "Models on this device", download it, then press ${meta.runLabel} again.`);
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
