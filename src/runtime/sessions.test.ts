import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, node, valueInfo } from '../../scripts/onnx-writer.mjs';
import { makeTestModels } from '../../scripts/make-test-models.mjs';
import type { OrtModule } from './ort';
import { graphFilesOf, graphKey, ModelSession, SessionCache, warmUpFeeds } from './sessions';
import { bool, float16, float32, fromHalfBits, int32, int64 } from './tensors';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A graph with one input and output of every type a catalogue model uses (ids, flags, fp16, fp32). */
function typedGraph(): Uint8Array {
  return encodeModel({
    nodes: [
      node('Add', ['ids', 'ids'], ['ids_twice']),
      node('Not', ['flag'], ['flag_not']),
      node('Add', ['half', 'half'], ['half_twice']),
      node('Add', ['clip_ids', 'clip_ids'], ['clip_twice']),
      node('Neg', ['x'], ['x_neg']),
    ],
    initializers: [],
    inputs: [
      valueInfo('ids', [1, 'seq'], 'int64'),
      valueInfo('flag', [1], 'bool'),
      valueInfo('half', ['n'], 'float16'),
      valueInfo('clip_ids', [1, 'seq'], 'int32'),
      valueInfo('x', [1, 'n'], 'float32'),
    ],
    outputs: [
      valueInfo('ids_twice', [1, 'seq'], 'int64'),
      valueInfo('flag_not', [1], 'bool'),
      valueInfo('half_twice', ['n'], 'float16'),
      valueInfo('clip_twice', [1, 'seq'], 'int32'),
      valueInfo('x_neg', [1, 'n'], 'float32'),
    ],
  });
}

// onnxruntime-node has the same Tensor / InferenceSession API as onnxruntime-web, so the typed-run
// code is exercised against a real runtime here; the browser path is covered end to end.
async function nodeSession(graph: Uint8Array): Promise<ModelSession> {
  const session = await ortNode.InferenceSession.create(graph);
  return new ModelSession(ortNode as unknown as OrtModule, session as never, 'wasm', 'test', graph.byteLength);
}

describe('ModelSession typed runs', () => {
  it('feeds and returns int64, bool, float16, int32 and float32 tensors', async () => {
    const session = await nodeSession(typedGraph());
    const out = await session.run({
      ids: int64([50256, 7], [1, 2]),
      flag: bool([false], [1]),
      half: float16([0.5, -1.25, 3], [3]),
      clip_ids: int32([49406, 2], [1, 2]),
      x: float32([1, -2, 3], [1, 3]),
    });
    expect(out.ids_twice.type).toBe('int64');
    expect(out.ids_twice.data).toEqual(BigInt64Array.from([100512n, 14n]));
    expect(out.flag_not.type).toBe('bool');
    expect(Array.from(out.flag_not.data as Uint8Array)).toEqual([1]);
    expect(out.half_twice.type).toBe('float16');
    expect(out.half_twice.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(fromHalfBits(out.half_twice.data as Uint16Array))).toEqual([1, -2.5, 6]);
    expect(Array.from(out.clip_twice.data as Int32Array)).toEqual([98812, 4]);
    expect(Array.from(out.x_neg.data as Float32Array)).toEqual([-1, 2, -3]);
    expect(out.x_neg.dims).toEqual([1, 3]);
  });

  it('computes only the outputs asked for', async () => {
    const session = await nodeSession(typedGraph());
    const feeds = {
      ids: int64([1], [1, 1]),
      flag: bool([true], [1]),
      half: float16([1], [1]),
      clip_ids: int32([1], [1, 1]),
      x: float32([5], [1, 1]),
    };
    const out = await session.run(feeds, { outputs: ['x_neg'] });
    expect(Object.keys(out)).toEqual(['x_neg']);
    await expect(session.run(feeds, { outputs: ['nope'] })).rejects.toThrow(/no output "nope"/);
  });

  it('releases only after the runs in flight settle, so an eviction never pulls a session from under a run', async () => {
    const events: string[] = [];
    let finish = () => {};
    const slow = {
      outputNames: ['y'],
      run: () => new Promise((resolve) => (finish = () => resolve({ y: new ortNode.Tensor('float32', Float32Array.from([2]), [1]) }))),
      release: async () => void events.push('released'),
    };
    const session = new ModelSession(ortNode as unknown as OrtModule, slow as never, 'wasm', 'slow', 1);
    const run = session.run({ x: float32([1], [1]) }).then(() => events.push('ran'));
    const released = session.release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual([]);
    finish();
    await Promise.all([run, released]);
    expect(events).toEqual(['ran', 'released']);
  });

  it('refuses GPU-buffer outputs off WebGPU instead of silently copying', async () => {
    const session = await nodeSession(typedGraph());
    await expect(session.runWithLocation({ x: float32([1], [1, 1]) }, 'gpu-buffer', { outputs: ['x_neg'] })).rejects.toThrow(/GPU buffer.*wasm/);
  });
});

