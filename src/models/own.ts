/**
 * Model files of the user's own, once copied into the model store (src/models/import.ts): the list
 * of stored files (path, role, bytes, sha256) is kept per task in localStorage, so the task lists
 * them again after a reload and reads them by sha256 like downloaded files. Usable from the page and
 * (without storage) from workers, which only need the types.
 */
import type { ModelFile } from './registry';

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

/** After a new copy replaced an old one: the old files no longer listed go from the store. */
export async function removeReplaced(before: readonly ModelFile[], after: readonly ModelFile[]): Promise<void> {
  const kept = new Set(after.map((f) => f.sha256));
  const gone = before.filter((f) => !kept.has(f.sha256));
  if (gone.length === 0) return;
  const { removeStored } = await import('./store');
  for (const file of gone) await removeStored(file);
}

/**
 * One task's copy, as the task uses it: `keep` a new copy (the files the old one listed and the new
 * one does not leave the store; a memory copy is not listed, it lives in the worker), `forget` it
 * (found gone), `delete` it (its files too).
 */
export function ownCopyStore(name: string, label: string) {
  const key = `${OWN_KEY_PREFIX}${name}`;
  return {
    key,
    load: () => loadOwnFiles(key),
    async keep(files: ModelFile[], storage: 'device' | 'memory', named = label): Promise<void> {
      await removeReplaced(loadOwnFiles(key) ?? [], files);
      saveOwnFiles(key, storage === 'device' ? files : null, named);
    },
    forget: () => saveOwnFiles(key, null),
    delete: () => deleteOwnCopy(key),
  };
}
