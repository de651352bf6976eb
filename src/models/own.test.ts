import { describe, expect, it } from 'vitest';
import { listOwnCopies, loadOwnFiles, OWN_KEY_PREFIX, ownVariant, removeReplaced, saveOwnFiles } from './own';
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
});
