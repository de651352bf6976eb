import { describe, expect, it } from 'vitest';
import type { Rgba } from '../../../lib/pixels';
import { styleMeta } from '../meta';
import { stylise } from './stylise';

interface Feed {
  type: string;
  data: Float32Array;
  dims: number[];
}

/** A stand-in session that echoes its image input and records every run's feeds. */
function echoHandle(runs: Array<Record<string, Feed>>) {
  return {
    backend: 'wasm' as const,
    run: (feeds: Record<string, Feed>, options?: { outputs?: readonly string[] }) => {
      runs.push(feeds);
      expect(options?.outputs).toEqual(['output']);
      return Promise.resolve({ output: { type: 'float32', data: feeds.input.data.slice(), dims: feeds.input.dims } });
    },
  } as unknown as Parameters<typeof stylise>[0];
}

describe('stylise', () => {
  it('feeds the extra inputs (style weights) to every tile of a large image', async () => {
    const width = styleMeta.maxTile.wasm + 300;
    const image: Rgba = { data: new Uint8ClampedArray(width * 8 * 4).fill(128), width, height: 8 };
    const weights = new Float32Array([0.25, 0.75]);
    const runs: Array<Record<string, Feed>> = [];
    const model = { io: { ...styleMeta.contract, inputs: [...styleMeta.contract.inputs, { name: 'style_weights', dtype: 'float32' as const, shape: [1, 2] }] } };
    const out = await stylise(echoHandle(runs), model as never, image, undefined, [{ name: 'style_weights', dims: [1, 2], data: weights }]);
    expect(runs.length).toBe(2);
    for (const feeds of runs) {
      expect(Object.keys(feeds).sort()).toEqual(['input', 'style_weights']);
      expect(Array.from(feeds.style_weights.data)).toEqual([0.25, 0.75]);
      expect(feeds.style_weights.dims).toEqual([1, 2]);
    }
    expect(out.data[0]).toBe(128); // echoed and stitched back
  });
});
