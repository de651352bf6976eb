/**
 * Random-weight stand-ins (bench/make_standins.py) for the style tiers the manifest does not have
 * yet, so every group can time both tiers while training is still running. Figures from a stand-in
 * are labelled as such in the report.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root, run, tmpDir } from './common.mjs';

export const TIERS = ['realtime', 'quality'];
export const standInDir = path.join(tmpDir, 'standins');

function manifestTiers() {
  const manifest = JSON.parse(readFileSync(path.join(root, 'models/manifest.json'), 'utf8'));
  return new Set(manifest.models.filter((m) => m.task === 'style' && m.embedded).map((m) => m.style?.tier));
}

export const missingTiers = () => TIERS.filter((t) => !manifestTiers().has(t));

export function makeStandIns() {
  const missing = missingTiers();
  if (missing.length) run('/usr/bin/python3', ['bench/make_standins.py', standInDir, ...missing]);
  return missing;
}

/** { id, tier, file, url } of the stand-in for `tier`, or null when the manifest has that tier. */
export function standInFor(tier) {
  const file = path.join(standInDir, `${tier}.fp32.onnx`);
  if (!missingTiers().includes(tier) || !existsSync(file)) return null;
  return { id: `${tier}-tier stand-in (random weights)`, tier, file, url: `standins/${tier}.fp32.onnx` };
}
