import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captionCatalogueStandIn, CATALOGUE_ID, realCatalogueEntry, REAL_VARIANTS } from '../../../scripts/make-caption-standins.mjs';
import { pickVariant, validateManifest } from '../../models/registry';

describe('caption stand-in as a catalogue model', () => {
  it('passes the manifest validator with the roles the caption worker reads', () => {
    const { entry, files } = captionCatalogueStandIn();
    const [model] = validateManifest({ version: 1, models: [entry] }).models;
    expect(model.id).toBe(CATALOGUE_ID);
    expect(model.task).toBe('caption');
    const variant = pickVariant(model, 'wasm', false);
    expect(variant.files?.map((f) => f.role)).toEqual(['encoder', 'decoder', 'vocab', 'merges']);
    expect(variant.bytes).toBe(files.reduce((sum, f) => sum + f.bytes.byteLength, 0));
    for (const f of variant.files ?? []) expect(f.url).toMatch(new RegExp(`/resolve/[0-9a-f]{40}/${f.path.replace('.', '\\.')}$`));
  });
});

describe('the real ViT-GPT2 entry, written from a local download', () => {
  it('measures bytes and sha256, pins every URL to the commit, and validates', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vit-gpt2-'));
    mkdirSync(path.join(dir, 'onnx'));
    const paths = [...Object.values(REAL_VARIANTS).flat(), 'vocab.json', 'merges.txt'];
    paths.forEach((p, i) => writeFileSync(path.join(dir, p), 'x'.repeat(i + 1)));
    const commit = 'ab'.repeat(20);
    const [model] = validateManifest({ version: 1, models: [await realCatalogueEntry(dir, commit)] }).models;
    expect(model.variants.map((v) => v.name)).toEqual(['quantized', 'fp16', 'fp32']);
    expect(pickVariant(model, 'wasm', false).name).toBe('quantized');
    expect(pickVariant(model, 'webgpu', true).name).toBe('fp16');
    expect(pickVariant(model, 'webgpu', false).name).toBe('fp32'); // no shader-f16
    const vocab = model.variants[0].files!.find((f) => f.role === 'vocab')!;
    expect(vocab).toMatchObject({ path: 'vocab.json', bytes: 7, sha256: createHash('sha256').update('x'.repeat(7)).digest('hex') });
    expect(vocab.url).toBe(`https://huggingface.co/Xenova/vit-gpt2-image-captioning/resolve/${commit}/vocab.json`);
    await expect(realCatalogueEntry(dir, 'main')).rejects.toThrow(/40-hex sha/);
    await expect(realCatalogueEntry(mkdtempSync(path.join(tmpdir(), 'empty-')), commit)).rejects.toThrow(/missing in .*onnx\/encoder_model_quantized.onnx/);
  });
});
