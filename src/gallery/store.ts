/**
 * The on-device gallery's storage: results the user chose to keep, in IndexedDB, never uploaded.
 *
 * Two object stores: `blobs` (id -> the file) and `items` (id -> its record: task, settings, date,
 * file name, MIME, size, thumbnail). Keeping an item is two steps, in this order:
 *   1. the blob, in its own transaction, which must complete (the bytes are on disk);
 *   2. the record, in a second transaction that also checks the blob is there.
 * Only records are listed, so a tab closed between 1 and 2 (or during 1) leaves no half-written
 * entry: at worst a blob without a record, which `sweep()` removes the next time the app starts.
 */

export type GalleryKind = 'image' | 'gif' | 'video';

/** What made the result: style id, tier, strength, colour map, prompts, seeds, frame count... */
export type GallerySettings = Record<string, string | number | boolean>;

export interface GalleryRecord {
  id: string;
  /** The task that made it: "style", "depth", "caption", "walk". */
  task: string;
  kind: GalleryKind;
  /** The name the result had when it was kept: the download keeps it. */
  fileName: string;
  mime: string;
  bytes: number;
  /** ms since the epoch. */
  created: number;
  settings: GallerySettings;
  /** A caption result's text (the caption task keeps the photo and its caption). */
  caption?: string;
  /** A short human description: "The Starry Night on beach.jpg". */
  title: string;
  /** A small JPEG (at most 160 px a side), or null when none could be made. */
  thumbnail: Blob | null;
}

export type NewGalleryItem = Omit<GalleryRecord, 'id' | 'created' | 'bytes' | 'mime' | 'kind'> & { blob: Blob; kind?: GalleryKind; created?: number };

export const DB_NAME = 'clipmorph-gallery';
const DB_VERSION = 1;
const BLOBS = 'blobs';
const ITEMS = 'items';

/** "image", "gif" or "video" from a MIME type (or the file name when the type is empty). */
export function kindOf(mime: string, fileName = ''): GalleryKind {
  const type = mime || mimeOf(fileName);
  if (type === 'image/gif') return 'gif';
  if (type.startsWith('video/')) return 'video';
  return 'image';
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
};

/** The MIME type a file name implies; '' when unknown. */
export function mimeOf(fileName: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[ext] ?? '';
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('The gallery write was aborted', 'AbortError'));
    tx.onerror = () => reject(tx.error);
  });
}

function newId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Test hooks: simulate a tab that closes between the two writes. */
export interface KeepHooks {
  afterBlobWritten?(id: string): void | Promise<void>;
}

export class Gallery {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(factory: IDBFactory = indexedDB, name = DB_NAME): Promise<Gallery> {
    const req = factory.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(BLOBS)) db.createObjectStore(BLOBS);
      if (!db.objectStoreNames.contains(ITEMS)) db.createObjectStore(ITEMS, { keyPath: 'id' }).createIndex('created', 'created');
    };
    return new Gallery(await request(req));
  }

  close(): void {
    this.db.close();
  }

  /** Stores the blob, then its record: the item is listed only once its bytes are all written. */
  async keep(item: NewGalleryItem, hooks: KeepHooks = {}): Promise<GalleryRecord> {
    const { blob, kind, created, ...rest } = item;
    const id = newId();
    const mime = blob.type || mimeOf(item.fileName) || 'application/octet-stream';
    const record: GalleryRecord = { ...rest, id, kind: kind ?? kindOf(mime, item.fileName), mime, bytes: blob.size, created: created ?? Date.now() };
    const write = this.db.transaction(BLOBS, 'readwrite', { durability: 'strict' });
    write.objectStore(BLOBS).put(blob, id);
    await done(write);
    await hooks.afterBlobWritten?.(id);
    const commit = this.db.transaction([BLOBS, ITEMS], 'readwrite', { durability: 'strict' });
    const present = await request(commit.objectStore(BLOBS).count(id));
    if (present !== 1) {
      commit.abort();
      await done(commit).catch(() => undefined);
      throw new Error('The gallery could not keep this file: its bytes were not stored.');
    }
    commit.objectStore(ITEMS).put(record);
    await done(commit);
    return record;
  }

  /** Every kept item, newest first. */
  async list(): Promise<GalleryRecord[]> {
    const tx = this.db.transaction(ITEMS, 'readonly');
    const all = (await request(tx.objectStore(ITEMS).getAll())) as GalleryRecord[];
    return all.sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  }

  /** The kept file, or null if it is gone. */
  async blob(id: string): Promise<Blob | null> {
    const tx = this.db.transaction(BLOBS, 'readonly');
    return ((await request(tx.objectStore(BLOBS).get(id))) as Blob | undefined) ?? null;
  }

  /** Removes the record and its blob together. */
  async remove(id: string): Promise<void> {
    const tx = this.db.transaction([BLOBS, ITEMS], 'readwrite');
    tx.objectStore(ITEMS).delete(id);
    tx.objectStore(BLOBS).delete(id);
    await done(tx);
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction([BLOBS, ITEMS], 'readwrite');
    tx.objectStore(ITEMS).clear();
    tx.objectStore(BLOBS).clear();
    await done(tx);
  }

  /**
   * Removes what an interrupted keep left behind: blobs without a record, and records whose blob is
   * missing. Returns how many entries went. Run once when the app starts.
   */
  async sweep(): Promise<{ blobs: number; records: number }> {
    const tx = this.db.transaction([BLOBS, ITEMS], 'readwrite');
    const blobs = tx.objectStore(BLOBS);
    const items = tx.objectStore(ITEMS);
    const [blobKeys, itemKeys] = await Promise.all([request(blobs.getAllKeys()), request(items.getAllKeys())]);
    const recorded = new Set(itemKeys.map(String));
    const stored = new Set(blobKeys.map(String));
    const orphanBlobs = [...stored].filter((k) => !recorded.has(k));
    const orphanRecords = [...recorded].filter((k) => !stored.has(k));
    for (const k of orphanBlobs) blobs.delete(k);
    for (const k of orphanRecords) items.delete(k);
    await done(tx);
    return { blobs: orphanBlobs.length, records: orphanRecords.length };
  }

  /** Bytes of every kept file (thumbnails included). */
  async bytesUsed(): Promise<number> {
    return (await this.list()).reduce((sum, r) => sum + r.bytes + (r.thumbnail?.size ?? 0), 0);
  }
}
