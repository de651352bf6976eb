/** Mixing two styles through the blend model (models/manifest.json task "style-blend"). */
import type { ModelEntry } from '../../models/registry';
import type { ExtraInput } from '../../runtime/ort';

/** The user's blend settings: `withId` ('' for none) takes `mix` (0..1) of the style, the chosen style the rest. */
export interface BlendChoice {
  withId: string;
  mix: number;
}

export const NO_BLEND: BlendChoice = { withId: '', mix: 0.5 };

export function mixPercent(mix: number): number {
  return Math.round(mix * 100);
}

/**
 * Whether a run of `styleId` with `choice` needs the blend model: a second style the model knows, and a
 * mix that rounds to more than 0 %. Otherwise the style's own (baked, identical at 0 %) model runs.
 */
export function isBlend(model: ModelEntry | undefined, styleId: string, choice: BlendChoice): model is ModelEntry {
  const styles = model?.blend?.styles ?? [];
  return choice.withId !== '' && choice.withId !== styleId && mixPercent(choice.mix) > 0 && styles.includes(styleId) && styles.includes(choice.withId);
}

/** The weights input: 1 - mix on `styleId`, mix on `withId`, 0 elsewhere (the percentage shown is what runs). */
export function blendInputs(model: ModelEntry, styleId: string, choice: BlendChoice): ExtraInput[] {
  const blend = model.blend;
  if (!blend) throw new Error(`${model.id} is not a blend model`);
  const weights = new Float32Array(blend.styles.length);
  const share = mixPercent(choice.mix) / 100;
  for (const [id, w] of [[styleId, 1 - share], [choice.withId, share]] as const) {
    const index = blend.styles.indexOf(id);
    if (index < 0) throw new Error(`the blend model does not know the style ${id}`);
    weights[index] += w;
  }
  return [{ name: blend.weightsInput, dims: [1, weights.length], data: weights }];
}

/** File-name suffix: "starry-night+great-wave-30" (30 % Great Wave). */
export function blendSuffix(styleId: string, choice: BlendChoice): string {
  return `${styleId}+${choice.withId}-${mixPercent(choice.mix)}`;
}

/** "The Starry Night + 30 % The Great Wave off Kanagawa" */
export function blendTitle(first: string, second: string, mix: number): string {
  return `${first} + ${mixPercent(mix)} % ${second}`;
}

/** Mixes of a style morph that loops: 0 % up to 100 % in `steps` even steps, then back down short of 0 %. */
export function morphMixes(steps: number): number[] {
  const up = Array.from({ length: steps }, (_, i) => i / (steps - 1));
  return [...up, ...up.slice(1, -1).reverse()];
}

/** File-name suffix of a style-morph GIF: "starry-night+great-wave-morph". */
export function morphSuffix(styleId: string, withId: string): string {
  return `${styleId}+${withId}-morph`;
}
