/** The committed manifest, validated once, plus the stand-in entry for a user's own .onnx style. */
import manifestJson from '../../models/manifest.json';
import { styleMeta } from '../features/style/meta';
import { modelsForTask, validateManifest, type ModelEntry } from './registry';

export const manifest = validateManifest(manifestJson);

export const styleModels: ModelEntry[] = modelsForTask(manifest, 'style');

const blendModels = modelsForTask(manifest, 'style-blend');

/** The realtime multi-style model that mixes built-in styles (and walks between them), if the manifest has one. */
export const blendModel: ModelEntry | undefined = blendModels.find((m) => (m.blend?.tier ?? 'realtime') === 'realtime');

/** The quality-tier multi-style model: the "Best quality" choice for photos, if the manifest has one. */
export const qualityModel: ModelEntry | undefined = blendModels.find((m) => m.blend?.tier === 'quality');

export function findModel(id: string): ModelEntry | undefined {
  return manifest.models.find((m) => m.id === id);
}

/** A dropped .onnx follows the same contract as the embedded style models. */
export function customStyleModel(fileName: string): ModelEntry {
  return {
    id: 'custom',
    task: 'style',
    title: fileName,
    embedded: true,
    licence: 'your own model',
    source: 'local file',
    io: styleMeta.contract,
    variants: [{ name: 'custom', file: 'local', bytes: 1, sha256: '0'.repeat(64) }],
    preferred: {},
  };
}
