/**
 * The loaded input kept across reloads, in IndexedDB: the file's bytes, written in one transaction,
 * so a write cut short (a closed tab) leaves the previous input or none, never half a file. Loaded
 * lazily by persist.ts (out of the entry chunk).
 */
import { useAppStore } from './store';

const DB_NAME = 'clipmorph-session';
const INPUT_STORE = 'input';
const INPUT_KEY = 'current';
/** Bigger inputs are not copied into the browser's storage (a second copy of a long video). */
export const MAX_KEPT_INPUT_BYTES = 512 * 1024 * 1024;

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(INPUT_STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await openDb();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(INPUT_STORE, mode);
      const request = use(tx.objectStore(INPUT_STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

interface KeptInput {
  blob: Blob;
  name: string;
  type: string;
  lastModified: number;
}

/** The input kept from the last visit, as a File, or null. */
export async function keptInput(): Promise<File | null> {
  try {
    const kept = await withStore<KeptInput | undefined>('readonly', (s) => s.get(INPUT_KEY) as IDBRequest<KeptInput | undefined>);
    if (!kept?.blob) return null;
    return new File([kept.blob], kept.name, { type: kept.type, lastModified: kept.lastModified });
  } catch {
    return null;
  }
}

async function keep(file: File | null): Promise<void> {
  try {
    if (!file || file.size > MAX_KEPT_INPUT_BYTES) await withStore('readwrite', (s) => void s.delete(INPUT_KEY));
    else {
      const record: KeptInput = { blob: file, name: file.name, type: file.type, lastModified: file.lastModified };
      await withStore('readwrite', (s) => void s.put(record, INPUT_KEY));
    }
  } catch {
    // no IndexedDB (private mode, full disk): the input just is not kept
  }
}

/**
 * Keeps the shared input across reloads: reopens the last one through `open` (the same path as a
 * drop, so a video is probed again), then keeps every new input. Resolves once the restore is done.
 */
export async function persistInput(open: (file: File) => Promise<void>): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const restored = await keptInput();
  if (restored && !useAppStore.getState().input) await open(restored);
  let kept: File | null = useAppStore.getState().input?.file ?? null;
  useAppStore.subscribe((state) => {
    const file = state.input?.file ?? null;
    if (file === kept) return;
    kept = file;
    void keep(file);
  });
}

