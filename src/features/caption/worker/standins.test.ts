/**
 * The caption pipeline on the generated ViT-GPT2 stand-ins (scripts/make-caption-standins.mjs),
 * run by onnxruntime-node through the runtime's ModelSession: real ONNX graphs with the real
 * names and layouts, the real loop.
 */
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAPTIONS, captionIds, captionStandinFiles, ERROR_TOKEN_TEXT, GREY_LEVELS } from '../../../../scripts/make-caption-standins.mjs';
import type { OrtModule } from '../../../runtime/ort';
import { ModelSession, type Feeds, type RunOptions } from '../../../runtime/sessions';
import type { HostTensor, OutputLocation } from '../../../runtime/tensors';
import { Gpt2Decoder } from './bpe';
import { captionPixels, type CaptionModels } from './caption';
import { encode, MergedDecoder, UncachedDecoder, type RunnableSession } from './decoder';
import { vitPixelValues, type Pixels } from './preprocess';
import { generate, NonFiniteLogitsError } from './search';

async function nodeSession(graph: Uint8Array): Promise<ModelSession> {
  // One thread: the graphs are tiny, and spinning ORT threads on a busy machine cost more than they give.
  const session = await ortNode.InferenceSession.create(graph, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return new ModelSession(ortNode as unknown as OrtModule, session as never, 'wasm', 'test', graph.byteLength);
}

/** A photo of one grey level with a little texture (the class is decided by its mean). */
function photo(level: number, width = 40, height = 30): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = level + ((i % 7) - 3);
    data.set([v, level, level - ((i % 5) - 2), 255], i * 4);
  }
  return { width, height, data };
}

let models: CaptionModels;
beforeAll(async () => {
  const files = captionStandinFiles();
  models = {
    encoder: await nodeSession(files['onnx/encoder_model.onnx']),
    decoder: await nodeSession(files['onnx/decoder_model_merged.onnx']),
    tokenizer: Gpt2Decoder.fromJson(new TextDecoder().decode(files['vocab.json'])),
  };
});

const photos = [GREY_LEVELS.dark, GREY_LEVELS.mid, GREY_LEVELS.bright].map((level) => photo(level));

/** Wraps a session to tamper with the cache it is fed (as a buggy loop would). */
function tampered(session: RunnableSession, change: (feeds: Record<string, unknown>, call: number) => void): RunnableSession {
  let call = 0;
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    backend: session.backend,
    run: (feeds: Feeds, options?: RunOptions) => session.run(feeds, options),
    runWithLocation: (feeds: Feeds, location: OutputLocation | Readonly<Record<string, OutputLocation>>, options?: RunOptions) => {
      const copy: Record<string, unknown> = { ...feeds };
      change(copy, call++);
      return session.runWithLocation(copy as Feeds, location, options);
    },
  };
}

