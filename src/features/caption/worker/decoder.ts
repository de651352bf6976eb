/**
 * The ViT-GPT2 encoder and merged decoder as the search sees them (`StepModel`), following
 * ../shared/CATALOGUE.md:
 * 1. first step: `input_ids=[[50256]]`, every `past_key_values.N.key/value` a zero-length
 *    [b,12,0,64] tensor, `use_cache_branch=false`;
 * 2. every later step: only the new token, each `present.N.*` fed back as `past_key_values.N.*`,
 *    `use_cache_branch=true`;
 * 3. the merged decoder has no attention mask.
 *
 * The cache stays where the runtime leaves it: on WebGPU the `present.*` outputs are left in GPU
 * buffers and fed straight back (no copy, no read-back; only the logits come to the CPU). Beam
 * search reorders rows between steps; host caches are gathered row by row, GPU caches are read back
 * once for a step that really reorders (greedy never does).
 */
import type { DeviceTensor, Feed, Feeds, RunOptions } from '../../../runtime/sessions';
import { bool, int64, toFloat32, zeros, type HostTensor, type OutputLocation, type TensorType } from '../../../runtime/tensors';
import type { StepModel } from './search';

/** What this file needs of the runtime's ModelSession (so tests can wrap onnxruntime-node). */
export interface RunnableSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly backend: string;
  run(feeds: Feeds, options?: RunOptions): Promise<Record<string, HostTensor>>;
  runWithLocation(
    feeds: Feeds,
    location: OutputLocation | Readonly<Record<string, OutputLocation>>,
    options?: RunOptions,
  ): Promise<Record<string, HostTensor | DeviceTensor>>;
}

export const ENCODER_INPUT = 'pixel_values';
export const ENCODER_OUTPUT = 'last_hidden_state';

function isDevice(feed: Feed): feed is DeviceTensor {
  return (feed as DeviceTensor).location === 'gpu-buffer';
}

function missing(what: string, names: readonly string[], have: readonly string[]): Error {
  return new Error(`This does not look like the ViT-GPT2 ${what}: it lacks ${names.join(', ')} (it has ${have.join(', ') || 'nothing'}).`);
}

/**
 * Checks that a graph is the ViT encoder: it takes `pixel_values` and gives `last_hidden_state`.
 * The error names what is missing; `refuse` makes the caller's own instead (e.g. the sentence about
 * the user's own encoder file), given the missing names.
 */
export function checkEncoder(
  session: Pick<RunnableSession, 'inputNames' | 'outputNames'>,
  refuse: (lack: readonly string[]) => Error = (lack) => missing('encoder', lack, [...session.inputNames, ...session.outputNames]),
): void {
  const lack = [ENCODER_INPUT].filter((n) => !session.inputNames.includes(n));
  if (!session.outputNames.includes(ENCODER_OUTPUT)) lack.push(ENCODER_OUTPUT);
  if (lack.length) throw refuse(lack);
}

/** Runs the ViT encoder: `pixel_values` [b,3,224,224] -> `last_hidden_state` [b,197,768]. */
export async function encode(session: RunnableSession, pixelValues: HostTensor, location: OutputLocation = 'cpu'): Promise<Feed> {
  checkEncoder(session);
  const out = await session.runWithLocation({ [ENCODER_INPUT]: pixelValues }, location, { outputs: [ENCODER_OUTPUT] });
  return out[ENCODER_OUTPUT];
}

export interface DecoderLayout {
  layers: number;
  heads: number;
  headDim: number;
  /** Element type of past/present (float16 for fp16 graphs). */
  cacheType: Extract<TensorType, 'float32' | 'float16'>;
}

interface ValueMeta {
  name: string;
  type?: string;
  shape?: readonly (number | string)[];
}

/** ORT's declared input metadata where the runtime exposes it (ModelSession.session.inputMetadata). */
function inputMetadata(session: RunnableSession): readonly ValueMeta[] {
  const inner = (session as { session?: { inputMetadata?: readonly ValueMeta[] } }).session;
  try {
    return inner?.inputMetadata ?? [];
  } catch {
    return [];
  }
}

/** The element type the graph declares for input `name`, where the runtime says. */
export function declaredType(session: RunnableSession, name: string): string | undefined {
  return inputMetadata(session).find((m) => m.name === name)?.type;
}

/**
 * Checks a merged decoder's names and counts its layers. Heads, head size and the cache's element
 * type are read from the graph's declared `past_key_values.0.key` ([b, heads, past, headDim],
 * float32 or float16 for fp16 files) where the runtime exposes it; otherwise ViT-GPT2's 12 x 64
 * float32 (CATALOGUE.md).
 */
