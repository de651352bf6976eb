/**
 * The style model the end-to-end groups use for each tier: the first embedded manifest entry of it,
 * else the tier's random-weight stand-in, fed to the app as the user's own .onnx (customFile).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './common.mjs';
import { standInFor } from './standins.mjs';

export function styleForTier(tier) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'models/manifest.json'), 'utf8'));
  const model = manifest.models.find((m) => m.task === 'style' && m.embedded && m.style?.tier === tier && m.id !== 'debug-tiny');
  if (!model) {
    const standIn = standInFor(tier);
    return standIn && { id: standIn.id, onnx: standIn.file, customFile: standIn.file, standIn: true };
  }
  const fp32 = model.variants.find((v) => v.name === 'fp32') ?? model.variants[0];
  // A quality file is no style card of its own: the app runs it for its Fast style with "Best quality" chosen.
  const card = tier === 'quality' ? manifest.models.find((m) => m.task === 'style' && m.style?.tier === 'realtime' && `${m.id}-hq` === model.id)?.id : model.id;
  return { id: model.id, card: card ?? model.id, best: tier === 'quality', onnx: path.join(root, 'models', fp32.file), wasmVariant: model.preferred?.wasm ?? fp32.name };
}
