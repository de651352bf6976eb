/** Which model a photo job runs, with which extra inputs, and what the result and its file are called. */
import type { ModelEntry } from '../../models/registry';
import type { ExtraInput } from '../../runtime/ort';
import { blendInputs, blendSuffix, blendTitle, isBlend, type BlendChoice } from './blend';

/** 'fast': the realtime models (and realtime blend); 'best': the style's quality-tier file or the quality multi-style model. */
export type StyleTier = 'fast' | 'best';

export interface ImagePlan {
  model: ModelEntry;
  extraInputs: ExtraInput[];
  title: string;
  fileSuffix: string;
  /** The tier that really runs ('best' falls back to 'fast' for styles the quality model lacks). */
  tier: StyleTier;
}

export interface PlanModels {
  /** The chosen style's own model (a built-in realtime style, or the user's .onnx as 'custom'). */
  style: ModelEntry;
  blend?: ModelEntry;
  /** The quality model offered for this style: its own single-style file, or the multi-style one. */
  quality?: ModelEntry;
  titleOf: (id: string) => string;
}

export const QUALITY_SUFFIX = 'hq';

/** The id a style's own quality file carries (export_onnx.py names the non-default tier `<id>-hq`). */
export const ownQualityId = (styleId: string): string => `${styleId}-${QUALITY_SUFFIX}`;

/** Whether the quality model can serve `styleId`: a multi-style model trained on it, or that style's own
 * quality file (`<id>-hq`); never a user's .onnx. */
export function hasBestTier(quality: ModelEntry | undefined, styleId: string): quality is ModelEntry {
  if (!quality || styleId === 'custom') return false;
  return quality.blend ? quality.blend.styles.includes(styleId) : quality.id === ownQualityId(styleId);
}

/** The quality model's extra inputs for `styleId` alone: a multi-style model's one-hot weights (a 0 %
 * blend with itself); none for a style's own quality file. */
export function oneHotInputs(model: ModelEntry, styleId: string): ExtraInput[] {
  return model.blend ? blendInputs(model, styleId, { withId: styleId, mix: 0 }) : [];
}

export function planImage(styleId: string, choice: BlendChoice, tier: StyleTier, models: PlanModels): ImagePlan {
  const { style, blend, quality, titleOf } = models;
  const fastBlend = isBlend(blend, styleId, choice);
  const bestBlend = isBlend(quality, styleId, choice);
  // A mix the quality model cannot make (it lacks the second style) runs on the realtime blend rather
  // than silently losing the second style.
  if (tier === 'best' && hasBestTier(quality, styleId) && (bestBlend || !fastBlend)) {
    // The quality net mixes styles the same way the realtime blend does, so a blend keeps its mix.
    if (bestBlend) {
      return {
        model: quality,
        extraInputs: blendInputs(quality, styleId, choice),
        title: `${blendTitle(style.title, titleOf(choice.withId), choice.mix)}, best quality`,
        fileSuffix: `${blendSuffix(styleId, choice)}-${QUALITY_SUFFIX}`,
        tier,
      };
    }
    return { model: quality, extraInputs: oneHotInputs(quality, styleId), title: `${style.title}, best quality`, fileSuffix: `${styleId}-${QUALITY_SUFFIX}`, tier };
  }
  if (fastBlend) {
    return { model: blend, extraInputs: blendInputs(blend, styleId, choice), title: blendTitle(style.title, titleOf(choice.withId), choice.mix), fileSuffix: blendSuffix(styleId, choice), tier: 'fast' };
  }
  return { model: style, extraInputs: [], title: style.title, fileSuffix: styleId === 'custom' ? 'custom-style' : styleId, tier: 'fast' };
}
