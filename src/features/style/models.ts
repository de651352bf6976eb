/** The style task's models from the manifest: the gallery styles, the blend and quality models, a user's own file. */
import { findModel, manifest } from '../../models/catalog';
import { modelsForTask, type ModelEntry } from '../../models/registry';
import { styleMeta } from './meta';

export { findModel };

export const styleModels: ModelEntry[] = modelsForTask(manifest, 'style');

const blendModels = modelsForTask(manifest, 'style-blend');

/** The realtime multi-style model that mixes built-in styles (and morphs between them), if the manifest has one. */
export const blendModel: ModelEntry | undefined = blendModels.find((m) => (m.blend?.tier ?? 'realtime') === 'realtime');

/** The quality-tier multi-style model: the "Best quality" choice for photos, if the manifest has one. */
export const qualityModel: ModelEntry | undefined = blendModels.find((m) => m.blend?.tier === 'quality');

export const titleOf = (id: string): string => findModel(id)?.title ?? id;

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
