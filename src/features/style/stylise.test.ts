import { describe, expect, it } from 'vitest';
import type { Rgba } from '../../lib/pixels';
import type { SessionHandle } from '../../runtime/ort';
import { styleMeta } from './meta';
import { stylise } from './stylise';

interface Feed {
  data: Float32Array;
  dims: number[];
}

/** A stand-in session that echoes its image input and records every run's feeds. */
function echoHandle(runs: Array<Record<string, Feed>>): SessionHandle {
  class Tensor {
    constructor(
      readonly type: string,
      readonly data: Float32Array,
      readonly dims: number[],
    ) {}
    getData() {
      return Promise.resolve(this.data);
    }
    dispose() {}
  }
  const session = {
    run: (feeds: Record<string, Tensor>) => {
      runs.push(feeds);
      return Promise.resolve({ output: new Tensor('float32', feeds.input.data.slice(), feeds.input.dims) });
    },
  };
  return { ort: { Tensor }, session, backend: 'wasm' } as unknown as SessionHandle;
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
