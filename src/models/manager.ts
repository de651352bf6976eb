/**
 * The model manager: what the runtime and the "Models on this device" panel call. Embedded models
 * come from the app (precached by the service worker); catalogue models are downloaded from their
 * pinned hub URLs only when asked (`download: true`), streamed into OPFS with an incremental sha256
 * (download.ts), resumed with HTTP Range after a cut, and kept until deleted. Usable from the page
 * and from workers.
 */
import { UserError } from '../lib/errors';
import { downloadFile, isQuotaError, StorageFullError, type FileDownloadReport, type FileSink } from './download';
import { loadModelBytes } from './loader';
import { validateManifest, type Manifest, type ModelEntry, type ModelFile, type ModelVariant } from './registry';
import { clearStore, deviceSink, memorySink, opfsAvailable, readStored, removeStored, storedBlob, storedState } from './store';
import { createSHA256 } from 'hash-wasm';
import { forgetMemoryChoice, memoryChosen } from './choices';

export { StorageFullError } from './download';

export interface DownloadProgress {
  done: number;
  total: number;
  /** Over the last few seconds; null until there is something to measure. */
  bytesPerSecond: number | null;
  secondsLeft: number | null;
}

export type ProgressCallback = (done: number, total: number, info: DownloadProgress) => void;

export interface VariantFile {
  /** The file's path in its repository (embedded models: its path under models/). */
  path: string;
  role: string;
  bytes: Uint8Array;
}

export type Storage = 'device' | 'memory';

export interface LoadVariantOptions {
  appRoot: string;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /**
   * Catalogue files that are not on this device are downloaded only when true, i.e. when the user
   * has asked for this model (and accepted its licence). Otherwise a plain error says to download it.
   */
  download?: boolean;
  /** Where a download goes: OPFS (default, kept) or memory (this session only, e.g. storage full). */
  storage?: Storage;
  /** Hash every stored file again while reading it (files are verified when downloaded). */
  verify?: boolean;
  /**
   * Read only these files (by path) into memory; the rest stay on the device. A session needs one
   * graph and its external data, not the whole variant (SD-Turbo's UNet alone is 1.7 GB).
   */
  paths?: readonly string[];
}

/** Speed and time left from the bytes of the last few seconds (a sliding window, not since start). */
export class RateMeter {
  private samples: Array<[number, number]> = [];

