/**
 * Model files of the user's own, once copied into the model store (src/models/import.ts): the list
 * of stored files (path, role, bytes, sha256) is kept per task in localStorage, so the task lists
 * them again after a reload and reads them by sha256 like downloaded files. In a browser that cannot
 * write to OPFS the copy lives in the memory of the worker that made it, for as long as that worker
 * runs. Page-side (the copy store asks the model manager and the worker's life); workers need only
 * the types.
 */
import type { ModelEntry, ModelFile } from './registry';

/** localStorage's part used here (workers have none). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

const pageStorage = (): KeyValueStore | undefined => (globalThis as { localStorage?: KeyValueStore }).localStorage;

function isStoredFile(value: unknown): value is ModelFile {
  const f = value as ModelFile;
  return !!f && typeof f.path === 'string' && typeof f.role === 'string' && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256) && Number.isSafeInteger(f.bytes);
}

/** Every task's key starts so, which lets the Models panel list them all without knowing a task. */
export const OWN_KEY_PREFIX = 'clipmorph-own-';

interface Saved {
  /** What the Models panel calls it: "SD-Turbo (your files, latent walk)". */
  label: string;
  files: ModelFile[];
}

function readSaved(key: string, storage: Pick<KeyValueStore, 'getItem'> | undefined): Saved | null {
  try {
    const saved = JSON.parse(storage?.getItem(key) ?? 'null') as Saved | null;
    const files: unknown = saved?.files;
    return typeof saved?.label === 'string' && Array.isArray(files) && files.length > 0 && files.every(isStoredFile) ? saved : null;
  } catch {
    return null;
  }
}

/** The stored files' list from an earlier import on this device, or null (none, or unreadable). */
export function loadOwnFiles(key: string, storage: Pick<KeyValueStore, 'getItem'> | undefined = pageStorage()): ModelFile[] | null {
  return readSaved(key, storage)?.files ?? null;
}

/** `key` must start with OWN_KEY_PREFIX; `label` names the copy in the Models panel. */
export function saveOwnFiles(key: string, files: ModelFile[] | null, label = key, storage: Pick<KeyValueStore, 'setItem' | 'removeItem'> | undefined = pageStorage()): void {
  try {
    if (files) storage?.setItem(key, JSON.stringify({ label, files } satisfies Saved));
    else storage?.removeItem(key);
  } catch {
    // private mode: the files stay usable for this visit
  }
}

/** Every task's stored copy on this device, for the Models panel. */
export function listOwnCopies(storage: Pick<KeyValueStore, 'getItem' | 'length' | 'key'> | undefined = pageStorage()): Array<Saved & { key: string; bytes: number }> {
  const out: Array<Saved & { key: string; bytes: number }> = [];
  for (let i = 0; i < (storage?.length ?? 0); i++) {
    const key = storage!.key(i);
    const saved = key?.startsWith(OWN_KEY_PREFIX) ? readSaved(key, storage) : null;
    if (key && saved) out.push({ key, ...saved, bytes: saved.files.reduce((sum, f) => sum + f.bytes, 0) });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label));
}

/** Removes a stored copy (its files, and its entry): the task notices when it next looks. */
export async function deleteOwnCopy(key: string): Promise<void> {
  const files = loadOwnFiles(key);
  saveOwnFiles(key, null);
  if (files) await removeReplaced(files, []);
}

/** A task's own files as one catalogue-like variant, read from the store only (no URL to download from). */
export function ownVariant(files: ModelFile[]) {
  return { name: 'your files', file: files[0].path, bytes: files.reduce((sum, f) => sum + f.bytes, 0), sha256: files[0].sha256, files };
}

/** What differs between the tasks' entries for their own files; the rest is the same for all. */
export type OwnEntryBase = Pick<ModelEntry, 'id' | 'task' | 'title' | 'io'> & Partial<Pick<ModelEntry, 'licence' | 'licenceUrl' | 'source'>>;

/** The stored files as a catalogue-like entry (what the request, the session cache and the result name). */
export function ownEntry(base: OwnEntryBase, files: ModelFile[]): ModelEntry {
  return { licence: 'your own files', source: 'your files', ...base, embedded: false, licenceMustAccept: false, variants: [ownVariant(files)], preferred: {} };
}

/** After a new copy replaced an old one: the old files no longer listed go from the store. */
export async function removeReplaced(before: readonly ModelFile[], after: readonly ModelFile[]): Promise<void> {
  const kept = new Set(after.map((f) => f.sha256));
  const gone = before.filter((f) => !kept.has(f.sha256));
  if (gone.length === 0) return;
  const { removeStored } = await import('./store');
  for (const file of gone) await removeStored(file);
}

/** The part of the worker bridge (src/workers/bridge.ts) that a copy in a worker's memory depends on. */
export interface WorkerLife {
  readonly generation: number;
  hold(key: string, on: boolean): void;
  /** Stops the worker if nothing runs in it and nothing holds it (its memory is freed); true if it did. */
  stopIfIdle(): boolean;
  /** Frees files in the worker's memory, and the sessions opened from them (src/workers/protocol.ts). */
  call(method: 'dropModelFiles', request: { sha256: string[] }): Promise<unknown>;
}

/** A copy that lives in a worker's memory, as the Models panel lists it. */
export interface MemoryCopy {
  key: string;
  label: string;
  files: number;
  bytes: number;
}

/** Every task's copy in worker memory (not in localStorage: it ends with the worker), by key. */
const memoryCopies = new Map<string, MemoryCopy & { hashes: readonly string[]; alive: () => boolean; remove: () => void }>();

