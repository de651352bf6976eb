/**
 * The latent walk: two prompts -> N frames from SD-Turbo in one step each, the prompts' text
 * embeddings interpolated along a great circle (slerp) while the starting noise stays fixed, or
 * moves between two seeds too.
 *
 * Models come in as sessions with ModelSession's typed `run` (the runtime opens them: WebGPU with
 * shader-f16 in the app, onnxruntime-node over the generated stand-ins in tests). Inputs are fed as
 * float32 unless the graph declares float16 (CATALOGUE.md: "fp16 I/O is never needed" is
 * unconfirmed), outputs are read in either type. Every model output is checked for NaN and every
 * image for all-black before it is shown, since fp16 graphs are known to overflow in ORT-web.
 *
 * The two text-encoder outputs come back to the CPU on purpose: the slerp between them runs here,
 * once per frame, on 77x1024 values (0.3 MB), which costs far less than one UNet step.
 */
import { CancelledError } from '../../../lib/errors';
import type { RunOptions } from '../../../runtime/sessions';
import { float16, float32, int32, int64, toFloat32, type HostTensor } from '../../../runtime/tensors';
import { walkSchedule } from '../schedule';
import type { ClipTokenizer } from './clip-tokenizer';
import { gaussianNoise } from './noise';
import { slerp } from './slerp';
import { checkFinite, checkNotBlack, denoise, LATENT_DIMS, LATENT_SIZE, startLatent, TIMESTEP, unetInput, vaeInput, vaeToImage, type FrameStage, type RgbaImage } from './turbo';

/** What the walk needs of a session: ModelSession has it. */
export interface WalkSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, HostTensor>>, options?: RunOptions): Promise<Record<string, HostTensor>>;
}

export interface WalkModels {
  textEncoder: WalkSession;
  unet: WalkSession;
  vaeDecoder: WalkSession;
  tokenizer: ClipTokenizer;
}

/** The graphs' names, as CATALOGUE.md gives them. */
export const WALK_IO = {
  textEncoder: { inputs: ['input_ids'], output: 'last_hidden_state' },
  unet: { inputs: ['sample', 'timestep', 'encoder_hidden_states'], output: 'out_sample' },
  vaeDecoder: { inputs: ['latent_sample'], output: 'sample' },
} as const;

const STAGE: Record<keyof typeof WALK_IO, FrameStage> = { textEncoder: 'text encoder', unet: 'UNet', vaeDecoder: 'VAE decoder' };

export interface WalkRequest {
  promptA: string;
  promptB: string;
  /** 4…120. */
  frames: number;
  /** Play back from B to A too (the order; each frame is still rendered once). */
  pingPong?: boolean;
  /** Seed of the starting noise, held fixed along the walk… */
  seed: number;
  /** …unless a second seed is given: then the noise walks (slerp) from `seed` to `seedB` as well. */
  seedB?: number;
  signal?: AbortSignal;
  /** Each frame as soon as it is ready, in render order (index into the schedule's `ts`). */
  onFrame?: (frame: WalkFrame) => void;
}

export interface WalkFrame {
  index: number;
  total: number;
  t: number;
  image: RgbaImage;
  /** Time this frame took (UNet + VAE), and the whole walk so far including the prompts. */
  ms: number;
  elapsedMs: number;
  /** Estimated time left, from the mean time per frame so far. */
  remainingMs: number;
}

export interface WalkResult {
  /** One image per rendered position, t from 0 to 1. */
  frames: RgbaImage[];
  /** Play order (indices into `frames`): ping-pong repeats frames without rendering them again. */
  order: number[];
  ts: number[];
  promptTokens: { a: number; b: number; truncated: boolean };
  timings: { promptsMs: number; framesMs: number[] };
}

/** Refuses a graph whose inputs or output are not the catalogue's, with names, before anything runs. */
export function checkWalkModels(models: Omit<WalkModels, 'tokenizer'>): void {
  for (const key of Object.keys(WALK_IO) as (keyof typeof WALK_IO)[]) {
    const session = models[key];
    const io = WALK_IO[key];
    const missing = io.inputs.filter((name) => !session.inputNames.includes(name));
    if (missing.length > 0 || !session.outputNames.includes(io.output)) {
      throw new Error(
        `the ${STAGE[key]} does not look like SD-Turbo's: it takes ${session.inputNames.join(', ')} and gives ${session.outputNames.join(', ')} (expected ${io.inputs.join(', ')} -> ${io.output})`,
      );
    }
  }
}

/** The element type a graph declares for an input, where the runtime says (ORT's inputMetadata). */
function declaredType(session: WalkSession, name: string): string | undefined {
  const inner = (session as { session?: { inputMetadata?: readonly { name: string; type?: string }[] } }).session;
  try {
    return inner?.inputMetadata?.find((m) => m.name === name)?.type;
  } catch {
    return undefined; // older runtimes throw instead of answering
  }
}