  constructor(
    private readonly windowMs = 4000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(done: number, total: number): DownloadProgress {
    const t = this.now();
    this.samples.push([t, done]);
    while (this.samples.length > 2 && t - this.samples[1][0] >= this.windowMs) this.samples.shift();
    const [t0, d0] = this.samples[0];
    const seconds = (t - t0) / 1000;
    const bytesPerSecond = seconds > 0.2 && done > d0 ? (done - d0) / seconds : null;
    return { done, total, bytesPerSecond, secondsLeft: bytesPerSecond ? Math.max(0, (total - done) / bytesPerSecond) : null };
  }
}

/** The files a variant needs: its listed files (catalogue) or none (embedded). */
export function catalogueFiles(variant: ModelVariant): ModelFile[] {
  return variant.files ?? [];
}

export type VariantState = 'absent' | 'partial' | 'ready' | 'memory';

export interface VariantStatus {
  state: VariantState;
  /** Bytes on this device (verified files + partial downloads). */
  storedBytes: number;
  totalBytes: number;
}

export async function variantStatus(variant: ModelVariant): Promise<VariantStatus> {
  const files = catalogueFiles(variant);
  const states = await Promise.all(files.map(storedState));
  const storedBytes = states.reduce((sum, s, i) => sum + (s.complete ? files[i].bytes : s.partial), 0);
  const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  const ready = states.every((s) => s.complete || s.inMemory);
  const state: VariantState = ready
    ? states.every((s) => s.complete)
      ? 'ready'
      : 'memory'
    : storedBytes > 0 || states.some((s) => s.inMemory)
      ? 'partial'
      : 'absent';
  return { state, storedBytes, totalBytes };
}

/** The storage was not persistent yet: ask once per session (browsers may grant it silently). */
let persistAsked: Promise<boolean> | null = null;
export function requestPersistence(): Promise<boolean> {
  persistAsked ??= (async () => {
    try {
      // persist() exists only in windows; a worker's request is answered by the page's.
      const storage = navigator.storage as (StorageManager & { persist?: () => Promise<boolean> }) | undefined;
      if (!storage?.persist) return false;
      return (await storage.persisted()) || (await storage.persist());
    } catch {
      return false;
    }
  })();
  return persistAsked;
}

export async function storageEstimate(): Promise<{ usage: number; quota: number; persisted: boolean } | null> {
  try {
    if (!navigator.storage?.estimate) return null;
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    return { usage, quota, persisted: (await navigator.storage.persisted?.()) ?? false };
  } catch {
    return null;
  }
}

/** One download of a file at a time, across the page and workers (Web Locks where available). */
function withFileLock<T>(file: ModelFile, run: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  return locks ? (locks.request(`clipmorph-model-${file.sha256}`, run) as Promise<T>) : run();
}

export interface DownloadReport {
  files: Array<{ path: string } & FileDownloadReport>;
  storage: Storage;
}

/**
 * Downloads what the variant still lacks into `storage`. Call only when the user asked for it.
 * Throws StorageFullError when the device has no room (the UI then offers storage: 'memory').
 */
export async function downloadVariant(
  model: ModelEntry,
  variant: ModelVariant,
  options: { signal?: AbortSignal; onProgress?: ProgressCallback; storage?: Storage; fetch?: typeof fetch; retryDelayMs?: number; retries?: number; stallMs?: number } = {},
): Promise<DownloadReport> {
  const files = catalogueFiles(variant);
  if (files.length === 0) throw new Error(`${model.id} has no files to download (embedded models ship with the app)`);
  // No storage given: the user's "Run from memory this time" choice for this visit decides (asked of the page from a worker).
  const wanted = options.storage ?? ((await memoryChosen(model.id)) ? 'memory' : 'device');
  const storage: Storage = wanted === 'memory' || !opfsAvailable() ? 'memory' : 'device';
  const states = await Promise.all(files.map(storedState));
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const have = (s: (typeof states)[number]) => s.complete || (storage === 'memory' && s.inMemory);
  if (storage === 'device') {
    void requestPersistence();
    const needed = files.reduce((sum, f, i) => sum + (have(states[i]) ? 0 : f.bytes - states[i].partial), 0);
    const estimate = await storageEstimate();
    if (estimate && estimate.quota > 0 && estimate.quota - estimate.usage < needed) throw new StorageFullError(needed);
  }
  const meter = new RateMeter();
  let finished = files.reduce((sum, f, i) => sum + (have(states[i]) ? f.bytes : 0), 0);
  const report: DownloadReport = { files: [], storage };
  options.onProgress?.(finished, total, meter.update(finished, total));
  for (const [i, file] of files.entries()) {
    if (have(states[i])) continue;
    const result = await withFileLock(file, async () => {
      const again = await storedState(file); // another tab or worker may have finished it meanwhile
      if (again.complete || (storage === 'memory' && again.inMemory)) return { requests: 0, resumed: 0, restarts: 0 };
      let sink: FileSink;
      try {
        sink = storage === 'memory' ? memorySink(file) : await deviceSink(file);
      } catch (error) {
        if (isQuotaError(error)) throw new StorageFullError(file.bytes, { cause: error });
        throw error;
      }
      return downloadFile(file, sink, {
        signal: options.signal,
        fetch: options.fetch,
        retryDelayMs: options.retryDelayMs,
        retries: options.retries,
        stallMs: options.stallMs,
        onBytes: (stored) => options.onProgress?.(finished + stored, total, meter.update(finished + stored, total)),
      });
    });
    report.files.push({ path: file.path, ...result });
    finished += file.bytes;
    options.onProgress?.(finished, total, meter.update(finished, total));
  }
  return report;
}

async function hashBlob(blob: Blob): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hasher.update(value);
  }
  return hasher.digest('hex');
}

