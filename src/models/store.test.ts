import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importBlob, opfsAvailable, readStored } from './store';

describe('importBlob (a file of the user’s own into the store)', () => {
  // Node has no OPFS: the memory path runs here; the OPFS path runs in e2e/walk.spec.ts.
  it('hashes the bytes as they stream and keeps them readable by sha256, as a verified download', async () => {
    expect(opfsAvailable()).toBe(false);
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const seen: number[] = [];
    const stored = await importBlob(new Blob([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), { onBytes: (n) => seen.push(n) });
    expect(stored).toMatchObject({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, storage: 'memory' });
    expect(seen.at(-1)).toBe(bytes.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const file = { path: 'unet/model.onnx', role: 'unet', url: '', bytes: stored.bytes, sha256: stored.sha256 };
    // Readable only once committed (when every file of the model is copied).
    expect(await readStored(file)).toBeNull();
    await stored.commit();
    const back = await readStored(file);
    expect(back && Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
  });

  it('stops when cancelled and keeps nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const blob = new Blob([new Uint8Array(1000).fill(9)]);
    await expect(importBlob(blob, { signal: controller.signal })).rejects.toThrow();
    const sha256 = createHash('sha256').update(new Uint8Array(1000).fill(9)).digest('hex');
    expect(await readStored({ path: 'x', role: 'x', url: '', bytes: 1000, sha256 })).toBeNull();
  });
});

describe('dropModelFiles (a memory copy removed under Models while its worker lives on)', () => {
  it('frees the bytes and the sessions opened from them, and leaves the rest', async () => {
    const { dropModelFiles } = await import('./import');
    const { sessions } = await import('../runtime/sessions');
    const keep = await importBlob(new Blob(['kept graph']));
    const gone = await importBlob(new Blob(['removed graph']));
    for (const file of [keep, gone]) await file.commit();
    const file = (f: { sha256: string; bytes: number }) => ({ path: 'model.onnx', role: 'model', url: '', ...f });
    const released: string[] = [];
    const fake = (name: string) => async () => ({ release: async () => void released.push(name) }) as never;
    await sessions.get(`wasm:${keep.sha256}:`, 1, fake('kept'));
    await sessions.get(`wasm:own-file:your files::${gone.sha256}:`, 1, fake('removed'));
    expect(await dropModelFiles({ sha256: [gone.sha256] })).toEqual({ files: 1, sessions: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(released).toEqual(['removed']);
    expect(await readStored(file(gone))).toBeNull();
    expect(await readStored(file(keep))).not.toBeNull();
    expect(sessions.keys()).toEqual([`wasm:${keep.sha256}:`]);
    sessions.clear();
  });
});
