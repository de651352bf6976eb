/**
 * The depth models on offer: catalogue entries of task `depth` in the served models/manifest.json
 * (read at run time, so a deployment lists models without a rebuild), and which contract each follows.
 */
import { ownEntry } from '../../models/own';
import type { ModelEntry, ModelFile } from '../../models/registry';
import type { DepthModelKind } from './protocol';

/**
 * A model with a fixed input size (MiDaS v2.1 small: [1,3,256,256]) follows the MiDaS rule; one whose
 * sides are dynamic, Depth Anything's (518 px, multiples of 14, ImageNet mean/std).
 */
export function depthKindOf(model: ModelEntry): DepthModelKind {
  const sides = model.io.inputs[0]?.shape.slice(-2) ?? [];
  return sides.length === 2 && sides.every((d) => typeof d === 'number') ? 'midas' : 'depth-anything';
}

/** Default first: Depth Anything V2 (the catalogue's default), then the rest as listed. */
export function sortDepthModels(models: readonly ModelEntry[]): ModelEntry[] {
  const depth = models.filter((m) => m.task === 'depth');
  return [...depth.filter((m) => depthKindOf(m) === 'depth-anything'), ...depth.filter((m) => depthKindOf(m) !== 'depth-anything')];
}

/** The served catalogue's depth models (the manager loads lazily: hash-wasm and OPFS stay out of the first paint). */
export async function loadDepthModels(appRoot: string): Promise<ModelEntry[]> {
  const { loadCatalogue } = await import('../../models/manager');
  return sortDepthModels(await loadCatalogue(appRoot));
}

/** The id under which the user's own depth file is listed (never a catalogue id: those come from the manifest). */
export const OWN_DEPTH_MODEL = 'own-file';

/**
 * A depth model file the user dropped or picked (e.g. Depth Anything V2's model.onnx fetched from the
 * hub by hand, where this deployment lists no depth model), once copied into the model store
 * (src/models/import.ts): read from there by sha256 like a download, after reloads too. The worker
 * reads from its graph which contract it follows and checks it before anything runs.
 */
export function ownDepthModel(file: ModelFile): ModelEntry {
  return ownEntry({ id: OWN_DEPTH_MODEL, task: 'depth', title: file.path, licence: 'your own file', source: 'your file', io: { inputs: [], outputs: [] } }, [file]);
}