/** The copies still in a worker's memory, for the Models panel. */
export function listMemoryCopies(): MemoryCopy[] {
  return [...memoryCopies.values()]
    .filter((copy) => copy.alive())
    .map(({ key, label, files, bytes }) => ({ key, label, files, bytes }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/**
 * Removes a copy from memory (the Models panel's Remove, or Delete all): the task stops holding its
 * worker, which is stopped now if idle; if a job runs in it or another task's copy holds it, the
 * worker frees this copy's files and their sessions instead (a session once its run ends). The task
 * says it was removed when next asked.
 */
export function removeMemoryCopy(key: string): void {
  memoryCopies.get(key)?.remove();
}

export interface OwnCopySpec {
  /** The localStorage key's suffix: `walk-model`. */
  name: string;
  /** What the Models panel calls it. */
  label: string;
  /** The copy in the user's words, and whether that is plural: "Your SD-Turbo files". */
  what: string;
  plural: boolean;
  /** How to get it back: "Choose the folder again to copy them back." */
  again: string;
  /** The worker that copies (and, without OPFS, holds) the files. */
  worker: () => WorkerLife;
  /** Whether the stored files are all on this device (default: the model manager's status). */
  stored?: (files: ModelFile[]) => Promise<boolean>;
}

async function allStored(files: ModelFile[]): Promise<boolean> {
  const { variantStatus } = await import('./manager');
  return (await variantStatus(ownVariant(files))).state === 'ready';
}

/**
 * One task's copy, as the task uses it: `keep` a new copy (the files the old one listed and the new
 * one does not leave the store; a memory copy is not listed, it lives in the worker, which is then
 * held from its idle stop), `missing` says whether it is still there and if not why, `forget` it
 * (found gone), `delete` it (its files too).
 */
export function ownCopyStore(spec: OwnCopySpec) {
  const key = `${OWN_KEY_PREFIX}${spec.name}`;
  /** A memory copy's files (by sha256) and the worker generation each was copied into. */
  let memory = new Map<string, number>();
  /** The memory copy was removed under Models (rather than lost with its worker); cleared by the next release. */
  let removed = false;
  const release = () => {
    removed = false;
    memoryCopies.delete(key);
    if (memory.size === 0) return;
    memory = new Map();
    spec.worker().hold(key, false);
  };
  const [are, they] = spec.plural ? ['are', 'they were'] : ['is', 'it was'];
  return {
    key,
    label: spec.label,
    load: () => loadOwnFiles(key),
    /**
     * A new copy of `files`, of which `fresh` were copied just now (the rest came from an earlier
     * copy: in memory, they keep the generation they were copied into).
     */
    async keep(files: ModelFile[], storage: 'device' | 'memory', options: { named?: string; fresh?: readonly ModelFile[] } = {}): Promise<void> {
      await removeReplaced(loadOwnFiles(key) ?? [], files);
      saveOwnFiles(key, storage === 'device' ? files : null, options.named ?? spec.label);
      const before = memory;
      release();
      if (storage === 'memory') {
        const now = spec.worker().generation;
        const fresh = new Set((options.fresh ?? files).map((f) => f.sha256));
        memory = new Map(files.map((f) => [f.sha256, fresh.has(f.sha256) ? now : (before.get(f.sha256) ?? -1)]));
        spec.worker().hold(key, true);
        const copied = memory;
        memoryCopies.set(key, {
          key,
          label: options.named ?? spec.label,
          files: files.length,
          bytes: files.reduce((sum, f) => sum + f.bytes, 0),
          hashes: files.map((f) => f.sha256),
          alive: () => [...copied.values()].every((generation) => generation === spec.worker().generation),
          remove: () => {
            const worker = spec.worker();
            // Only what the running worker holds (a stop since then took the rest), and not what another copy lists.
            const inWorker = [...copied].filter(([, generation]) => generation === worker.generation).map(([hash]) => hash);
            release();
            removed = true;
            if (worker.stopIfIdle() || inWorker.length === 0) return;
            const listed = new Set([...memoryCopies.values()].filter((copy) => copy.alive()).flatMap((copy) => copy.hashes));
            const drop = inWorker.filter((hash) => !listed.has(hash));
            if (drop.length > 0) void worker.call('dropModelFiles', { sha256: drop }).catch(() => undefined);
          },
        });
      }
    },
    /**
     * Null while the copy can still be read, else the sentence that says it is gone and what to do.
     * A stored copy goes when the site's data is cleared or it is deleted under Models (in any tab);
     * a memory copy when its worker stopped (a cancelled or failed job).
     */
    async missing(files: ModelFile[], storage: 'device' | 'memory'): Promise<string | null> {
      if (storage === 'memory') {
        const now = spec.worker().generation;
        if (files.length > 0 && files.every((f) => memory.get(f.sha256) === now)) return null;
        const how = removed ? 'removed under Models on this device' : 'lost when a job was cancelled or failed';
        return `${spec.what} ${spec.plural ? 'were' : 'was'} kept in memory for this visit only (this browser cannot write model files to its storage), and ${they} ${how}. ${spec.again}`;
      }
      if (await (spec.stored ?? allStored)(files).catch(() => false)) return null;
      return `${spec.what} ${are} no longer in this browser's storage (the site's data was cleared, or ${they} deleted under Models on this device). ${spec.again}`;
    },
    forget(): void {
      release();
      saveOwnFiles(key, null);
    },
    async delete(): Promise<void> {
      release();
      await deleteOwnCopy(key);
    },
  };
}