export function decoderLayout(session: RunnableSession, given: Partial<DecoderLayout> = {}): DecoderLayout {
  const need = ['input_ids', 'encoder_hidden_states', 'use_cache_branch'].filter((n) => !session.inputNames.includes(n));
  const layers = new Set<number>();
  for (const name of session.inputNames) {
    const m = /^past_key_values\.(\d+)\.(key|value)$/.exec(name);
    if (m) layers.add(Number(m[1]));
  }
  const count = layers.size;
  for (let i = 0; i < count; i++) {
    for (const kind of ['key', 'value']) {
      if (!session.inputNames.includes(`past_key_values.${i}.${kind}`)) need.push(`past_key_values.${i}.${kind}`);
      if (!session.outputNames.includes(`present.${i}.${kind}`)) need.push(`present.${i}.${kind}`);
    }
  }
  if (!session.outputNames.includes('logits')) need.push('logits');
  if (count === 0) need.push('past_key_values.0.key …');
  if (need.length) throw missing('merged decoder (decoder_model_merged.onnx)', need, [...session.inputNames, ...session.outputNames]);
  const meta = inputMetadata(session).find((m) => m.name === 'past_key_values.0.key');
  const declared = (i: number) => (typeof meta?.shape?.[i] === 'number' ? (meta.shape[i] as number) : undefined);
  const type = meta?.type === 'float16' || meta?.type === 'float32' ? meta.type : undefined;
  return {
    layers: count,
    heads: given.heads ?? declared(1) ?? 12,
    headDim: given.headDim ?? declared(3) ?? 64,
    cacheType: given.cacheType ?? type ?? 'float32',
  };
}

