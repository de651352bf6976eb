import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DB_NAME, Gallery, kindOf, mimeOf, type NewGalleryItem } from './store';

function item(bytes: number[], fileName = 'beach-starry-night.png', type = 'image/png', created?: number): NewGalleryItem {
  return {
    blob: new Blob([new Uint8Array(bytes)], { type }),
    task: 'style',
    fileName,
    settings: { style: 'starry-night', tier: 'fast', strength: 0.8 },
    title: 'The Starry Night on beach.jpg',
    thumbnail: new Blob([new Uint8Array([9, 9])], { type: 'image/jpeg' }),
    created,
  };
}

async function rawKeys(factory: IDBFactory, store: 'blobs' | 'items'): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(DB_NAME);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const keys = await new Promise<IDBValidKey[]>((resolve) => {
    const req = db.transaction(store).objectStore(store).getAllKeys();
    req.onsuccess = () => resolve(req.result);
  });
  db.close();
  return keys.map(String);
}

describe('gallery store', () => {
  it('keeps the blob and its record: listed newest first with task, settings, name, MIME, size and thumbnail', async () => {
    const gallery = await Gallery.open(new IDBFactory());
    const a = await gallery.keep(item([1, 2, 3], 'a.png', 'image/png', 1000));
    const b = await gallery.keep({ ...item([4, 5, 6, 7, 8], 'walk.gif', 'image/gif', 2000), task: 'walk', settings: { promptA: 'a cat', promptB: 'a dog', frames: 10, seed: 42, pingPong: true } });
    const list = await gallery.list();
    expect(list.map((r) => r.fileName)).toEqual(['walk.gif', 'a.png']);
    expect(list[0]).toMatchObject({ id: b.id, task: 'walk', kind: 'gif', mime: 'image/gif', bytes: 5, created: 2000, settings: { promptA: 'a cat', frames: 10, seed: 42, pingPong: true } });
    expect(list[1]).toMatchObject({ id: a.id, kind: 'image', mime: 'image/png', bytes: 3, settings: { style: 'starry-night', tier: 'fast', strength: 0.8 } });
    expect(list[1].thumbnail?.size).toBe(2);
    const blob = await gallery.blob(a.id);
    expect([...new Uint8Array(await blob!.arrayBuffer())]).toEqual([1, 2, 3]);
    expect(await gallery.bytesUsed()).toBe(3 + 5 + 2 * 2);
  });

  it('lists an item only after its blob is fully written; a tab closed between the two writes leaves no entry, and the next start sweeps the orphan blob', async () => {
    const factory = new IDBFactory();
    const gallery = await Gallery.open(factory);
    await gallery.keep(item([1], 'kept.png'));
    let listedMidWrite: string[] | null = null;
    await expect(
      gallery.keep(item([1, 2, 3, 4], 'interrupted.png'), {
        afterBlobWritten: async () => {
          listedMidWrite = (await gallery.list()).map((r) => r.fileName);
          throw new Error('tab closed'); // the record is never written
        },
      }),
    ).rejects.toThrow('tab closed');
    expect(listedMidWrite).toEqual(['kept.png']); // the blob was on disk, but not listed
    expect((await gallery.list()).map((r) => r.fileName)).toEqual(['kept.png']);
    expect(await rawKeys(factory, 'blobs')).toHaveLength(2); // the orphan
    gallery.close();

    const restarted = await Gallery.open(factory);
    expect(await restarted.sweep()).toEqual({ blobs: 1, records: 0 });
    expect(await rawKeys(factory, 'blobs')).toHaveLength(1);
    expect((await restarted.list()).map((r) => r.fileName)).toEqual(['kept.png']);
    expect(await restarted.sweep()).toEqual({ blobs: 0, records: 0 });
  });

  it('refuses to write a record whose blob vanished, and sweeps records without a blob', async () => {
    const factory = new IDBFactory();
    const gallery = await Gallery.open(factory);
    // The blob is deleted (another tab clearing the gallery) between the two writes.
    await expect(gallery.keep(item([1, 2]), { afterBlobWritten: async () => gallery.clear() })).rejects.toThrow('bytes were not stored');
    expect(await gallery.list()).toEqual([]);
    const kept = await gallery.keep(item([3]));
    // A record left without its blob (storage evicted under us) is swept too.
    const db = await new Promise<IDBDatabase>((resolve) => {
      const req = factory.open(DB_NAME);
      req.onsuccess = () => resolve(req.result);
    });
    await new Promise<void>((resolve) => {
      const tx = db.transaction('blobs', 'readwrite');
      tx.objectStore('blobs').delete(kept.id);
      tx.oncomplete = () => resolve();
    });
    db.close();
    expect(await gallery.sweep()).toEqual({ blobs: 0, records: 1 });
    expect(await gallery.list()).toEqual([]);
  });

  it('removes one item with its blob, and clears all', async () => {
    const factory = new IDBFactory();
    const gallery = await Gallery.open(factory);
    const a = await gallery.keep(item([1], 'a.png', 'image/png', 1));
    await gallery.keep(item([2], 'b.mp4', 'video/mp4', 2));
    await gallery.keep(item([3], 'c.gif', 'image/gif', 3));
    await gallery.remove(a.id);
    expect((await gallery.list()).map((r) => [r.fileName, r.kind])).toEqual([
      ['c.gif', 'gif'],
      ['b.mp4', 'video'],
    ]);
    expect(await gallery.blob(a.id)).toBeNull();
    expect(await rawKeys(factory, 'blobs')).toHaveLength(2);
    await gallery.clear();
    expect(await gallery.list()).toEqual([]);
    expect(await rawKeys(factory, 'blobs')).toEqual([]);
    expect(await gallery.bytesUsed()).toBe(0);
  });

  it('survives reopening (a reload): the same items, bytes intact', async () => {
    const factory = new IDBFactory();
    const first = await Gallery.open(factory);
    const kept = await first.keep({ ...item([7, 7, 7], 'photo.jpg', ''), task: 'caption', caption: 'a dog on a beach' });
    first.close();
    const again = await Gallery.open(factory);
    const [record] = await again.list();
    expect(record).toMatchObject({ id: kept.id, mime: 'image/jpeg', kind: 'image', caption: 'a dog on a beach', task: 'caption' });
    expect((await again.blob(kept.id))?.size).toBe(3);
  });

  it('knows the MIME type and kind of result file names', () => {
    expect(mimeOf('x-starry.webp')).toBe('image/webp');
    expect(mimeOf('walk.MP4')).toBe('video/mp4');
    expect(mimeOf('noext')).toBe('');
    expect(kindOf('', 'a.gif')).toBe('gif');
    expect(kindOf('video/webm')).toBe('video');
    expect(kindOf('image/png')).toBe('image');
  });
});