/** Reads every stored file of the variant back and checks its sha256; false if any is missing or damaged. */
export async function verifyVariant(variant: ModelVariant): Promise<{ ok: boolean; files: number; bytes: number }> {
  let bytes = 0;
  for (const file of catalogueFiles(variant)) {
    const blob = await storedBlob(file);
    if (!blob || blob.size !== file.bytes || (await hashBlob(blob)) !== file.sha256) return { ok: false, files: catalogueFiles(variant).length, bytes };
    bytes += blob.size;
  }
  return { ok: true, files: catalogueFiles(variant).length, bytes };
}

/**
 * The runtime's one entry point: every file of `variant`, as bytes, for embedded and catalogue
 * models alike. Catalogue files come from this device (OPFS or this session's memory); missing ones
 * are downloaded only with `download: true`.
 */
export async function loadVariantFiles(model: ModelEntry, variant: ModelVariant, options: LoadVariantOptions): Promise<VariantFile[]> {
  const files = catalogueFiles(variant);
  if (files.length === 0) {
    const bytes = await loadModelBytes(model, variant, { appRoot: options.appRoot, signal: options.signal, onProgress: options.onProgress && progressOf(options.onProgress) });
    return [{ path: variant.file, role: 'model', bytes }];
  }
  const status = await variantStatus(variant);
  if (status.state !== 'ready' && status.state !== 'memory') {
    // Choosing "Run from memory this time" (offered only after a licence was accepted and the
    // device was full) is asking for the download whenever a task needs the model.
    const fromMemory = options.storage === 'memory' || (options.storage === undefined && (await memoryChosen(model.id)));
    if (!options.download && !fromMemory) {
      throw new UserError(
        `The model "${model.title}" is not on this device yet (${Math.ceil(status.totalBytes / (1024 * 1024))} MB). Open "Models on this device" and download it first.`,
      );
    }
    await downloadVariant(model, variant, { signal: options.signal, onProgress: options.onProgress, storage: fromMemory ? 'memory' : options.storage });
  }
  if (options.verify) {
    const check = await verifyVariant(variant);
    if (!check.ok) throw new UserError(`The stored copy of "${model.title}" is damaged. Delete it in "Models on this device" and download it again.`);
  }
  const out: VariantFile[] = [];
  for (const file of files) {
    if (options.paths && !options.paths.includes(file.path)) continue;
    const bytes = await readStored(file);
    if (!bytes) throw new UserError(`A file of "${model.title}" (${file.path}) is missing from this device. Download the model again.`);
    out.push({ path: file.path, role: file.role, bytes });
  }
  return out;
}

function progressOf(callback: ProgressCallback): (done: number, total: number) => void {
  const meter = new RateMeter();
  return (done, total) => callback(done, total, meter.update(done, total));
}

/** Removes every stored file (and partial download) of the model. */
export async function deleteModel(model: ModelEntry): Promise<void> {
  for (const variant of model.variants) for (const file of catalogueFiles(variant)) await removeStored(file);
  forgetMemoryChoice(model.id);
}

export async function deleteAllModels(): Promise<void> {
  await clearStore();
  forgetMemoryChoice();
}

/**
 * Catalogue models from the served models/manifest.json (not the bundled copy), so a deployment can
 * list new downloadable models without rebuilding the app; the service worker precaches it for offline use.
 */
export async function loadServedManifest(appRoot: string, signal?: AbortSignal): Promise<Manifest> {
  const response = await fetch(new URL('models/manifest.json', appRoot), { signal, cache: 'no-cache' });
  if (!response.ok) throw new UserError(`The list of models could not be loaded (HTTP ${response.status}).`);
  return validateManifest(await response.json());
}

export async function loadCatalogue(appRoot: string, signal?: AbortSignal): Promise<ModelEntry[]> {
  return (await loadServedManifest(appRoot, signal)).models.filter((m) => !m.embedded);
}