describe('ViT-GPT2 stand-ins through the caption pipeline', () => {
  it('caption a dark, a mid and a bright photo as expected, token by token', async () => {
    for (const [i, pixels] of photos.entries()) {
      const partial: string[] = [];
      const caption = await captionPixels(models, { pixels, onText: (text) => partial.push(text) });
      expect(caption.text).toBe(CAPTIONS[i]);
      expect(caption.ids).toEqual(captionIds().captions[i]);
      expect(caption.finished).toBe(true);
      expect(caption.steps).toBe(caption.ids.length + 1); // one decoder run per token, plus the end token
      expect(caption.gpuCacheSteps).toBe(0); // a CPU runtime: the cache is host memory
      expect(partial.at(-1)).toBe(CAPTIONS[i]);
      expect(partial.length).toBe(caption.ids.length);
      expect(partial.every((t) => !t.includes('\uFFFD'))).toBe(true); // split é / 🐶 never shown half
      expect(caption.totalMs).toBeGreaterThanOrEqual(caption.encodeMs);
    }
  });

  it('feed the start token with zero-length pasts, then one token per step with a growing cache', async () => {
    const hidden = await encode(models.encoder, vitPixelValues(photos[0]));
    expect(hidden.dims).toEqual([1, 197, 768]);
    const seen: Record<string, unknown>[] = [];
    const spy = tampered(models.decoder, (feeds) => void seen.push(feeds));
    const decoder = new MergedDecoder(spy, hidden);
    const out = await generate(decoder, {});
    expect(models.tokenizer.decode(out.ids)).toBe(CAPTIONS[0]);
    expect(decoder.pastLengths).toEqual([0, 1, 2, 3, 4, 5]);
    const ids = (f: Record<string, unknown>) => [...((f.input_ids as HostTensor).data as BigInt64Array)].map(Number);
    const flag = (f: Record<string, unknown>) => (f.use_cache_branch as HostTensor).data[0];
    expect(ids(seen[0])).toEqual([50256]);
    expect(flag(seen[0])).toBe(0);
    expect((seen[0]['past_key_values.11.value'] as HostTensor).dims).toEqual([1, 12, 0, 64]);
    expect(ids(seen[1])).toEqual([captionIds().captions[0][0]]);
    expect(flag(seen[1])).toBe(1);
    // the present of step 1 comes back as the past of step 2: layer 5's value marks channel 11, id in 63
    const past = seen[1]['past_key_values.5.value'] as HostTensor<'float32'>;
    expect(past.dims).toEqual([1, 12, 1, 64]);
    expect(past.data[11]).toBe(1);
    expect(past.data[10]).toBe(0);
    expect(past.data[63]).toBe(50256);
    const later = seen[3]['past_key_values.0.key'] as HostTensor<'float32'>;
    expect(later.dims).toEqual([1, 12, 3, 64]);
    expect([later.data[63], later.data[64 + 63], later.data[128 + 63]]).toEqual([50256, ...captionIds().captions[0].slice(0, 2)]);
  });

  it('give the same tokens with the cache as recomputing the whole sequence without it', async () => {
    for (const [i, pixels] of photos.entries()) {
      const hidden = (await encode(models.encoder, vitPixelValues(pixels))) as HostTensor;
      for (const numBeams of i === 1 ? [1, 3] : [1]) {
        const cached = await generate(new MergedDecoder(models.decoder, hidden), { numBeams, maxLength: 12 });
        const recomputed = await generate(new UncachedDecoder(models.decoder, hidden), { numBeams, maxLength: 12 });
        expect(cached.ids).toEqual(recomputed.ids);
        expect(models.tokenizer.decode(cached.ids)).toBe(CAPTIONS[i]);
      }
    }
  });

  it('go wrong when the cache is wrong: another layer’s, key for value, zeroed, flag off, or missing', async () => {
    const hidden = await encode(models.encoder, vitPixelValues(photos[1]));
    const broken: Record<string, (f: Record<string, unknown>, call: number) => void> = {
      'layers 3 and 4 swapped': (f) => {
        [f['past_key_values.3.key'], f['past_key_values.4.key']] = [f['past_key_values.4.key'], f['past_key_values.3.key']];
      },
      'key and value swapped in layer 11': (f) => {
        [f['past_key_values.11.key'], f['past_key_values.11.value']] = [f['past_key_values.11.value'], f['past_key_values.11.key']];
      },
      'use_cache_branch left false': (f) => {
        f.use_cache_branch = { type: 'bool', dims: [1], data: Uint8Array.from([0]) };
      },
      'past zeroed': (f) => {
        for (const k of Object.keys(f)) {
          const t = f[k] as HostTensor;
          if (k.startsWith('past_key_values')) f[k] = { ...t, data: new Float32Array(t.data.length) };
        }
      },
    };
    for (const [what, change] of Object.entries(broken)) {
      const out = await generate(new MergedDecoder(tampered(models.decoder, change), hidden), { maxLength: 12 });
      const text = models.tokenizer.decode(out.ids);
      expect(text, what).not.toBe(CAPTIONS[1]);
      expect(text, what).toContain(ERROR_TOKEN_TEXT.trim());
    }
    // A past of the wrong length never reaches the model: the loop checks present's layout.
    const lost = tampered(models.decoder, (f) => {
      for (const k of Object.keys(f)) if (k.startsWith('past_key_values')) f[k] = { type: 'float32', dims: [1, 12, 0, 64], data: new Float32Array(0) };
    });
    await expect(generate(new MergedDecoder(lost, hidden), {})).rejects.toThrow(/present.0.key came back as \[1,12,1,64\], expected \[1,12,2,64\]/);
  });

  it('stand-in: the second token fed without its past gives the error token', async () => {
    const hidden = await encode(models.encoder, vitPixelValues(photos[0]));
    const feeds = (past: number, flag: boolean): Feeds => {
      const f: Record<string, HostTensor> = {
        input_ids: { type: 'int64', dims: [1, 1], data: BigInt64Array.from([BigInt(captionIds().captions[0][0])]) },
        encoder_hidden_states: hidden as HostTensor,
        use_cache_branch: { type: 'bool', dims: [1], data: Uint8Array.from([flag ? 1 : 0]) },
      };
      for (let i = 0; i < 12; i++) for (const k of ['key', 'value']) f[`past_key_values.${i}.${k}`] = { type: 'float32', dims: [1, 12, past, 64], data: new Float32Array(12 * past * 64) };
      return f;
    };
    const argmax = (t: HostTensor) => (t.data as Float32Array).indexOf(Math.max(...(t.data as Float32Array)));
    const out = await models.decoder.run(feeds(0, true), { outputs: ['logits', 'present.0.key'] });
    expect(out.logits.dims).toEqual([1, 1, 50257]);
    expect(argmax(out.logits)).toBe(captionIds().error);
    expect(out['present.0.key'].dims).toEqual([1, 12, 1, 64]);
  });

  it('beam search runs the beams as rows of one batch and finds the same caption', async () => {
    const rows: number[] = [];
    const spy = tampered(models.decoder, (f) => void rows.push((f.input_ids as HostTensor).dims[0]));
    const caption = await captionPixels({ ...models, decoder: spy }, { pixels: photos[2], numBeams: 3, maxLength: 16 });
    expect(caption.text).toBe(CAPTIONS[2]);
    expect(rows[0]).toBe(1);
    expect(rows.slice(1).every((r) => r === 3)).toBe(true);
  });

  it('stop with a clear error when the decoder gives NaN (a white photo makes the stand-in do so)', async () => {
    const error = await captionPixels(models, { pixels: photo(GREY_LEVELS.nan) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLogitsError);
    expect(String(error)).toMatch(/invalid numbers \(NaN\)/);
  });

  it('stop at maxLength and on cancel', async () => {
    const short = await captionPixels(models, { pixels: photos[0], maxLength: 3 });
    expect(short.text).toBe('a dog');
    expect(short.finished).toBe(false);
    const controller = new AbortController();
    const seen: string[] = [];
    const run = captionPixels(models, {
      pixels: photos[0],
      signal: controller.signal,
      onText: (text) => {
        seen.push(text);
        if (seen.length === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['a', 'a dog']);
  });

  it('read heads, head size and cache type from the graph', () => {
    const decoder = new MergedDecoder(models.decoder, { type: 'float32', dims: [1, 197, 768], data: new Float32Array(197 * 768) });
    expect(decoder.layout).toEqual({ layers: 12, heads: 12, headDim: 64, cacheType: 'float32' });
    // an fp16 graph with another shape (e.g. distilvit): layers from the names, the rest declared
    const names = (prefix: string) => [0, 1].flatMap((i) => [`${prefix}.${i}.key`, `${prefix}.${i}.value`]);
    const fp16 = {
      ...models.decoder,
      inputNames: ['input_ids', 'encoder_hidden_states', 'use_cache_branch', ...names('past_key_values')],
      outputNames: ['logits', ...names('present')],
      backend: 'wasm',
      session: { inputMetadata: [{ name: 'past_key_values.0.key', type: 'float16', shape: ['batch_size', 4, 'past', 8] }] },
    } as unknown as RunnableSession;
    expect(new MergedDecoder(fp16, { type: 'float32', dims: [1, 1, 1], data: new Float32Array(1) }).layout).toEqual({ layers: 2, heads: 4, headDim: 8, cacheType: 'float16' });
  });

  it('refuse a graph that is not a merged decoder, naming what is missing', async () => {
    expect(() => new MergedDecoder(models.encoder, { type: 'float32', dims: [1, 197, 768], data: new Float32Array(197 * 768) })).toThrow(
      /merged decoder.*lacks input_ids, encoder_hidden_states, use_cache_branch, logits/,
    );
    await expect(encode(models.decoder, vitPixelValues(photos[0]))).rejects.toThrow(/ViT-GPT2 encoder: it lacks pixel_values, last_hidden_state/);
  });
});
