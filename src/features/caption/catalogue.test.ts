import { describe, expect, it } from 'vitest';
import { captionCatalogueStandIn, CATALOGUE_ID } from '../../../scripts/make-caption-standins.mjs';
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
