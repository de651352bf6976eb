/**
 * The walk task's state slice (its own zustand store) and its actions: the SD-Turbo model from the
 * served catalogue, its licence (accepted on this device before anything is requested), whether this
 * device can run it (WebGPU with shader-f16 for fp16 weights), the prompts and settings, and the run:
 * each frame shown as it arrives, then the GIF.
 */
import { create } from 'zustand';
import { toUserMessage, UserError } from '../../lib/errors';
import { formatBytes } from '../../lib/progress';
import { slugify } from './names';
import type { Backend, ModelEntry } from '../../models/registry';
import { ownCopyStore } from '../../models/own';
import { setResult } from '../../state/actions';
import { appRoot, progressReporter, runAsJob, showError } from '../../state/jobs';
import { resultOf, useAppStore, type TaskResult } from '../../state/store';
import type { GpuInfo } from '../../runtime/capabilities';
import { photoWorker } from '../../workers/client';
import { meta, walkDefaults, type WalkSettings } from './meta';
import type { LatentWalkProgress, LatentWalkResult } from './protocol';
import { checkFrameCount } from './schedule';
import { isOwnWalk, OWN_WALK_ID, ownWalkEntry } from './own';

export interface WalkPayload extends Omit<LatentWalkResult, 'output'> {
  bytes: number;
  settings: WalkSettings;
  modelId: string;
  modelTitle: string;
}
export type WalkResult = TaskResult<WalkPayload>;

export interface WalkState {
  settings: WalkSettings;
  models: ModelEntry[] | null;
  modelsError: string | null;
  modelId: string;
  /** Licences accepted on this device: model id -> the licence (URL) accepted. */
  accepted: Record<string, string>;
  /**
   * SD-Turbo files the user copied in (src/features/walk/own.ts): kept in the model store
   * ('device', listed again after a reload) or, in a browser without OPFS, in the worker's memory.
   */
  own: { entry: ModelEntry; storage: 'device' | 'memory' } | null;
  /** Said once when the copied files were found gone (site data cleared, deleted in the Models panel). */
  ownNote: string | null;
  /** The latest frame of the running (or last) walk, as an object URL, and its place. */
  preview: { url: string; index: number; total: number; remainingMs: number | null } | null;
}

/**
 * Where the Models panel keeps accepted licences (src/app/components/ModelsPanel/Dialog.tsx), in
 * its format: model id -> the licence URL (or name) accepted, so a licence accepted in either place
 * counts in both, and a changed licence must be accepted again.
 */
const ACCEPTED_KEY = 'clipmorph-accepted-licences';

