import { describe, expect, it } from 'vitest';
import { listMemoryCopies, listOwnCopies, loadOwnFiles, OWN_KEY_PREFIX, ownCopyStore, ownEntry, ownVariant, removeMemoryCopy, removeReplaced, saveOwnFiles } from './own';
import type { ModelFile } from './registry';
import { importBlob, readStored } from './store';

const KEY = `${OWN_KEY_PREFIX}test`;

function memoryStorage() {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (k: string) => values.get(k) ?? null,
    setItem: (k: string, v: string) => void values.set(k, v),
    removeItem: (k: string) => void values.delete(k),
    get length() {
      return values.size;
    },
    key: (i: number) => [...values.keys()][i] ?? null,
  };
}

describe('model files of the user’s own, once stored', () => {
  it('keeps the stored files’ list across visits and forgets a damaged one', () => {
    const storage = memoryStorage();
    const files = [{ path: 'unet/model.onnx', role: 'unet', url: '', bytes: 3, sha256: 'a'.repeat(64) }];
    saveOwnFiles(KEY, files, 'SD-Turbo, your files', storage);
    expect(loadOwnFiles(KEY, storage)).toEqual(files);
    // The Models panel lists every task's copy by the prefix, with its label and size.
    storage.setItem('clipmorph-accepted-licences', '{}');
    saveOwnFiles(`${OWN_KEY_PREFIX}other`, [{ ...files[0], bytes: 7 }], 'Another (Depth)', storage);
    expect(listOwnCopies(storage).map((c) => [c.key, c.label, c.bytes])).toEqual([
      [`${OWN_KEY_PREFIX}other`, 'Another (Depth)', 7],
      [KEY, 'SD-Turbo, your files', 3],
    ]);
    storage.values.set(KEY, JSON.stringify({ label: 'x', files: [{ path: 'unet/model.onnx', role: 'unet', bytes: 3, sha256: 'not a hash' }] }));
    expect(loadOwnFiles(KEY, storage)).toBeNull();
    storage.values.set(KEY, '{oops');
    expect(loadOwnFiles(KEY, storage)).toBeNull();
    saveOwnFiles(KEY, null, KEY, storage);
    expect(storage.values.has(KEY)).toBe(false);
  });

  it('makes one variant of them, sized by all its files', () => {
    const files = [
      { path: 'onnx/encoder_model.onnx', role: 'encoder', url: '', bytes: 10, sha256: '1'.repeat(64) },
      { path: 'vocab.json', role: 'vocab', url: '', bytes: 5, sha256: '2'.repeat(64) },
    ];
    expect(ownVariant(files)).toEqual({ name: 'your files', file: 'onnx/encoder_model.onnx', bytes: 15, sha256: '1'.repeat(64), files });
  });

  it('removes from the store the files a new copy no longer lists, and keeps the shared ones', async () => {
    const stored = async (text: string, role: string): Promise<ModelFile> => {
      const { sha256, bytes, commit } = await importBlob(new Blob([text]));
      await commit();
      return { path: `${role}.onnx`, role, url: '', bytes, sha256 };
    };
    const encoder = await stored('encoder bytes', 'encoder');
    const oldDecoder = await stored('old decoder bytes', 'decoder');
    const newDecoder = await stored('new decoder bytes', 'decoder');
    await removeReplaced([encoder, oldDecoder], [encoder, newDecoder]);
    expect(await readStored(oldDecoder)).toBeNull();
    expect(await readStored(encoder)).not.toBeNull();
    expect(await readStored(newDecoder)).not.toBeNull();
  });

  it('gives every task the same catalogue-like entry around its files', () => {
    const files = [{ path: 'model.onnx', role: 'model', url: '', bytes: 4, sha256: '3'.repeat(64) }];
    const entry = ownEntry({ id: 'own-file', task: 'depth', title: 'model.onnx', io: { inputs: [], outputs: [] } }, files);
    expect(entry).toMatchObject({ id: 'own-file', task: 'depth', embedded: false, licenceMustAccept: false, licence: 'your own files', source: 'your files', preferred: {} });
    expect(entry.variants).toEqual([ownVariant(files)]);
    // A task's own wording wins over the defaults.
    expect(ownEntry({ id: 'x', task: 'walk', title: 't', io: { inputs: [], outputs: [] }, licence: 'theirs' }, files).licence).toBe('theirs');
  });
});

