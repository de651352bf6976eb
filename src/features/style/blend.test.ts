import { describe, expect, it } from 'vitest';
import { outputFileName } from '../../lib/filename';
import type { ModelEntry } from '../../models/registry';
import { blendInputs, blendSuffix, blendTitle, isBlend, morphMixes, morphSuffix, NO_BLEND } from './blend';
import { styleMeta } from './meta';

const model: ModelEntry = {
  id: 'blend',
  task: 'style-blend',
  title: 'Blend',
  embedded: true,
  licence: 'MIT',
  source: 'test',
  blend: { styles: ['starry-night', 'the-scream', 'great-wave'], weightsInput: 'style_weights' },
  io: { ...styleMeta.contract, inputs: [...styleMeta.contract.inputs, { name: 'style_weights', dtype: 'float32', shape: [1, 3] }] },
  variants: [{ name: 'fp32', file: 'style/blend.fp32.onnx', bytes: 1, sha256: 'a'.repeat(64) }],
  preferred: {},
};

describe('isBlend', () => {
  it('needs a second known style and a mix that shows as more than 0 %', () => {
    expect(isBlend(model, 'starry-night', { withId: 'great-wave', mix: 0.3 })).toBe(true);
    expect(isBlend(model, 'starry-night', NO_BLEND)).toBe(false);
    expect(isBlend(model, 'starry-night', { withId: 'great-wave', mix: 0 })).toBe(false);
    expect(isBlend(model, 'starry-night', { withId: 'great-wave', mix: 0.004 })).toBe(false); // rounds to 0 %
    expect(isBlend(model, 'starry-night', { withId: 'starry-night', mix: 0.5 })).toBe(false);
    expect(isBlend(model, 'custom', { withId: 'great-wave', mix: 0.5 })).toBe(false);
    expect(isBlend(model, 'starry-night', { withId: 'klimt', mix: 0.5 })).toBe(false);
    expect(isBlend(undefined, 'starry-night', { withId: 'great-wave', mix: 0.5 })).toBe(false);
  });
});

describe('blendInputs', () => {
  it('puts 1 - mix on the chosen style and mix on the second, in the model order', () => {
    const [input] = blendInputs(model, 'great-wave', { withId: 'starry-night', mix: 0.3 });
    expect(input.name).toBe('style_weights');
    expect(input.dims).toEqual([1, 3]);
    expect(Array.from(input.data)).toEqual([0.3, 0, 0.7].map(Math.fround));
  });
  it('runs the percentage the slider shows', () => {
    const [input] = blendInputs(model, 'starry-night', { withId: 'the-scream', mix: 0.333333 });
    expect(Array.from(input.data)).toEqual([0.67, 0.33, 0].map(Math.fround));
  });
  it('is one-hot at 100 % and refuses styles the model does not know', () => {
    expect(Array.from(blendInputs(model, 'starry-night', { withId: 'the-scream', mix: 1 })[0].data)).toEqual([0, 1, 0]);
    expect(() => blendInputs(model, 'custom', { withId: 'the-scream', mix: 0.5 })).toThrow(/does not know the style custom/);
  });
});

describe('naming', () => {
  it('names the download after both styles and the share of the second', () => {
    expect(outputFileName('photo.jpg', blendSuffix('starry-night', { withId: 'great-wave', mix: 0.3 }), 'png')).toBe('photo-starry-night+great-wave-30.png');
    expect(blendTitle('The Starry Night', 'The Great Wave', 0.3)).toBe('The Starry Night + 30 % The Great Wave');
    expect(outputFileName('photo.jpg', morphSuffix('starry-night', 'great-wave'), 'gif')).toBe('photo-starry-night+great-wave-morph.gif');
  });
});

describe('morphMixes', () => {
  it('goes from 0 to 1 in even steps and back, without repeating either end, so the GIF loops smoothly', () => {
    expect(morphMixes(5)).toEqual([0, 0.25, 0.5, 0.75, 1, 0.75, 0.5, 0.25]);
    expect(morphMixes(11)).toHaveLength(20);
    expect(morphMixes(11)[10]).toBe(1);
  });
});
