/**
 * Where downloaded catalogue files live: the origin private file system (OPFS), one file per
 * content hash (`clipmorph-models/<sha256>`), written as `<sha256>.part` and renamed only once
 * its sha256 matched. So a stored name is a verified file, a `.part` is a resumable prefix, and
 * two variants that share a file (a tokenizer) store it once. "Run from memory this time" keeps
 * the verified bytes in this JS realm only. Works in the page and in workers.
 */
import { createSHA256 } from 'hash-wasm';
import type { FileSink } from './download';
import type { ModelFile } from './registry';

export const STORE_DIR = 'clipmorph-models';
const PART = '.part';
const IMPORT = 'import-';

/** Verified files kept in memory for this session (storage was full and the user chose memory). */
const memoryFiles = new Map<string, Uint8Array>();

type WritableWithTruncate = FileSystemWritableFileStream;

function isNotFound(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError');
}

export function opfsAvailable(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function' && typeof FileSystemFileHandle !== 'undefined' && 'createWritable' in FileSystemFileHandle.prototype;
}

async function storeDir(create = true): Promise<FileSystemDirectoryHandle | null> {
  if (!opfsAvailable()) return null;
  const root = await navigator.storage.getDirectory();
  try {
    return await root.getDirectoryHandle(STORE_DIR, { create });
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function fileIn(dir: FileSystemDirectoryHandle | null, name: string): Promise<File | null> {
  if (!dir) return null;
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

async function* chunksOf(file: Blob): AsyncIterable<Uint8Array> {
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

/** Stored bytes of `file` on this device: `complete` only for a verified file of the right size. */
export async function storedState(file: ModelFile): Promise<{ complete: boolean; partial: number; inMemory: boolean }> {
  const dir = await storeDir(false);
  const done = await fileIn(dir, file.sha256);
  const part = await fileIn(dir, file.sha256 + PART);
  return { complete: done?.size === file.bytes, partial: part?.size ?? 0, inMemory: memoryFiles.has(file.sha256) };
}

/** The verified bytes of `file` (memory first, then OPFS), or null if it is not on this device. */
export async function readStored(file: ModelFile): Promise<Uint8Array | null> {
  const kept = memoryFiles.get(file.sha256);
  if (kept) return kept;
  const stored = await fileIn(await storeDir(false), file.sha256);
  if (!stored || stored.size !== file.bytes) return null;
  return new Uint8Array(await stored.arrayBuffer());
}

/** The stored file as a Blob (no copy into JS memory), for a re-check of its sha256. */
export async function storedBlob(file: ModelFile): Promise<Blob | null> {
  const kept = memoryFiles.get(file.sha256);
  if (kept) return new Blob([kept as Uint8Array<ArrayBuffer>]);
  return fileIn(await storeDir(false), file.sha256);
}

export async function removeStored(file: ModelFile): Promise<void> {
  memoryFiles.delete(file.sha256);
  const dir = await storeDir(false);
  if (!dir) return;
  for (const name of [file.sha256, file.sha256 + PART]) await dir.removeEntry(name).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
}

/** Forgets files kept in this realm's memory (a copy removed under Models); how many were there. */
export function forgetInMemory(sha256: readonly string[]): number {
  return sha256.filter((hash) => memoryFiles.delete(hash)).length;
}

export async function clearStore(): Promise<void> {
  memoryFiles.clear();
  if (!opfsAvailable()) return;
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(STORE_DIR, { recursive: true }).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
}

/** Names and sizes of everything in the store (verified files and partials). */
export async function listStore(): Promise<Array<{ name: string; bytes: number }>> {
  const dir = await storeDir(false);
  if (!dir) return [];
  const out: Array<{ name: string; bytes: number }> = [];
  for await (const [name, handle] of (dir as FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    if (handle.kind === 'file') out.push({ name, bytes: (await (handle as FileSystemFileHandle).getFile()).size });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A sink that writes `<sha256>.part` in OPFS and renames it to `<sha256>` on commit. */
export async function deviceSink(file: ModelFile): Promise<FileSink> {
  const dir = await storeDir(true);
  if (!dir) throw new Error('OPFS is not available');
  const handle = await dir.getFileHandle(file.sha256 + PART, { create: true });
  let writable: WritableWithTruncate | null = null;
  let position = (await handle.getFile()).size;
  const open = async () => {
    if (!writable) {
      writable = await handle.createWritable({ keepExistingData: true });
      await writable.seek(position);
    }
    return writable;
  };
  const close = async () => {
    const w = writable;
    writable = null;
    await w?.close();
  };
  return {
    size: async () => position,
    read: async function* () {
      yield* chunksOf((await handle.getFile()).slice(0, position));
    },
    async write(chunk) {
      await (await open()).write(chunk as Uint8Array<ArrayBuffer>);
      position += chunk.byteLength;
    },
    async truncate() {
      await (await open()).truncate(0);
      position = 0;
    },
    async commit() {
      await close();
      const moved = handle as FileSystemFileHandle & { move?: (dir: FileSystemDirectoryHandle, name: string) => Promise<void> };
      if (typeof moved.move === 'function') {
        await moved.move(dir, file.sha256);
      } else {
        const target = await (await dir.getFileHandle(file.sha256, { create: true })).createWritable();
        await (await handle.getFile()).stream().pipeTo(target);
        await dir.removeEntry(file.sha256 + PART);
      }
    },
    suspend: close,
    async discard() {
      const w = writable;
      writable = null;
      await w?.abort().catch(() => undefined);
      await dir.removeEntry(file.sha256 + PART).catch(() => undefined);
      position = 0;
    },
  };
}

/** A sink that keeps the file in one preallocated buffer and, once verified, in memory for this session. */
export function memorySink(file: ModelFile): FileSink {
  let buffer: Uint8Array | null = new Uint8Array(file.bytes);
  let position = 0;
  return {
    size: async () => position,
    read: async function* () {
      if (buffer && position > 0) yield buffer.subarray(0, position);
    },
    async write(chunk) {
      if (!buffer) throw new Error('sink closed');
      buffer.set(chunk, position); // the downloader refuses bytes past file.bytes before they get here
      position += chunk.byteLength;
    },
    async truncate() {
      position = 0;
    },
    async commit() {
      if (buffer) memoryFiles.set(file.sha256, buffer);
      buffer = null;
    },
    suspend: async () => undefined,
    async discard() {
      buffer = null;
      position = 0;
    },
  };
}

/** Where an imported file goes: this device's store (kept) or this JS realm's memory (no OPFS here). */
export interface ImportedFile {
  sha256: string;
  bytes: number;
  storage: 'device' | 'memory';
  /**
   * Makes it readable under its sha256. Until then it is an `import-….part` that the next import
   * removes, so a model of several files, cancelled after some were copied, leaves none of them.
   */
  commit(): Promise<void>;
  /** Drops the copy instead (a later file of the same import failed). */
  discard(): Promise<void>;
}

/**
 * Copies a file the user has (a model picked from their disk) into the store under its sha256,
 * hashing it on the way, so it is read afterwards exactly like a verified download and survives
 * reloads. Streamed: a 1.7 GB graph never sits in memory whole. Written as `import-<random>.part`
 * and renamed by `commit()` (once every file of the model is copied); a failure removes the partial
 * copy. Without OPFS the bytes are kept in this realm's memory for the session.
 */
/** Copies left by an import that was cancelled (its worker is terminated, so it cannot clean up). */
export async function removeUnfinishedImports(): Promise<void> {
  const dir = await storeDir(false);
  if (!dir) return;
  const names: string[] = [];
  for await (const [name] of (dir as FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) if (name.startsWith(IMPORT)) names.push(name);
  for (const name of names) await dir.removeEntry(name).catch(() => undefined);
}

export async function importBlob(blob: Blob, options: { signal?: AbortSignal; onBytes?: (done: number) => void } = {}): Promise<ImportedFile> {
  const hasher = await createSHA256();
  hasher.init();
  const dir = await storeDir(true);
  const temp = `${IMPORT}${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}${PART}`;
  const handle = dir ? await dir.getFileHandle(temp, { create: true }) : null;
  const writable = handle ? await handle.createWritable() : null;
  const memory = handle ? null : new Uint8Array(blob.size);
  let done = 0;
  try {
    for await (const chunk of chunksOf(blob)) {
      options.signal?.throwIfAborted();
      hasher.update(chunk);
      if (writable) await writable.write(chunk as Uint8Array<ArrayBuffer>);
      else memory!.set(chunk, done);
      done += chunk.byteLength;
      options.onBytes?.(done);
    }
    if (done !== blob.size) throw new Error(`the file changed while it was read (${done} of ${blob.size} bytes)`);
    const sha256 = hasher.digest('hex');
    const bytes = done;
    if (!dir || !handle || !writable) {
      return { sha256, bytes, storage: 'memory', commit: async () => void memoryFiles.set(sha256, memory!), discard: async () => undefined };
    }
    await writable.close();
    const commit = async () => {
      const existing = await fileIn(dir, sha256);
      if (existing?.size === bytes) {
        await dir.removeEntry(temp); // the same bytes are stored already (imported or downloaded before)
        return;
      }
      const moved = handle as FileSystemFileHandle & { move?: (dir: FileSystemDirectoryHandle, name: string) => Promise<void> };
      if (typeof moved.move === 'function') await moved.move(dir, sha256);
      else {
        await (await handle.getFile()).stream().pipeTo(await (await dir.getFileHandle(sha256, { create: true })).createWritable());
        await dir.removeEntry(temp);
      }
    };
    return { sha256, bytes, storage: 'device', commit, discard: () => dir.removeEntry(temp).catch(() => undefined) };
  } catch (error) {
    await writable?.abort().catch(() => undefined);
    await dir?.removeEntry(temp).catch(() => undefined);
    throw error;
  }
}