/** A float input as the graph wants it: float32, or float16 where it declares that. */
function floatFeed(session: WalkSession, name: string, values: Float32Array, dims: readonly number[]): HostTensor {
  return declaredType(session, name) === 'float16' ? float16(values, dims) : float32(values, dims);
}

/**
 * The timestep as the graph declares it: int64 [1] per CATALOGUE.md; other exports of the same UNet
 * take it as float32, float16 or int32, so the declared type wins where there is one.
 */
function timestepFeed(session: WalkSession): HostTensor {
  switch (declaredType(session, 'timestep')) {
    case 'float32':
      return float32([Number(TIMESTEP)], [1]);
    case 'float16':
      return float16([Number(TIMESTEP)], [1]);
    case 'int32':
      return int32([Number(TIMESTEP)], [1]);
    default:
      return int64([TIMESTEP], [1]);
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

async function output(session: WalkSession, key: keyof typeof WALK_IO, feeds: Record<string, HostTensor>, frame: number): Promise<HostTensor> {
  const name = WALK_IO[key].output;
  const result = (await session.run(feeds, { outputs: [name] }))[name];
  checkFinite(toFloat32(result), frame, STAGE[key]);
  return result;
}

/** A prompt's text embedding [1,77,1024] as float32 values. */
export async function encodePrompt(models: Pick<WalkModels, 'textEncoder' | 'tokenizer'>, prompt: string): Promise<{ values: Float32Array; dims: readonly number[]; tokens: number; truncated: boolean }> {
  const encoded = models.tokenizer.encode(prompt);
  const hidden = await output(models.textEncoder, 'textEncoder', { input_ids: int32(encoded.ids, [1, encoded.ids.length]) }, 0);
  return { values: Float32Array.from(toFloat32(hidden)), dims: hidden.dims, tokens: encoded.length, truncated: encoded.truncated };
}

/** One frame: UNet once on the noise and embedding, one Euler step to x0, VAE, checks. */
export async function renderFrame(
  models: Pick<WalkModels, 'unet' | 'vaeDecoder'>,
  noise: Float32Array,
  embedding: { values: Float32Array; dims: readonly number[] },
  frame: number,
): Promise<RgbaImage> {
  const x = startLatent(noise);
  const epsilon = await output(
    models.unet,
    'unet',
    {
      sample: floatFeed(models.unet, 'sample', unetInput(x), LATENT_DIMS),
      timestep: timestepFeed(models.unet),
      encoder_hidden_states: floatFeed(models.unet, 'encoder_hidden_states', embedding.values, embedding.dims),
    },
    frame,
  );
  const x0 = denoise(x, toFloat32(epsilon));
  const decoded = await output(models.vaeDecoder, 'vaeDecoder', { latent_sample: floatFeed(models.vaeDecoder, 'latent_sample', vaeInput(x0), LATENT_DIMS) }, frame);
  const image = vaeToImage(toFloat32(decoded), decoded.dims);
  checkNotBlack(image, frame);
  return image;
}

export async function runWalk(models: WalkModels, request: WalkRequest): Promise<WalkResult> {
  const { ts, order } = walkSchedule(request.frames, request.pingPong);
  checkWalkModels(models);
  const started = performance.now();
  throwIfAborted(request.signal);
  const a = await encodePrompt(models, request.promptA);
  throwIfAborted(request.signal);
  const b = await encodePrompt(models, request.promptB);
  if (a.values.length !== b.values.length) throw new Error(`the two prompt embeddings differ in shape ([${a.dims.join(',')}] and [${b.dims.join(',')}])`);
  const promptsMs = performance.now() - started;
  const noiseA = gaussianNoise(request.seed, LATENT_SIZE);
  const noiseB = request.seedB === undefined || request.seedB === request.seed ? null : gaussianNoise(request.seedB, LATENT_SIZE);
  const frames: RgbaImage[] = [];
  const framesMs: number[] = [];
  const embedding = new Float32Array(a.values.length);
  const noise = new Float32Array(LATENT_SIZE);
  for (const [index, t] of ts.entries()) {
    throwIfAborted(request.signal);
    const frameStart = performance.now();
    slerp(a.values, b.values, t, embedding);
    const image = await renderFrame(models, noiseB ? slerp(noiseA, noiseB, t, noise) : noiseA, { values: embedding, dims: a.dims }, index + 1);
    frames.push(image);
    const ms = performance.now() - frameStart;
    framesMs.push(ms);
    const mean = framesMs.reduce((s, v) => s + v, 0) / framesMs.length;
    request.onFrame?.({ index, total: ts.length, t, image, ms, elapsedMs: performance.now() - started, remainingMs: mean * (ts.length - index - 1) });
  }
  return { frames, order, ts, promptTokens: { a: a.tokens, b: b.tokens, truncated: a.truncated || b.truncated }, timings: { promptsMs, framesMs } };
}
