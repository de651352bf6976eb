/**
 * The gallery as the page sees it: the kept items (records, without their blobs), the storage used,
 * and the actions. The database opens (and sweeps what an interrupted keep left) on first use.
 */
import { create } from 'zustand';
import { Gallery, type GalleryRecord, type NewGalleryItem } from './store';
import { makeThumbnail } from './thumbnail';

export interface GalleryUsage {
  /** Bytes of the kept files and their thumbnails. */
  items: number;
  /** The whole origin's storage (`navigator.storage.estimate()`): models, app cache, gallery. */
  origin: number | null;
  quota: number | null;
}

export interface GalleryState {
  status: 'closed' | 'loading' | 'ready' | 'failed';
  items: GalleryRecord[];
  usage: GalleryUsage;
  error: string | null;
}

export const useGallery = create<GalleryState>(() => ({ status: 'closed', items: [], usage: { items: 0, origin: null, quota: null }, error: null }));

let opening: Promise<Gallery> | null = null;

/** The database, opened once per page; the first open sweeps orphans of an interrupted keep. */
function gallery(): Promise<Gallery> {
  opening ??= (async () => {
    const g = await Gallery.open();
    await g.sweep();
    return g;
  })();
  opening.catch(() => (opening = null));
  return opening;
}

async function refresh(g: Gallery): Promise<void> {
  const items = await g.list();
  const estimate = await navigator.storage?.estimate?.().catch(() => null);
  useGallery.setState({
    status: 'ready',
    items,
    error: null,
    usage: { items: items.reduce((s, r) => s + r.bytes + (r.thumbnail?.size ?? 0), 0), origin: estimate?.usage ?? null, quota: estimate?.quota ?? null },
  });
}

function failed(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  useGallery.setState({ status: 'failed', error: `The gallery on this device could not be read or written: ${message}` });
  throw error;
}

/** Opens (sweeps) and lists: call at startup and when the gallery is shown. */
export async function loadGallery(): Promise<void> {
  if (useGallery.getState().status === 'closed') useGallery.setState({ status: 'loading' });
  try {
    await refresh(await gallery());
  } catch (error) {
    failed(error);
  }
}

/** Keeps a result on this device, with a thumbnail; resolves once it is listed. */
export async function keepInGallery(item: Omit<NewGalleryItem, 'thumbnail'>): Promise<GalleryRecord> {
  const thumbnail = await makeThumbnail(item.blob);
  // Kept means kept: ask the browser not to evict this site's storage under pressure (best effort).
  void navigator.storage?.persist?.().catch(() => false);
  const g = await gallery();
  const record = await g.keep({ ...item, thumbnail });
  await refresh(g);
  return record;
}

export async function galleryBlob(id: string): Promise<Blob | null> {
  return (await gallery()).blob(id);
}

export async function deleteGalleryItem(id: string): Promise<void> {
  const g = await gallery();
  await g.remove(id);
  await refresh(g);
}

export async function clearGallery(): Promise<void> {
  const g = await gallery();
  await g.clear();
  await refresh(g);
}
