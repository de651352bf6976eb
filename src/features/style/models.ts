/** The style task's models from the manifest: the gallery styles, the blend and quality models, a user's own file. */
import { findModel, manifest } from '../../models/catalog';
import { modelsForTask, type ModelEntry } from '../../models/registry';
import { styleMeta } from './meta';
import { ownQualityId } from './plan';

export { findModel };

const allStyleEntries = modelsForTask(manifest, 'style');

/** The gallery's styles: every style entry but the per-style quality files (`<id>-hq`, tier quality). */
export const styleModels: ModelEntry[] = allStyleEntries.filter((m) => m.style?.tier !== 'quality');

/** Per-style quality-tier files (training/grow.py + ship_quality.py): `<style id>-hq`, one style each. */
export const ownQualityModels: ModelEntry[] = allStyleEntries.filter((m) => m.style?.tier === 'quality');

const blendModels = modelsForTask(manifest, 'style-blend');

/** The realtime multi-style model that mixes built-in styles (and morphs between them), if the manifest has one. */
export const blendModel: ModelEntry | undefined = blendModels.find((m) => (m.blend?.tier ?? 'realtime') === 'realtime');

/** The quality-tier multi-style model: the "Best quality" choice for photos, if the manifest has one. */
export const qualityModel: ModelEntry | undefined = blendModels.find((m) => m.blend?.tier === 'quality');

/** Whether "Best quality" is offered for a style, and the sentence that says why (or why not). */
export interface BestTierOffer {
  offered: boolean;
  reason: string;
  /** The model Best quality runs for this style when offered: its own quality file, else the multi-style one. */
  model?: ModelEntry;
}

export const BEST_OFFERED = 'Best quality runs a larger network (1.7 M parameters, about 9× the work): finer brush texture, slower. For a video, opt in under Quality: the time it will take is measured first.';
export const BEST_NOT_BETTER = 'Best quality is not better than Fast for this style yet, so it is not offered.';
export const BEST_NOT_SCORED = 'Best quality has not been compared with Fast for this style yet, so it is not offered.';
export const BEST_UNKNOWN_STYLE = 'Best quality covers the built-in styles; this style runs on its own model.';

/** A style's critic figures (training/critic.py, in its manifest recipe): style distance to the painting, lower is closer. */
export function criticStyleDistances(style: ModelEntry | undefined): { fast?: number; best?: number } {
  const critic = style?.recipe?.critic as { thisFile?: { style?: unknown }; qualityModel?: { style?: unknown } } | undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { fast: num(critic?.thisFile?.style), best: num(critic?.qualityModel?.style) };
}

/** `?tiers=all` offers Best quality for every style the quality model knows, whatever the critic says (tests, comparisons). */
export function allTiersRequested(): boolean {
  return typeof location !== 'undefined' && new URLSearchParams(location.search).get('tiers') === 'all';
}

/**
 * Issue 12's rule: Best quality must beat Fast on the critic, or it is not offered for that style.
 * The quality model for a style is its own quality file (`<id>-hq` in `own`) when one ships, else the
 * multi-style quality model if it knows the style. Offered only when the style's recorded critic style
 * distance for that quality model (recipe.critic.qualityModel, written by critic.py --to-manifest) is
 * lower than for its realtime file; missing figures count as not better.
 */
export function judgeBestTier(styleId: string, quality: ModelEntry | undefined, styles: ModelEntry[], all = false, own: ModelEntry[] = []): BestTierOffer {
  const model = own.find((m) => m.id === ownQualityId(styleId)) ?? (quality?.blend?.styles.includes(styleId) ? quality : undefined);
  if (!model) return { offered: false, reason: BEST_UNKNOWN_STYLE };
  if (all) return { offered: true, reason: BEST_OFFERED, model };
  const { fast, best } = criticStyleDistances(styles.find((m) => m.id === styleId));
  if (fast === undefined || best === undefined) return { offered: false, reason: BEST_NOT_SCORED };
  return best < fast ? { offered: true, reason: BEST_OFFERED, model } : { offered: false, reason: BEST_NOT_BETTER };
}

/** The app's verdict for `styleId`: the manifest's quality models and figures, and the page's `?tiers=all`. */
export function bestTierOffer(styleId: string): BestTierOffer {
  return judgeBestTier(styleId, qualityModel, styleModels, allTiersRequested(), ownQualityModels);
}

/** The quality model Best quality runs for `styleId` when it is offered, else nothing (the job then runs Fast). */
export function offeredQualityModel(styleId: string): ModelEntry | undefined {
  return bestTierOffer(styleId).model;
}

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