describe('SessionCache', () => {
  const fake = (key: string, released: string[]) =>
    ({ key, release: async () => void released.push(key) }) as unknown as ModelSession;

  it('evicts least recently used sessions once their bytes exceed the budget', async () => {
    const released: string[] = [];
    const cache = new SessionCache(100);
    await cache.get('a', 40, async () => fake('a', released));
    await cache.get('b', 40, async () => fake('b', released));
    await cache.get('a', 40, async () => fake('a-again', released)); // a is now the most recent
    expect(cache.usedBytes).toBe(80);
    await cache.get('c', 40, async () => fake('c', released));
    await Promise.resolve();
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(released).toEqual(['b']);
  });

  it('keeps one session larger than the whole budget rather than none', async () => {
    const released: string[] = [];
    const cache = new SessionCache(100);
    await cache.get('small', 10, async () => fake('small', released));
    await cache.get('huge', 500, async () => fake('huge', released));
    expect(cache.keys()).toEqual(['huge']);
  });

  it('drops the sessions whose key names a removed file', async () => {
    const released: string[] = [];
    const cache = new SessionCache(100);
    await cache.get(`wasm:${'a'.repeat(64)}:`, 10, async () => fake('a', released));
    await cache.get(`wasm:own:custom::${'b'.repeat(64)}:`, 10, async () => fake('b', released));
    expect(cache.dropWhere((key) => key.includes('b'.repeat(64)))).toBe(1);
    await Promise.resolve();
    expect([released, cache.size]).toEqual([['b'], 1]);
  });

  it('forgets a session that failed to open, so the next call retries', async () => {
    const cache = new SessionCache(100);
    await expect(cache.get('x', 10, async () => Promise.reject(new Error('bad model')))).rejects.toThrow('bad model');
    await Promise.resolve();
    expect(cache.size).toBe(0);
    const released: string[] = [];
    await expect(cache.get('x', 10, async () => fake('x', released))).resolves.toBeTruthy();
  });
});

describe('session keys', () => {
  it('are the content hash of the graph, so two dropped files never share a session', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keys-'));
    makeTestModels(dir);
    const a = new Uint8Array(readFileSync(path.join(dir, 'tiny-style.onnx')));
    const b = new Uint8Array(readFileSync(path.join(dir, 'tiny-style-b.onnx')));
    expect(await graphKey('wasm', { graph: a })).toBe(await graphKey('wasm', { graph: a.slice() }));
    expect(await graphKey('wasm', { graph: a })).not.toBe(await graphKey('wasm', { graph: b }));
    expect(await graphKey('wasm', { graph: a })).not.toBe(await graphKey('webgpu', { graph: a }));
    expect(await graphKey('wasm', { graph: a }, { freeDimensionOverrides: { batch_size: 1 } })).not.toBe(await graphKey('wasm', { graph: a }));
  });
});

describe('warm-up feeds', () => {
  it('make up image inputs at 32 px and refuse what they cannot guess', () => {
    const feeds = warmUpFeeds([
      { name: 'input', dtype: 'float32', shape: [1, 3, 'H', 'W'] },
      { name: 'style_weights', dtype: 'float32', shape: [1, 8] },
    ]);
    expect(feeds?.input.dims).toEqual([1, 3, 32, 32]);
    expect(feeds?.style_weights.dims).toEqual([1, 8]);
    expect(warmUpFeeds([{ name: 'input_ids', dtype: 'int64', shape: [1, 'seq'] }])).toBeNull();
  });
});

describe('multi-file models', () => {
  const file = (path: string, role: string) => ({ path, role, url: `https://huggingface.co/o/r/resolve/${'a'.repeat(40)}/${path}`, bytes: 1, sha256: 'b'.repeat(64) });
  const variant = {
    name: 'fp16',
    file: '',
    bytes: 5,
    sha256: 'b'.repeat(64),
    files: [
      file('text_encoder/model.onnx', 'text-encoder'),
      file('unet/model.onnx', 'unet'),
      file('unet/model.onnx_data', 'external-data'),
      file('vae_decoder/model.onnx', 'vae-decoder'),
      file('tokenizer/vocab.json', 'vocab'),
    ],
  };

  it('open one graph with the external data beside it, not every file of the variant', () => {
    const unet = graphFilesOf(variant, 'unet');
    expect(unet.graph?.path).toBe('unet/model.onnx');
    expect(unet.externalData.map((f) => f.path)).toEqual(['unet/model.onnx_data']);
    expect(graphFilesOf(variant, 'vae-decoder').externalData).toEqual([]);
    expect(graphFilesOf(variant).graph?.role).toBe('text-encoder');
    expect(() => graphFilesOf(variant, 'decoder')).toThrow(/no "decoder" graph \(it has text-encoder, unet/);
  });

  it('embedded single-file variants have no file list', () => {
    expect(graphFilesOf({ name: 'fp32', file: 'style/x.onnx', bytes: 1, sha256: 'c'.repeat(64) })).toEqual({ graph: null, externalData: [] });
  });
});
