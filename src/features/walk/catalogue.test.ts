import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_FILES, REAL_REPO, realWalkEntry } from '../../../scripts/make-walk-standins.mjs';
import { pickVariant, validateManifest } from '../../models/registry';
import { deviceProblem, needsShaderF16 } from './state';

function fakeRepo(extra: string[] = []): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sd-turbo-'));
  [...Object.keys(REAL_FILES), ...extra].forEach((p, i) => {
    mkdirSync(path.join(dir, path.dirname(p)), { recursive: true });
    writeFileSync(path.join(dir, p), 'x'.repeat(i + 1));
  });
  return dir;
}

describe('the real SD-Turbo entry, written from a local download', () => {
  const commit = 'cd'.repeat(20);

  it('measures bytes and sha256, pins every URL to the commit, asks for the licence, and validates', async () => {
    const [model] = validateManifest({ version: 1, models: [await realWalkEntry(fakeRepo(), commit)] }).models;
    expect(model).toMatchObject({ id: 'sd-turbo', task: 'walk', licenceMustAccept: true });
    expect(model.licence).toMatch(/Non-Commercial/);
    const variant = pickVariant(model, 'webgpu', true);
    expect(variant.name).toBe('fp16');
    expect(variant.files?.map((f) => [f.path, f.role])).toEqual(Object.entries(REAL_FILES));
    expect(variant.files?.map((f) => f.bytes)).toEqual([1, 2, 3, 4, 5]);
    expect(variant.files?.[0].sha256).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'); // sha256("x")
    for (const f of variant.files ?? []) expect(f.url).toBe(`https://huggingface.co/${REAL_REPO}/resolve/${commit}/${f.path}`);
  });

  it('brings external data beside a graph along, and refuses a partial copy or an unpinned commit', async () => {
    const entry = await realWalkEntry(fakeRepo(['unet/model.onnx_data']), commit);
    expect(entry.variants[0].files?.filter((f) => f.role === 'external-data').map((f) => f.path)).toEqual(['unet/model.onnx_data']);
    await expect(realWalkEntry(fakeRepo(), 'main')).rejects.toThrow(/40-hex sha/);
    await expect(realWalkEntry(mkdtempSync(path.join(tmpdir(), 'empty-')), commit)).rejects.toThrow(/missing in .*text_encoder\/model.onnx/);
  });

  it('is fp16 only, so it needs WebGPU with shader-f16 and says so before any download', async () => {
    const model = validateManifest({ version: 1, models: [await realWalkEntry(fakeRepo(), commit)] }).models[0];
    expect(needsShaderF16(model)).toBe(true);
    expect(deviceProblem(model, 'webgpu', { available: true, software: false, shaderF16: true, description: 'gpu' })).toBeNull();
    expect(deviceProblem(model, 'webgpu', { available: true, software: false, shaderF16: false, description: 'gpu' })).toMatch(/not its shader-f16 feature.*Nothing has been downloaded/);
    expect(deviceProblem(model, 'wasm', { available: false, software: false, shaderF16: false, description: 'no WebGPU' })).toMatch(/this browser has no WebGPU/);
  });
});