/** Rows `parents` of a host tensor along its first (batch) axis. */
export function gatherRows<T extends TensorType>(tensor: HostTensor<T>, parents: readonly number[]): HostTensor<T> {
  const rows = tensor.dims[0];
  const per = rows ? tensor.data.length / rows : 0;
  const Ctor = tensor.data.constructor as new (n: number) => HostTensor<T>['data'];
  const data = new Ctor(per * parents.length);
  parents.forEach((p, r) => {
    if (p < 0 || p >= rows) throw new Error(`row ${p} does not exist (batch of ${rows})`);
    (data as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(tensor.data.subarray(p * per, (p + 1) * per) as ArrayLike<unknown>, r * per);
  });
  return { type: tensor.type, dims: [parents.length, ...tensor.dims.slice(1)], data };
}

async function toHost(feed: Feed): Promise<HostTensor> {
  if (!isDevice(feed)) return feed;
  const raw = (await feed.tensor.getData()) as ArrayBufferView & { length: number };
  // ORT may hand float16 back as a Float16Array: keep the bits, as the runtime does.
  const data = feed.type === 'float16' && !(raw instanceof Uint16Array) ? new Uint16Array(raw.buffer, raw.byteOffset, raw.length) : raw;
  return { type: feed.type, dims: [...feed.dims], data } as HostTensor;
}

const isIdentity = (parents: readonly number[], rows: number) => parents.length === rows && parents.every((p, i) => p === i);

/** Logits of the last position of each row, as float32: [rows][vocab]. */
export function lastLogits(logits: HostTensor): Float32Array[] {
  const [rows, seq, vocab] = logits.dims;
  if (logits.dims.length !== 3) throw new Error(`logits should be [batch, seq, vocab], got [${logits.dims.join(',')}]`);
  const values = toFloat32(logits);
  return Array.from({ length: rows }, (_, r) => values.slice((r * seq + seq - 1) * vocab, (r * seq + seq) * vocab));
}

export interface MergedDecoderOptions extends Partial<DecoderLayout> {
  /** Leave `present.*` in GPU buffers between steps (WebGPU only). Default: on WebGPU. */
  cacheOnGpu?: boolean;
}

/** The merged decoder with its key/value cache passed from step to step. */
export class MergedDecoder implements StepModel {
  readonly layout: DecoderLayout;
  private readonly cacheOnGpu: boolean;
  private cache: Record<string, Feed> | null = null;
  private rows = 0;
  private encoderRows = new Map<number, Feed>();
  /** Steps that had to read a GPU cache back to reorder beams (0 for greedy). */
  readbacks = 0;
  /** Steps whose present.* came back in GPU buffers (and went back in without a copy). */
  gpuSteps = 0;
  /** Past length fed at each step (for tests and diagnostics). */
  readonly pastLengths: number[] = [];

  constructor(
    private readonly session: RunnableSession,
    /** `last_hidden_state` of one photo ([1,197,768]); repeated per beam row when needed. */
    private readonly encoderHidden: Feed,
    options: MergedDecoderOptions = {},
  ) {
    this.layout = decoderLayout(session, options);
    this.cacheOnGpu = options.cacheOnGpu ?? session.backend === 'webgpu';
    this.encoderRows.set(encoderHidden.dims[0], encoderHidden);
  }

  private names(i: number) {
    return {
      pastKey: `past_key_values.${i}.key`,
      pastValue: `past_key_values.${i}.value`,
      presentKey: `present.${i}.key`,
      presentValue: `present.${i}.value`,
    };
  }

  private async encoderFor(rows: number): Promise<Feed> {
    let feed = this.encoderRows.get(rows);
    if (!feed) {
      const host = await toHost(this.encoderHidden);
      if (host.dims[0] !== 1) throw new Error(`encoder output has batch ${host.dims[0]}; beams need one photo per decoder`);
      feed = gatherRows(host, new Array<number>(rows).fill(0));
      this.encoderRows.set(rows, feed);
    }
    return feed;
  }

  private async pastFor(parents: readonly number[] | null, rows: number): Promise<Record<string, Feed>> {
    const past: Record<string, Feed> = {};
    const { layers, heads, headDim, cacheType } = this.layout;
    if (!parents || !this.cache) {
      for (let i = 0; i < layers; i++) {
        const n = this.names(i);
        past[n.pastKey] = zeros(cacheType, [rows, heads, 0, headDim]);
        past[n.pastValue] = zeros(cacheType, [rows, heads, 0, headDim]);
      }
      return past;
    }
    const keep = isIdentity(parents, this.rows);
    let readBack = false;
    for (let i = 0; i < layers; i++) {
      const n = this.names(i);
      for (const [from, to] of [
        [n.presentKey, n.pastKey],
        [n.presentValue, n.pastValue],
      ]) {
        const present = this.cache[from];
        if (keep) past[to] = present;
        else {
          readBack ||= isDevice(present);
          past[to] = gatherRows(await toHost(present), parents);
        }
      }
    }
    if (readBack) this.readbacks++;
    return past;
  }

  async step(tokens: readonly number[], parents: readonly number[] | null): Promise<Float32Array[]> {
    const rows = tokens.length;
    const past = await this.pastFor(parents, rows);
    const first = past[this.names(0).pastKey];
    this.pastLengths.push(first.dims[2]);
    const feeds: Record<string, Feed> = {
      input_ids: int64(tokens.map((t) => BigInt(t)), [rows, 1]),
      encoder_hidden_states: await this.encoderFor(rows),
      use_cache_branch: bool([parents !== null && this.cache !== null], [1]),
      ...past,
    };
    const location: Record<string, OutputLocation> = { logits: 'cpu', default: this.cacheOnGpu ? 'gpu-buffer' : 'cpu' };
    const out = await this.session.runWithLocation(feeds, location);
    // The old cache was an input of this run: free what is not reused.
    this.disposeCache(new Set(Object.values(out)));
    const logits = out.logits as HostTensor;
    delete out.logits;
    this.cache = out;
    this.rows = rows;
    if (isDevice(out[this.names(0).presentKey])) this.gpuSteps++;
    const expected = [rows, this.layout.heads, first.dims[2] + 1, this.layout.headDim];
    const key0 = out[this.names(0).presentKey];
    if (key0.dims.join() !== expected.join()) {
      throw new Error(`present.0.key came back as [${key0.dims.join(',')}], expected [${expected.join(',')}]: the decoder's cache layout differs from ViT-GPT2's`);
    }
    return lastLogits(logits);
  }

  private disposeCache(keep: Set<Feed> = new Set()): void {
    for (const feed of Object.values(this.cache ?? {})) if (isDevice(feed) && !keep.has(feed)) feed.dispose();
    this.cache = null;
  }

  /** Frees GPU buffers held by the cache and any GPU encoder output this decoder made. */
  dispose(): void {
    this.disposeCache();
    for (const [rows, feed] of this.encoderRows) if (feed !== this.encoderHidden && isDevice(feed)) feed.dispose(), this.encoderRows.delete(rows);
  }
}

/**
 * The same decoder without a cache: every step feeds the whole sequence with
 * `use_cache_branch=false` and zero-length pasts. Quadratic work: a reference for tests (the cached
 * loop must give the same tokens) and a diagnostic, not for the app.
 */
export class UncachedDecoder implements StepModel {
  readonly layout: DecoderLayout;
  private sequences: number[][] = [];
  constructor(
    private readonly session: RunnableSession,
    private readonly encoderHidden: HostTensor,
    options: Partial<DecoderLayout> = {},
  ) {
    this.layout = decoderLayout(session, options);
  }

  async step(tokens: readonly number[], parents: readonly number[] | null): Promise<Float32Array[]> {
    this.sequences = tokens.map((t, r) => [...(parents ? this.sequences[parents[r]] : []), t]);
    const results: Float32Array[] = [];
    for (const seq of this.sequences) {
      const feeds: Record<string, Feed> = {
        input_ids: int64(seq.map((t) => BigInt(t)), [1, seq.length]),
        encoder_hidden_states: this.encoderHidden,
        use_cache_branch: bool([false], [1]),
      };
      for (let i = 0; i < this.layout.layers; i++) {
        for (const kind of ['key', 'value']) feeds[`past_key_values.${i}.${kind}`] = zeros(this.layout.cacheType, [1, this.layout.heads, 0, this.layout.headDim]);
      }
      const out = await this.session.run(feeds, { outputs: ['logits'] });
      results.push(lastLogits(out.logits)[0]);
    }
    return results;
  }
}

