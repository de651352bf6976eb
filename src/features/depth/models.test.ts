import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../models/registry';
import { depthKindOf, sortDepthModels } from './models';

function entry(id: string, task: ModelEntry['task'], shape: Array<number | string>): ModelEntry {
  return {
    id,
    task,
    title: id,
    embedded: false,
    licence: 'MIT',
    source: '',
    io: { inputs: [{ name: 'x', dtype: 'float32', shape }], outputs: [{ name: 'y', dtype: 'float32', shape: [1, 'H', 'W'] }] },
    variants: [],
    preferred: {},
  };
}

describe('depth models', () => {
  it('a fixed input size follows the MiDaS rule, dynamic sides follow Depth Anything', () => {
    expect(depthKindOf(entry('midas', 'depth', [1, 3, 256, 256]))).toBe('midas');
    expect(depthKindOf(entry('da', 'depth', [1, 3, 'height', 'width']))).toBe('depth-anything');
    expect(depthKindOf(entry('da-batch', 'depth', ['batch_size', 3, 'height', 'width']))).toBe('depth-anything');
  });

  it('lists only depth models, Depth Anything first (the default), then the light ones', () => {
    const sorted = sortDepthModels([
      entry('midas', 'depth', [1, 3, 256, 256]),
      entry('caption', 'caption', [1, 3, 224, 224]),
      entry('da', 'depth', [1, 3, 'height', 'width']),
    ]);
    expect(sorted.map((m) => m.id)).toEqual(['da', 'midas']);
  });
});