function loadAccepted(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(ACCEPTED_KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

const licenceOf = (model: ModelEntry) => model.licenceUrl ?? model.licence;

/** Reads the accepted licences again (after the Models panel closed, say). */
export function refreshAccepted(): void {
  set({ accepted: loadAccepted() });
}

export const useWalkStore = create<WalkState>(() => ({
  settings: walkDefaults,
  models: null,
  modelsError: null,
  modelId: '',
  accepted: loadAccepted(),
  own: null,
  ownNote: null,
  preview: null,
}));

const set = useWalkStore.setState;
const get = useWalkStore.getState;

export function useWalkResult(): WalkResult | null {
  return useAppStore((s) => resultOf<WalkPayload>(s, meta.id));
}

export function updateSettings(change: Partial<WalkSettings>): void {
  set({ settings: { ...get().settings, ...change } });
}

export function chosenModel(state: WalkState = get()): ModelEntry | undefined {
  return state.models?.find((m) => m.id === state.modelId);
}

export function chooseModel(id: string): void {
  set({ modelId: id });
}

/** The copy's stored files, kept across visits (src/models/own.ts); a memory copy lives in the photo worker. */
const ownWalkCopy = ownCopyStore({
  name: 'walk-model',
  label: 'SD-Turbo, your files (Latent walk)',
  what: 'Your SD-Turbo files',
  plural: true,
  again: 'Choose the folder again to copy them back.',
  worker: () => photoWorker,
});

/** Null while the copied files can still be read, else why not. */
function ownMissing(own: NonNullable<WalkState['own']>): Promise<string | null> {
  return ownWalkCopy.missing(own.entry.variants[0].files ?? [], own.storage);
}

function listModels(catalogue: ModelEntry[], own: WalkState['own']): void {
  const models = own ? [own.entry, ...catalogue.filter((m) => m.id !== OWN_WALK_ID)] : catalogue.filter((m) => m.id !== OWN_WALK_ID);
  set((s) => ({ models, own, modelId: models.some((m) => m.id === s.modelId) ? s.modelId : (models[0]?.id ?? '') }));
}

let catalogue: ModelEntry[] = [];

/** The copy is gone: the list forgets it and the note says why. */
function forgetOwn(note: string): void {
  ownWalkCopy.forget();
  set({ ownNote: note });
  listModels(catalogue, null);
}

/** The served catalogue's walk models (the manager loads lazily, as for the other tasks), after the user's own files if any. */
let loading: Promise<void> | null = null;
export function loadWalkModels(): Promise<void> {
  loading ??= (async () => {
    let own = get().own;
    const files = own ? null : ownWalkCopy.load();
    if (files) {
      own = { entry: ownWalkEntry(files), storage: 'device' };
      const gone = await ownMissing(own);
      if (gone) {
        forgetOwn(gone);
        own = null;
      }
    }
    try {
      const { loadCatalogue } = await import('../../models/manager');
      catalogue = (await loadCatalogue(appRoot())).filter((m) => m.task === 'walk');
      set({ modelsError: null });
    } catch (error) {
      loading = null;
      catalogue = [];
      if (!own) set({ modelsError: error instanceof Error ? error.message : String(error) });
    }
    listModels(catalogue, own);
  })();
  return loading;
}

/**
 * "Use your SD-Turbo files": the picked (or dropped) folder's files, each placed by its path, copied
 * into the model store as a job (progress, time left, Cancel), then chosen. A folder that lacks a
 * graph or holds two is refused before anything is copied; the previous copy, if any, stays.
 */
export async function importOwnWalk(files: File[]): Promise<void> {
  let picks;
  try {
    const { planOwnWalk } = await import('./folder');
    picks = planOwnWalk(files.map((file) => ({ file, path: file.webkitRelativePath || file.name })));
  } catch (error) {
    return showError(toUserMessage(error));
  }
  const total = picks.reduce((sum, p) => sum + p.file.size, 0);
  await runAsJob(`Copying SD-Turbo (${formatBytes(total)}) into this browser`, async (signal) => {
    const imported = await photoWorker.call('importModelFiles', { files: picks }, { signal, onProgress: progressReporter('Copying') });
    const own = { entry: ownWalkEntry(imported.files), storage: imported.storage };
    await ownWalkCopy.keep(imported.files, imported.storage);
    set({ ownNote: null, modelId: OWN_WALK_ID });
    listModels(catalogue, own);
    return imported.storage === 'device'
      ? `SD-Turbo's ${imported.files.length} files (${formatBytes(total)}) are in this browser's storage: they stay for later visits, offline too.`
      : `SD-Turbo's ${imported.files.length} files (${formatBytes(total)}) are in memory for this visit (this browser has no model storage).`;
  });
}

/** Looks again whether the copied files are still stored (back from the Models panel, which can delete them). */
export async function recheckOwnWalk(): Promise<void> {
  const own = get().own;
  const gone = own ? await ownMissing(own) : null;
  if (gone) forgetOwn(gone);
}

/** Removes the copied files from the model store and the list. */
export async function removeOwnWalk(): Promise<void> {
  const own = get().own;
  if (!own) return;
  await ownWalkCopy.delete();
  listModels(catalogue, null);
}

export function licenceAccepted(model: ModelEntry, state: WalkState = get()): boolean {
  return !model.licenceMustAccept || state.accepted[model.id] === licenceOf(model);
}

export function acceptLicence(model: ModelEntry): void {
  const accepted = { ...loadAccepted(), [model.id]: licenceOf(model) };
  try {
    localStorage.setItem(ACCEPTED_KEY, JSON.stringify(accepted));
  } catch {
    // private mode: accepted for this visit only
  }
  set({ accepted });
}

/** Weights in half precision: every variant is fp16 (SD-Turbo for ORT-web is). */
export function needsShaderF16(model: ModelEntry): boolean {
  return model.variants.every((v) => /fp16|f16/i.test(v.name));
}

/** Why this device cannot run the model (said before any download), or null when it can. */
export function deviceProblem(model: ModelEntry, backend: Backend, gpu: GpuInfo | null): string | null {
  if (!needsShaderF16(model)) return null;
  if (backend === 'webgpu' && gpu?.shaderF16) return null;
  const why = !gpu?.available
    ? 'this browser has no WebGPU'
    : backend !== 'webgpu'
      ? 'the app is running on WASM here, not WebGPU'
      : 'this GPU has WebGPU but not its shader-f16 feature';
  return `${model.title} runs in half precision (fp16) and needs WebGPU with the shader-f16 feature, and ${why}. Nothing has been downloaded. The style morph works on this device: it blends two painting styles into a looping GIF.`;
}

function settingsProblem(settings: WalkSettings): string | null {
  if (!settings.promptA.trim() || !settings.promptB.trim()) return 'Type both prompts.';
  try {
    checkFrameCount(settings.frames);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}

/** Everything Run needs, as one hook for the job bar. */
export function useCanRunWalk(): boolean {
  const state = useWalkStore();
  const { backend, gpu } = useAppStore();
  const model = chosenModel(state);
  return !!model && licenceAccepted(model, state) && !deviceProblem(model, backend, gpu) && !settingsProblem(state.settings);
}

function showFrame(progress: LatentWalkProgress): void {
  const frame = progress.frame;
  if (!frame) return;
  const canvas = new OffscreenCanvas(frame.width, frame.height);
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(frame.data), frame.width, frame.height), 0, 0);
  void canvas.convertToBlob({ type: 'image/png' }).then((blob) => {
    const previous = get().preview;
    if (previous && previous.index > frame.index && previous.total === progress.total) return; // a later frame is shown already
    if (previous) URL.revokeObjectURL(previous.url);
    set({ preview: { url: URL.createObjectURL(blob), index: frame.index, total: progress.total, remainingMs: progress.remainingMs ?? null } });
  });
}

export async function runWalk(): Promise<void> {
  const state = get();
  const model = chosenModel(state);
  if (!model) return showError('No latent-walk model is available: this build lists none in models/manifest.json.');
  const { backend, gpu } = useAppStore.getState();
  const problem = deviceProblem(model, backend, gpu) ?? settingsProblem(state.settings);
  if (problem) return showError(problem);
  if (!licenceAccepted(model, state)) return showError(`Read and accept the licence of ${model.title} first (${model.licence}).`);
  const own = isOwnWalk(model) ? state.own : null;
  const gone = own ? await ownMissing(own) : null;
  if (gone) {
    forgetOwn(gone);
    return showError(gone);
  }
  const settings = state.settings;
  const report = progressReporter(meta.progressLabel);
  const previous = get().preview;
  if (previous) URL.revokeObjectURL(previous.url);
  set({ preview: null });
  await runAsJob(`${meta.progressLabel} ${settings.frames} frames`, async (signal) => {
    const result = await photoWorker.call(
      'latentWalk',
      { appRoot: appRoot(), backend, fp16: gpu?.shaderF16 ?? false, model, download: !own, ...settings },
      {
        signal,
        onProgress: (progress) => {
          report(progress);
          showFrame(progress as LatentWalkProgress);
        },
      },
    );
    const { output, ...rest } = result;
    if (!output.size) throw new UserError(`The walk made an empty ${settings.format.toUpperCase()}. Try again with other prompts.`);
    setResult({
      task: meta.id,
      url: URL.createObjectURL(output),
      fileName: `${slugify(settings.promptA)}-to-${slugify(settings.promptB)}.${settings.format}`,
      payload: { ...rest, bytes: output.size, settings, modelId: model.id, modelTitle: model.title },
    } satisfies WalkResult);
    return `${result.frames} frames (${result.played} in the ${settings.format.toUpperCase()}) in ${(result.totalMs / 1000).toFixed(1)} s, ${(result.msPerFrame / 1000).toFixed(2)} s per frame.`;
  });
}