describe('one task’s copy: still there, or why not', () => {
  const a = { path: 'a.onnx', role: 'encoder', url: '', bytes: 1, sha256: 'a'.repeat(64) };
  const b = { path: 'b.onnx', role: 'decoder', url: '', bytes: 1, sha256: 'b'.repeat(64) };
  const c = { path: 'c.onnx', role: 'decoder', url: '', bytes: 1, sha256: 'c'.repeat(64) };

  /** Stands in for the photo worker's bridge: its generation goes up when it is stopped. */
  function fakeWorker() {
    const held = new Set<string>();
    return {
      generation: 0,
      held,
      busy: false,
      /** The files each dropModelFiles call asked the worker to free. */
      dropped: [] as string[][],
      async call(_method: 'dropModelFiles', request: { sha256: string[] }) {
        this.dropped.push(request.sha256);
        return { files: request.sha256.length, sessions: 0 };
      },
      hold(key: string, on: boolean) {
        if (on) held.add(key);
        else held.delete(key);
      },
      stopIfIdle() {
        if (this.busy || held.size > 0) return false;
        this.generation++;
        return true;
      },
    };
  }

  it('a copy in a worker’s memory holds the worker, and is lost when the worker stops', async () => {
    const worker = fakeWorker();
    const copy = ownCopyStore({ name: 'test', label: 'Test', what: 'Your test files', plural: true, again: 'Pick them again.', worker: () => worker });
    await copy.keep([a, b], 'memory');
    expect(worker.held.has(copy.key)).toBe(true);
    expect(await copy.missing([a, b], 'memory')).toBeNull();
    worker.generation++; // a cancelled job terminated the worker
    expect(await copy.missing([a, b], 'memory')).toBe(
      'Your test files were kept in memory for this visit only (this browser cannot write model files to its storage), and they were lost when a job was cancelled or failed. Pick them again.',
    );
    // A new copy of one file: the other, from the lost worker, is still missing.
    await copy.keep([a, c], 'memory', { fresh: [c] });
    expect(await copy.missing([a, c], 'memory')).not.toBeNull();
    // All copied again: there.
    await copy.keep([a, c], 'memory');
    expect(await copy.missing([a, c], 'memory')).toBeNull();
    copy.forget();
    expect(worker.held.size).toBe(0);
    expect(await copy.missing([a, c], 'memory')).not.toBeNull();
  });

  it('a copy in memory is listed for the Models panel while its worker lives; Remove there frees the worker and says so', async () => {
    const worker = fakeWorker();
    const copy = ownCopyStore({ name: 'test-mem', label: 'Test (your files)', what: 'Your test files', plural: true, again: 'Pick them again.', worker: () => worker });
    await copy.keep([a, b], 'memory', { named: 'Test: a.onnx, b.onnx' });
    expect(listMemoryCopies()).toEqual([{ key: copy.key, label: 'Test: a.onnx, b.onnx', files: 2, bytes: 2 }]);
    // Its worker stopped (a cancelled job): no longer listed.
    worker.generation++;
    expect(listMemoryCopies()).toEqual([]);
    await copy.keep([a, b], 'memory');
    expect(listMemoryCopies().map((c) => c.key)).toEqual([copy.key]);
    // A job is running in the worker: Remove lets go of it, but does not stop it under the job; the
    // worker frees the copy's files (and their sessions, once the run ends) instead.
    worker.busy = true;
    const generation = worker.generation;
    removeMemoryCopy(copy.key);
    expect([worker.held.size, worker.generation, listMemoryCopies(), worker.dropped]).toEqual([0, generation, [], [[a.sha256, b.sha256]]]);
    expect(await copy.missing([a, b], 'memory')).toBe(
      'Your test files were kept in memory for this visit only (this browser cannot write model files to its storage), and they were removed under Models on this device. Pick them again.',
    );
    // Idle: Remove stops the worker, which frees its memory (nothing to ask it).
    worker.busy = false;
    await copy.keep([a, b], 'memory');
    removeMemoryCopy(copy.key);
    expect([worker.generation, worker.dropped.length]).toEqual([generation + 1, 1]);
    // A new copy is there again, and if lost, lost the usual way.
    await copy.keep([a, b], 'memory');
    worker.generation++;
    expect(await copy.missing([a, b], 'memory')).toMatch(/and they were lost when a job was cancelled or failed\./);
  });

  it('a copy removed while another task’s copy holds the same worker is freed in the worker, except files the other lists', async () => {
    const worker = fakeWorker();
    const spec = { plural: true, again: 'Pick them again.', worker: () => worker };
    const depth = ownCopyStore({ ...spec, name: 'test-depth', label: 'Depth (your file)', what: 'Your depth file' });
    const walk = ownCopyStore({ ...spec, name: 'test-walk', label: 'Walk (your files)', what: 'Your walk files' });
    await depth.keep([a, b], 'memory');
    await walk.keep([b, c], 'memory');
    removeMemoryCopy(depth.key);
    // The walk copy keeps the worker: not stopped; it frees a alone (b is the walk's too).
    expect([worker.generation, [...worker.held], worker.dropped]).toEqual([0, [walk.key], [[a.sha256]]]);
    expect(await depth.missing([a, b], 'memory')).toMatch(/removed under Models on this device/);
    expect(await walk.missing([b, c], 'memory')).toBeNull();
    // The last copy: the worker stops, which frees all of it.
    removeMemoryCopy(walk.key);
    expect([worker.generation, worker.dropped.length, listMemoryCopies()]).toEqual([1, 1, []]);
    // A copy whose worker has stopped since is not in any worker: nothing to ask.
    await walk.keep([c], 'memory');
    await depth.keep([a], 'memory');
    worker.generation++;
    removeMemoryCopy(depth.key);
    expect(worker.dropped.length).toBe(1);
  });

  it('a stored copy is there while the store has all its files; the sentence says where it went', async () => {
    let present = true;
    const worker = fakeWorker();
    const copy = ownCopyStore({ name: 'test-1', label: 'Test', what: 'Your depth model file', plural: false, again: 'Drop or choose it again.', worker: () => worker, stored: async () => present });
    await copy.keep([a], 'device');
    expect(worker.held.size).toBe(0); // nothing lives in the worker: it may stop when idle
    expect(await copy.missing([a], 'device')).toBeNull();
    worker.generation++;
    expect(await copy.missing([a], 'device')).toBeNull();
    present = false;
    expect(await copy.missing([a], 'device')).toBe(
      "Your depth model file is no longer in this browser's storage (the site's data was cleared, or it was deleted under Models on this device). Drop or choose it again.",
    );
  });
});
