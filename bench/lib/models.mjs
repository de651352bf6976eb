/** Which style models the latency benchmarks time: the manifest's, plus the tiny test stand-in. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root, tmpDir } from './common.mjs';
import { TIERS, standInFor } from './standins.mjs';

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * One entry per distinct graph to time. Every style of a tier is the same network with other weights
 * (training/export_onnx.py bakes each style out of one multi-style net), and a conv net's speed does
 * not depend on weight values, so by default each (tier, variant, file size) is timed once and the
 * other styles are listed as sharing its figures. `allStyles` times every file.
 */
export function latencyModels({ allStyles = false } = {}) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'models/manifest.json'), 'utf8'));
  const seen = new Map();
  const entries = [];
  const tiny = path.join(tmpDir, 'test-models/tiny-style.onnx');
  const tinySha = sha256(tiny);
  entries.push({ id: 'tiny-style (test stand-in)', tier: 'test', variant: 'fp32', file: tiny, url: 'test-models/tiny-style.onnx', bytes: readFileSync(tiny).byteLength, sameAs: [] });
  for (const model of manifest.models.filter((m) => m.task === 'style' && m.embedded)) {
    for (const variant of model.variants) {
      const file = path.join(root, 'models', variant.file);
      if (sha256(file) === tinySha) continue; // the debug entry is the stand-in itself
      const tier = model.style?.tier ?? 'unknown';
      const key = `${tier}:${variant.name}:${variant.bytes}`;
      if (!allStyles && seen.has(key)) {
        seen.get(key).sameAs.push(model.id);
        continue;
      }
      const entry = { id: model.id, tier, variant: variant.name, file, url: `models/${variant.file}`, bytes: variant.bytes, sameAs: [] };
      seen.set(key, entry);
      entries.push(entry);
    }
  }
  for (const tier of TIERS) {
    const standIn = standInFor(tier);
    if (standIn) entries.push({ ...standIn, variant: 'fp32', bytes: readFileSync(standIn.file).byteLength, sameAs: [] });
  }
  return entries;
}
