/**
 * The latent walk end to end on the generated SD-Turbo stand-ins (scripts/make-walk-standins.mjs),
 * run by onnxruntime-node through the runtime's ModelSession: real ONNX graphs with the real names
 * and layouts, our tokenizer, the real one-step maths, then the GIF.
 */
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { reference, walkStandinFiles } from '../../../../scripts/make-walk-standins.mjs';
import { GifWriter } from '../../../media/encode/gif';
import { frameRgba, readGif } from '../../../media/encode/gif-reader';
import type { OrtModule } from '../../../runtime/ort';
import { ModelSession } from '../../../runtime/sessions';
import { float32, toFloat32, type HostTensor } from '../../../runtime/tensors';
import { CancelledError } from '../../../lib/errors';
import { ClipTokenizer } from './clip-tokenizer';
import { gaussianNoise } from './noise';
import { denoise, FrameCheckError, LATENT_SIZE, SIGMA, startLatent, unetInput, vaeInput, vaeToImage } from './turbo';
import { checkWalkModels, runWalk, type WalkFrame, type WalkModels, type WalkSession } from './walk';

async function nodeSession(graph: Uint8Array): Promise<ModelSession> {
  const session = await ortNode.InferenceSession.create(graph, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return new ModelSession(ortNode as unknown as OrtModule, session as never, 'wasm', 'test', graph.byteLength);
}

let models: WalkModels;
beforeAll(async () => {
  const files = walkStandinFiles();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  models = {
    textEncoder: await nodeSession(files['text_encoder/model.onnx']),
    unet: await nodeSession(files['unet/model.onnx']),
    vaeDecoder: await nodeSession(files['vae_decoder/model.onnx']),
    tokenizer: ClipTokenizer.fromFiles(text(files['tokenizer/vocab.json']), text(files['tokenizer/merges.txt'])),
  };
});

/** Mean absolute difference of two RGBA images over R, G, B, in 0…255. */
function meanDiff(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) if (i % 4 !== 3) sum += Math.abs(a[i] - b[i]);
  return sum / ((a.length / 4) * 3);
}

/** The expected frame from the stand-ins' functions in plain JavaScript (scripts/make-walk-standins.mjs). */
function referenceFrame(prompt: string, seed: number) {
  const ids = models.tokenizer.encode(prompt).ids;
  const hidden = reference.textEncoder(ids);
  const x = startLatent(gaussianNoise(seed, LATENT_SIZE));
  const x0 = denoise(x, reference.unet(unetInput(x), 999, hidden));
  return vaeToImage(reference.vaeDecoder(vaeInput(x0)), [1, 3, 512, 512]);
}

