import { describe, expect, it } from 'vitest';
import { outputFileName } from '../../lib/filename';
import type { ModelEntry } from '../../models/registry';
import { NO_BLEND } from './blend';
import { styleMeta } from './meta';
import { hasBestTier, oneHotInputs, planImage, type PlanModels } from './plan';

function multiStyle(id: string, styles: string[], tier: 'realtime' | 'quality'): ModelEntry {
  return {
    id,
    task: 'style-blend',
    title: id,
    embedded: true,
    licence: 'MIT',
    source: 'test',
    blend: { styles, weightsInput: 'style_weights', tier },
    io: { ...styleMeta.contract, inputs: [...styleMeta.contract.inputs, { name: 'style_weights', dtype: 'float32', shape: [1, styles.length] }] },
    variants: [{ name: 'fp32', file: `style/${id}.fp32.onnx`, bytes: 1, sha256: 'a'.repeat(64) }],
    preferred: {},
  };
}

const starry: ModelEntry = { ...multiStyle('starry-night', ['x', 'y'], 'realtime'), task: 'style', title: 'The Starry Night', blend: undefined };
const titles: Record<string, string> = { 'starry-night': 'The Starry Night', 'great-wave': 'The Great Wave', 'the-scream': 'The Scream' };
const models: PlanModels = {
  style: starry,
  blend: multiStyle('blend', ['starry-night', 'the-scream', 'great-wave'], 'realtime'),
  quality: multiStyle('blend-hq', ['starry-night', 'great-wave'], 'quality'),
  titleOf: (id) => titles[id] ?? id,
};
const weights = (plan: ReturnType<typeof planImage>) => Array.from(plan.extraInputs[0].data as Float32Array);

describe('planImage', () => {
  it('fast, no blend: the style its own model, nothing extra, named by the style id', () => {
    const plan = planImage('starry-night', NO_BLEND, 'fast', models);
    expect([plan.model.id, plan.extraInputs.length, plan.fileSuffix, plan.tier]).toEqual(['starry-night', 0, 'starry-night', 'fast']);
  });

  it('fast with a blend: the realtime blend model', () => {
    const plan = planImage('starry-night', { withId: 'great-wave', mix: 0.3 }, 'fast', models);
    expect(plan.model.id).toBe('blend');
    expect(weights(plan)).toEqual([expect.closeTo(0.7, 6), 0, expect.closeTo(0.3, 6)]);
    expect(plan.fileSuffix).toBe('starry-night+great-wave-30');
  });

  it('best: the quality model with one-hot weights, "-hq" in the file name', () => {
    const plan = planImage('starry-night', NO_BLEND, 'best', models);
    expect([plan.model.id, plan.tier, plan.title]).toEqual(['blend-hq', 'best', 'The Starry Night, best quality']);
    expect(weights(plan)).toEqual([1, 0]);
    expect(outputFileName('photo.jpg', plan.fileSuffix, 'png')).toBe('photo-starry-night-hq.png');
  });

  it('best with a blend both styles of which it knows: the quality model mixes them', () => {
    const plan = planImage('starry-night', { withId: 'great-wave', mix: 0.25 }, 'best', models);
    expect(plan.model.id).toBe('blend-hq');
    expect(weights(plan)).toEqual([0.75, 0.25]);
    expect(plan.fileSuffix).toBe('starry-night+great-wave-25-hq');
    expect(plan.title).toBe('The Starry Night + 25 % The Great Wave, best quality');
  });

  it('best with a second style the quality model lacks: the mix runs on the realtime blend, not dropped', () => {
    const plan = planImage('starry-night', { withId: 'the-scream', mix: 0.5 }, 'best', models);
    expect([plan.model.id, plan.fileSuffix, plan.tier]).toEqual(['blend', 'starry-night+the-scream-50', 'fast']);
  });

  it('best for a style the quality model lacks (or a custom .onnx) falls back to fast', () => {
    const custom = { ...starry, id: 'custom', title: 'mine.onnx' };
    const plan = planImage('custom', NO_BLEND, 'best', { ...models, style: custom });
    expect([plan.model.id, plan.tier, plan.fileSuffix]).toEqual(['custom', 'fast', 'custom-style']);
    expect(planImage('the-scream', NO_BLEND, 'best', models).tier).toBe('fast');
    expect(planImage('starry-night', NO_BLEND, 'best', { ...models, quality: undefined }).model.id).toBe('starry-night');
  });
});

describe('a style\'s own quality file', () => {
  const own: ModelEntry = { ...starry, id: 'starry-night-hq', style: { artist: 'Vincent van Gogh', year: '1889', thumbnail: '', tier: 'quality' } };
  const withOwn = { ...models, quality: own };

  it('runs alone, with no extra inputs, named like the multi-style best tier', () => {
    const plan = planImage('starry-night', NO_BLEND, 'best', withOwn);
    expect(plan.model).toBe(own);
    expect(plan.extraInputs).toEqual([]);
    expect(plan.tier).toBe('best');
    expect(plan.title).toBe('The Starry Night, best quality');
    expect(plan.fileSuffix).toBe('starry-night-hq');
  });

  it('cannot mix: a blend runs on the realtime blend model, and Fast never uses it', () => {
    const plan = planImage('starry-night', { withId: 'great-wave', mix: 0.3 }, 'best', withOwn);
    expect(plan.model.id).toBe('blend');
    expect(plan.tier).toBe('fast');
    expect(planImage('starry-night', NO_BLEND, 'fast', withOwn).model.id).toBe('starry-night');
  });

  it('serves only its own style', () => {
    expect(hasBestTier(own, 'starry-night')).toBe(true);
    expect(hasBestTier(own, 'great-wave')).toBe(false);
    expect(hasBestTier(own, 'custom')).toBe(false);
    expect(oneHotInputs(own, 'starry-night')).toEqual([]);
  });
});

describe('hasBestTier / oneHotInputs', () => {
  it('knows only the quality model\'s styles', () => {
    expect(hasBestTier(models.quality, 'great-wave')).toBe(true);
    expect(hasBestTier(models.quality, 'the-scream')).toBe(false);
    expect(hasBestTier(undefined, 'great-wave')).toBe(false);
  });
  it('puts the whole weight on the style, shaped [1, n]', () => {
    const [input] = oneHotInputs(models.quality!, 'great-wave');
    expect([input.name, input.dims, Array.from(input.data as Float32Array)]).toEqual(['style_weights', [1, 2], [0, 1]]);
    expect(() => oneHotInputs(models.quality!, 'the-scream')).toThrow(/does not know the style the-scream/);
  });
});
