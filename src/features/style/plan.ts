/** Which model a photo job runs, with which extra inputs, and what the result and its file are called. */
import type { ModelEntry } from '../../models/registry';
import type { ExtraInput } from '../../runtime/ort';
import { blendInputs, blendSuffix, blendTitle, isBlend, type BlendChoice } from './blend';

/** 'fast': the realtime models (and realtime blend); 'best': the quality-tier multi-style model. */
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
  quality?: ModelEntry;
  titleOf: (id: string) => string;
}

export const QUALITY_SUFFIX = 'hq';

/** Whether the quality model can serve `styleId` (built-in styles it was trained on; never a user's .onnx). */
export function hasBestTier(quality: ModelEntry | undefined, styleId: string): quality is ModelEntry {
  return quality?.blend?.styles.includes(styleId) ?? false;
}

/** One weight per quality-model style: all on `styleId` (a 0 % blend with itself). */
export function oneHotInputs(model: ModelEntry, styleId: string): ExtraInput[] {
  return blendInputs(model, styleId, { withId: styleId, mix: 0 });
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