function maxDiff(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Wraps a session to look at (or change) what goes in and comes out. */
function spy(session: WalkSession, change?: (out: Record<string, HostTensor>, call: number) => void, metadata?: { name: string; type: string }[]) {
  const feeds: Record<string, HostTensor>[] = [];
  const wrapped: WalkSession & { session?: unknown } = {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(f, options) {
      feeds.push({ ...f });
      const out = await session.run(f, options);
      change?.(out, feeds.length);
      return out;
    },
  };
  if (metadata) wrapped.session = { inputMetadata: metadata };
  return { session: wrapped, feeds };
}

const A = 'a photo of a red cat';
const B = 'the blue forest at sunset';

describe('latent walk on the SD-Turbo stand-ins', () => {
  it('accepts the stand-ins and refuses a graph with other names, before anything runs', () => {
    expect(() => checkWalkModels(models)).not.toThrow();
    expect(() => checkWalkModels({ ...models, unet: models.vaeDecoder })).toThrow(
      /the UNet does not look like SD-Turbo's: it takes latent_sample and gives sample \(expected sample, timestep, encoder_hidden_states -> out_sample\)/,
    );
  });

  it('renders 8 frames from prompt A to prompt B that match the models’ functions and change smoothly', async () => {
    const seen: WalkFrame[] = [];
    const result = await runWalk(models, { promptA: A, promptB: B, frames: 8, seed: 42, onFrame: (f) => seen.push(f) });
    expect(result.frames).toHaveLength(8);
    expect(result.order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(result.frames.every((f) => f.width === 512 && f.height === 512 && f.data.length === 512 * 512 * 4)).toBe(true);
    expect(result.promptTokens).toEqual({ a: 8, b: 11, truncated: false }); // "at" and parts of "forest" are not whole-word merges here
    // The ends are the two prompts' own images, as the graphs' functions compute them.
    const first = referenceFrame(A, 42);
    const last = referenceFrame(B, 42);
    expect(maxDiff(result.frames[0].data, first.data)).toBeLessThanOrEqual(1);
    expect(maxDiff(result.frames[7].data, last.data)).toBeLessThanOrEqual(1);
    // Smooth: the ends differ clearly, and no step between neighbours is a jump.
    const ends = meanDiff(result.frames[0].data, result.frames[7].data);
    expect(ends).toBeGreaterThan(8);
    const steps = result.frames.slice(1).map((f, i) => meanDiff(result.frames[i].data, f.data));
    console.log(`walk stand-in: ends differ by ${ends.toFixed(2)}/255, steps ${steps.map((d) => d.toFixed(2)).join(' ')}`);
    for (const step of steps) {
      expect(step).toBeGreaterThan(0);
      expect(step).toBeLessThan(Math.min(0.5 * ends, (3 * ends) / 7));
    }
    // Each frame was handed over as soon as it was ready, with the time left going to 0.
    expect(seen.map((f) => [f.index, f.total, f.t])).toEqual(result.ts.map((t, i) => [i, 8, t]));
    expect(seen[0].image).toBe(result.frames[0]);
    expect(seen.at(-1)!.remainingMs).toBe(0);
    expect(seen[0].remainingMs).toBeGreaterThan(0);
  });

  it('holds the noise fixed: the same seed repeats, another seed changes the picture but not the prompt', async () => {
    const again = await runWalk(models, { promptA: A, promptB: B, frames: 4, seed: 42 });
    expect(maxDiff(again.frames[0].data, referenceFrame(A, 42).data)).toBeLessThanOrEqual(1);
    const other = await runWalk(models, { promptA: A, promptB: B, frames: 4, seed: 7 });
    const seedChange = meanDiff(other.frames[0].data, again.frames[0].data);
    expect(seedChange).toBeGreaterThan(0.5);
    expect(seedChange).toBeLessThan(meanDiff(again.frames[0].data, again.frames[3].data)); // the prompt matters more
  });

  it('walks between two seeds too: from seed A’s picture of prompt A to seed B’s picture of prompt B', async () => {
    const result = await runWalk(models, { promptA: A, promptB: B, frames: 5, seed: 42, seedB: 7 });
    expect(maxDiff(result.frames[0].data, referenceFrame(A, 42).data)).toBeLessThanOrEqual(1);
    expect(maxDiff(result.frames[4].data, referenceFrame(B, 7).data)).toBeLessThanOrEqual(1);
    const ends = meanDiff(result.frames[0].data, result.frames[4].data);
    for (let i = 1; i < 5; i++) expect(meanDiff(result.frames[i - 1].data, result.frames[i].data)).toBeLessThan(0.6 * ends);
  });

  it('feeds the catalogue’s inputs: int32 ids [1,77], the scaled latent, timestep 999 as int64 [1]', async () => {
    const text = spy(models.textEncoder);
    const unet = spy(models.unet);
    const vae = spy(models.vaeDecoder);
    await runWalk({ ...models, textEncoder: text.session, unet: unet.session, vaeDecoder: vae.session }, { promptA: A, promptB: B, frames: 4, seed: 3 });
    expect(text.feeds).toHaveLength(2);
    const ids = text.feeds[0].input_ids;
    expect([ids.type, ids.dims]).toEqual(['int32', [1, 77]]);
    expect(Array.from(ids.data as Int32Array)).toEqual(Array.from(models.tokenizer.encode(A).ids));
    expect(unet.feeds).toHaveLength(4);
    const feed = unet.feeds[2];
    expect([feed.timestep.type, feed.timestep.dims, feed.timestep.data[0]]).toEqual(['int64', [1], 999n]);
    expect([feed.sample.type, feed.sample.dims]).toEqual(['float32', [1, 4, 64, 64]]);
    expect([feed.encoder_hidden_states.type, feed.encoder_hidden_states.dims]).toEqual(['float32', [1, 77, 1024]]);
    const noise = gaussianNoise(3, LATENT_SIZE);
    const sample = feed.sample.data as Float32Array;
    for (const i of [0, 100, 16383]) expect(sample[i]).toBeCloseTo((noise[i] * SIGMA) / Math.sqrt(SIGMA ** 2 + 1), 5);
    expect([vae.feeds[0].latent_sample.type, vae.feeds[0].latent_sample.dims]).toEqual(['float32', [1, 4, 64, 64]]);
  });

  it('feeds float16 where a graph declares float16 inputs', async () => {
    const metadata = [
      { name: 'sample', type: 'float16' },
      { name: 'encoder_hidden_states', type: 'float16' },
    ];
    // The stand-in itself takes float32: widen the half floats back before it runs.
    const widening: WalkSession = {
      inputNames: models.unet.inputNames,
      outputNames: models.unet.outputNames,
      run: (f, o) => models.unet.run(Object.fromEntries(Object.entries(f).map(([k, t]) => [k, t.type === 'float16' ? float32(toFloat32(t), t.dims) : t])), o),
    };
    const half = spy(widening, undefined, metadata);
    const result = await runWalk({ ...models, unet: half.session }, { promptA: A, promptB: B, frames: 4, seed: 42 });
    expect(half.feeds[0].sample.type).toBe('float16');
    expect(half.feeds[0].sample.data).toBeInstanceOf(Uint16Array);
    expect(half.feeds[0].encoder_hidden_states.type).toBe('float16');
    expect(half.feeds[0].timestep.type).toBe('int64');
    expect(meanDiff(result.frames[0].data, referenceFrame(A, 42).data)).toBeLessThan(0.5); // half precision, same picture
  });

  it('feeds the timestep in the type the graph declares (int64 by default)', async () => {
    const seen: string[] = [];
    for (const type of ['float32', 'float16', 'int32', undefined]) {
      // The stand-in takes int64: turn whatever comes back into that before it runs.
      const asInt64: WalkSession = {
        inputNames: models.unet.inputNames,
        outputNames: models.unet.outputNames,
        run: (f, o) => {
          const t = f.timestep;
          seen.push(`${t.type}:${t.type === 'float16' ? toFloat32(t)[0] : Number(t.data[0])}`);
          return models.unet.run({ ...f, timestep: { type: 'int64', dims: [1], data: BigInt64Array.of(999n) } }, o);
        },
      };
      const unet = type ? spy(asInt64, undefined, [{ name: 'timestep', type }]) : spy(asInt64);
      await runWalk({ ...models, unet: unet.session }, { promptA: A, promptB: B, frames: 4, seed: 1 });
    }
    expect([...new Set(seen)]).toEqual(['float32:999', 'float16:999', 'int32:999', 'int64:999']);
  });

  it('stops with a clear error at the first NaN or all-black frame', async () => {
    const nan = spy(models.unet, (out, call) => {
      if (call === 3) (out.out_sample.data as Float32Array)[5] = NaN;
    });
    const frames: number[] = [];
    const failing = runWalk({ ...models, unet: nan.session }, { promptA: A, promptB: B, frames: 6, seed: 1, onFrame: (f) => frames.push(f.index) });
    await expect(failing).rejects.toThrow(FrameCheckError);
    await expect(failing).rejects.toThrow(/^Frame 3 came out as NaN in the UNet output \(1 of 16384 values/);
    expect(frames).toEqual([0, 1]);
    const black = spy(models.vaeDecoder, (out) => (out.sample.data as Float32Array).fill(-1));
    await expect(runWalk({ ...models, vaeDecoder: black.session }, { promptA: A, promptB: B, frames: 4, seed: 1 })).rejects.toThrow(/^Frame 1 came out all black/);
    const nanText = spy(models.textEncoder, (out) => (out.last_hidden_state.data as Float32Array).fill(NaN));
    await expect(runWalk({ ...models, textEncoder: nanText.session }, { promptA: A, promptB: B, frames: 4, seed: 1 })).rejects.toThrow(/^The prompt encoding came out as NaN in the text encoder/);
  });

  it('cancels between frames', async () => {
    const controller = new AbortController();
    const done: number[] = [];
    const run = runWalk(models, {
      promptA: A,
      promptB: B,
      frames: 10,
      seed: 1,
      signal: controller.signal,
      onFrame: (f) => {
        done.push(f.index);
        if (f.index === 1) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(CancelledError);
    expect(done).toEqual([0, 1]);
    await expect(runWalk(models, { promptA: A, promptB: B, frames: 3, seed: 1 })).rejects.toThrow(/4 to 120 frames/);
  });

  it('becomes a ping-pong GIF with one palette whose frames also change smoothly', async () => {
    const result = await runWalk(models, { promptA: A, promptB: B, frames: 6, seed: 42, pingPong: true });
    expect(result.order).toEqual([0, 1, 2, 3, 4, 5, 4, 3, 2, 1]);
    const writer = new GifWriter({ width: 0, fps: 0, palette: 'shared' });
    for (const [k, i] of result.order.entries()) await writer.add(result.frames[i], k * 0.1, 0.1);
    const encoded = await writer.finish();
    const gif = readGif(new Uint8Array(await encoded.blob.arrayBuffer()));
    expect(gif.frames).toHaveLength(10);
    expect([gif.width, gif.height, gif.loopCount]).toEqual([512, 512, 0]);
    expect(gif.globalPalette).not.toBeNull();
    expect(gif.frames.every((f) => f.localPalette === null && f.delayMs === 100)).toBe(true);
    const decoded = gif.frames.map((_, i) => frameRgba(gif, i));
    const ends = meanDiff(decoded[0], decoded[5]);
    expect(ends).toBeGreaterThan(8);
    for (let i = 1; i < decoded.length; i++) expect(meanDiff(decoded[i - 1], decoded[i])).toBeLessThan(0.5 * ends);
    expect(maxDiff(decoded[6], decoded[4])).toBe(0); // the way back repeats the frames exactly
    console.log(`walk stand-in GIF: 10 frames (6 rendered, ping-pong) 512x512, ${encoded.blob.size} bytes`);
  });
});
