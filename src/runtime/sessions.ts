/**
 * The one owner of ONNX Runtime sessions in a worker: opened once per graph (keyed by the bytes'
 * sha256, so two different files never share a session), warmed up once, kept in a cache sized in
 * bytes rather than a count, and run with typed tensors in and out. Where each output lands — copied
 * to the CPU or left in a GPU buffer for the next GPU step — is chosen per call.
 *
 * Manifest models come in through `getSession` (variant choice, download/cache through src/models,
 * progress); anything else (a user's dropped file, a generated graph) through `openGraph`.
 */
import type * as Ort from 'onnxruntime-web';
import { sha256Hex } from '../models/loader';
import { loadVariantFiles, type VariantFile } from '../models/manager';
import { pickVariant, type Backend, type ModelEntry, type ModelFile, type ModelVariant, type TensorSpec } from '../models/registry';
import { removeStored } from '../models/store';
import { UserError } from '../lib/errors';
import { asGpuLost, gpuLostPromise, gpuWasLost, GpuLostError, watchDevice } from './gpu-lost';
import { checkContract, createOrtSession, loadOrt, type CreateOptions, type GraphFiles, type OrtModule } from './ort';
import { elementCount, type HostTensor, type OutputLocation, type TensorType } from './tensors';

/** An output left on the GPU: valid until disposed; feed it to the next run or dispose it. */
export interface DeviceTensor {
  location: 'gpu-buffer';
  type: TensorType;
  dims: readonly number[];
  /** ORT's tensor (its `gpuBuffer` is the data), to bind in a compute pass or feed back in. */
  tensor: Ort.Tensor;
  dispose(): void;
}

export type Feed = HostTensor | DeviceTensor;
export type Feeds = Readonly<Record<string, Feed>>;

export interface RunOptions {
  /** Outputs to compute (default: all). Fewer outputs can mean less work and no copies of the rest. */
  outputs?: readonly string[];
}

export interface LoadProgress {
  stage: 'download' | 'load';
  done: number;
  total: number;
}

function isDevice(feed: Feed): feed is DeviceTensor {
  return (feed as DeviceTensor).location === 'gpu-buffer';
}

/** A live session with typed runs. `ort`, `session` and `backend` stay public for GPU pipelines. */
export class ModelSession {
  constructor(
    readonly ort: OrtModule,
    readonly session: Ort.InferenceSession,
    readonly backend: Backend,
    /** Cache identity: backend, sha256 of the graph and options. */
    readonly key: string,
    /** What the cache charges this session: the bytes of its graph and external data. */
    readonly bytes: number,
  ) {}

  /** Runs not yet settled (outputs copied out too): a release waits for them, so an eviction never pulls a session from under a run. */
  private readonly running = new Set<Promise<unknown>>();

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs and copies every requested output to the CPU. */
  async run(feeds: Feeds, options: RunOptions = {}): Promise<Record<string, HostTensor>> {
    const outputs = await this.runWithLocation(feeds, 'cpu', options);
    return outputs as Record<string, HostTensor>;
  }

  /**
   * Runs and leaves each output where `location` says: one location for all, or per output name
   * (`default` for the rest). 'gpu-buffer' needs the WebGPU backend; the caller disposes those.
   */
  runWithLocation(
    feeds: Feeds,
    location: OutputLocation | Readonly<Record<string, OutputLocation>>,
    options: RunOptions = {},
  ): Promise<Record<string, HostTensor | DeviceTensor>> {
    const run = this.runAt(feeds, location, options);
    this.running.add(run);
    void run.catch(() => undefined).finally(() => this.running.delete(run));
    return run;
  }

  private async runAt(
    feeds: Feeds,
    location: OutputLocation | Readonly<Record<string, OutputLocation>>,
    options: RunOptions,
  ): Promise<Record<string, HostTensor | DeviceTensor>> {
    const where = (name: string): OutputLocation =>
      typeof location === 'string' ? location : (location[name] ?? location.default ?? 'cpu');
    const names = options.outputs ?? this.session.outputNames;
    for (const name of names) {
      if (!this.session.outputNames.includes(name)) throw new Error(`the model has no output "${name}" (it has ${this.session.outputNames.join(', ')})`);
      if (where(name) === 'gpu-buffer' && this.backend !== 'webgpu') {
        throw new Error(`output "${name}" was asked for in a GPU buffer, but this session runs on ${this.backend}`);
      }
    }
    const created: Ort.Tensor[] = [];
    const ortFeeds: Record<string, Ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      if (isDevice(feed)) {
        ortFeeds[name] = feed.tensor;
      } else {
        const tensor = new this.ort.Tensor(feed.type, feed.data as never, feed.dims);
        created.push(tensor);
        ortFeeds[name] = tensor;
      }
    }
    let results: Ort.InferenceSession.ReturnType;
    try {
      if (this.backend === 'webgpu' && gpuWasLost()) throw new GpuLostError('lost before this run');
      const running = options.outputs ? this.session.run(ortFeeds, [...options.outputs]) : this.session.run(ortFeeds);
      // A lost device may leave the run pending forever: the loss itself ends the wait.
      results = this.backend === 'webgpu' ? await Promise.race([running, gpuLostPromise]) : await running;
    } catch (error) {
      throw this.backend === 'webgpu' ? asGpuLost(error) : error;
    } finally {
      for (const tensor of created) tensor.dispose();
    }
    const out: Record<string, HostTensor | DeviceTensor> = {};
    try {
      for (const name of names) {
        const tensor = results[name];
        const type = tensor.type as TensorType;
        if (where(name) === 'gpu-buffer' && tensor.location === 'gpu-buffer') {
          out[name] = { location: 'gpu-buffer', type, dims: tensor.dims, tensor, dispose: () => tensor.dispose() };
        } else {
          out[name] = { type, dims: [...tensor.dims], data: hostData(type, await tensor.getData(true)) } as HostTensor;
          tensor.dispose();
        }
      }
    } catch (error) {
      for (const tensor of Object.values(results)) tensor.dispose();
      throw error;
    }
    return out;
  }

  /** Frees the session once the runs in flight have settled. */
  async release(): Promise<void> {
    await Promise.allSettled([...this.running]);
    return this.session.release();
  }
}

/** ORT hands float16 back as a Float16Array where the engine has one: keep one type, the bits. */
function hostData(type: TensorType, data: unknown): HostTensor['data'] {
  if (type === 'float16' && !(data instanceof Uint16Array)) {
    const view = data as ArrayBufferView & { length: number };
    return new Uint16Array(view.buffer, view.byteOffset, view.length);
  }
  if (type === 'bool' && !(data instanceof Uint8Array)) return Uint8Array.from(data as ArrayLike<number>);
  return data as HostTensor['data'];
}

/** Sessions of one worker, least recently used first, evicted once their bytes exceed the budget. */
export class SessionCache {
  private readonly entries = new Map<string, { bytes: number; session: Promise<ModelSession> }>();

  constructor(private budgetBytes: number) {}

  get budget(): number {
    return this.budgetBytes;
  }

  setBudget(bytes: number): void {
    this.budgetBytes = bytes;
    this.evict();
  }

  /** Bytes charged by the sessions held (open or opening). */
  get usedBytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.bytes;
    return total;
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The session under `key`, opened by `open` when missing. A failed open is forgotten, so it can be retried. */
  get(key: string, bytes: number, open: () => Promise<ModelSession>): Promise<ModelSession> {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // re-inserted below: Map order doubles as least-recently-used order
    } else {
      const session = open();
      entry = { bytes, session };
      session.catch(() => {
        if (this.entries.get(key)?.session === session) this.entries.delete(key);
      });
    }
    this.entries.set(key, entry);
    this.evict(key);
    return entry.session;
  }

  /** Releases everything (e.g. before a backend change). */
  clear(): void {
    for (const key of [...this.entries.keys()]) this.drop(key);
  }

  /** Releases every session whose key matches (a graph's bytes removed from memory); how many. */
  dropWhere(match: (key: string) => boolean): number {
    const keys = [...this.entries.keys()].filter(match);
    for (const key of keys) this.drop(key);
    return keys.length;
  }

  private evict(keep?: string): void {
    for (const key of this.entries.keys()) {
      if (this.usedBytes <= this.budgetBytes) return;
      if (key !== keep) this.drop(key);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    void entry?.session.then((s) => s.release()).catch(() => undefined);
  }
}

/**
 * About what a phone or an integrated GPU can keep without swapping: every embedded style model at
 * once (≈ 60 MB) with room to spare, but only one of the large catalogue models at a time.
 */
export const DEFAULT_SESSION_BUDGET = 512 * 1024 * 1024;

export const sessions = new SessionCache(DEFAULT_SESSION_BUDGET);

export interface GraphRequest {
  appRoot: string;
  backend: Backend;
  files: GraphFiles;
  options?: CreateOptions;
  /** Runs once after the session opens (compiles shaders, picks kernels), before anyone waits on it. */
  warmUp?: (session: ModelSession) => Promise<void>;
}

/** Key of a graph's session: its bytes' sha256, never its file name (two dropped files can share one). */
export async function graphKey(backend: Backend, files: GraphFiles, options: CreateOptions = {}): Promise<string> {
  const parts = [backend, await sha256Hex(files.graph)];
  for (const f of files.externalData ?? []) parts.push(`${f.path}=${await sha256Hex(f.data)}`);
  parts.push(optionsKey(options));
  return parts.join(':');
}

function graphBytes(files: GraphFiles): number {
  return files.graph.byteLength + (files.externalData ?? []).reduce((sum, f) => sum + f.data.byteLength, 0);
}

async function openSession(key: string, request: GraphRequest): Promise<ModelSession> {
  const ort = await loadOrt(request.backend, request.appRoot);
  const session = await createOrtSession(request.backend, request.appRoot, request.files, request.options);
  if (request.backend === 'webgpu') {
    // ORT creates its device with the first WebGPU session; watch it for loss from then on.
    try {
      watchDevice((await ort.env.webgpu.device) as unknown as Parameters<typeof watchDevice>[0]);
    } catch {
      // no device to watch (older runtime): errors after a loss are still mapped by the worker loop
    }
  }
  const handle = new ModelSession(ort, session, request.backend, key, graphBytes(request.files));
  try {
    await request.warmUp?.(handle);
  } catch (error) {
    void session.release().catch(() => undefined);
    throw error;
  }
  return handle;
}

/** A session for graph bytes the caller already holds (a dropped .onnx, a generated test graph). */
export async function openGraph(request: GraphRequest): Promise<ModelSession> {
  const key = await graphKey(request.backend, request.files, request.options);
  return sessions.get(key, graphBytes(request.files), () => openSession(key, request));
}

export interface SessionRequest {
  appRoot: string;
  backend: Backend;
  /** WebGPU adapter has shader-f16, so fp16 variants may run. */
  fp16: boolean;
  model: ModelEntry;
  /**
   * Which graph of a multi-graph model, by its file's role (`encoder`, `decoder`, `text-encoder`,
   * `unet`, `vae-decoder`…). Default: the variant's first file. Its external-data files come along.
   */
  graph?: string;
  /** A user-supplied .onnx instead of the manifest's files; checked against `model.io` before it runs. */
  modelBytes?: Uint8Array;
  options?: CreateOptions;
  /** Default: a small run from `model.io` where its inputs allow one (see `warmUpFeeds`). `false`: none. */
  warmUp?: false | ((session: ModelSession) => Promise<void>);
  /** Catalogue files missing on this device are downloaded only when true (the user asked for the model). */
  download?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
}

/** The files one session needs: the graph with the requested role, and the external data beside it. */
export function graphFilesOf(variant: ModelVariant, graph?: string): { graph: ModelFile | null; externalData: ModelFile[] } {
  const files = variant.files ?? [];
  if (files.length === 0) return { graph: null, externalData: [] };
  const main = graph ? files.find((f) => f.role === graph) : files.find((f) => f.role !== 'external-data');
  if (!main) throw new Error(`this model has no "${graph}" graph (it has ${files.map((f) => f.role).join(', ')})`);
  // ORT finds external data by the location written in the graph, relative to the graph's folder:
  // `onnx/model.onnx` keeps its weights in `onnx/model.onnx_data` (and `_data_1`…).
  const externalData = files.filter((f) => f.role === 'external-data' && f.path.startsWith(main.path));
  return { graph: main, externalData };
}

function relativeTo(graphPath: string, path: string): string {
  const dir = graphPath.includes('/') ? graphPath.slice(0, graphPath.lastIndexOf('/') + 1) : '';
  return path.startsWith(dir) ? path.slice(dir.length) : path;
}

/**
 * Feeds for a warm-up run built from a contract: symbolic image sides become 32 px, other symbolic
 * dimensions 1. `null` when some input cannot be made up (a non-float type, a rank it cannot guess).
 */
export function warmUpFeeds(inputs: readonly TensorSpec[]): Record<string, HostTensor> | null {
  const feeds: Record<string, HostTensor> = {};
  for (const spec of inputs) {
    if (spec.dtype !== 'float32') return null;
    const dims = spec.shape.map((d, i) => (typeof d === 'number' ? d : spec.shape.length === 4 && i >= 2 ? 32 : 1));
    // Images get mid-grey, so normalisation layers see a sane range; weights get zeros.
    const fill = spec.shape.length === 4 ? 0.5 : 0;
    feeds[spec.name] = { type: 'float32', dims, data: new Float32Array(elementCount(dims)).fill(fill) };
  }
  return feeds;
}

async function defaultWarmUp(session: ModelSession, model: ModelEntry): Promise<void> {
  const feeds = warmUpFeeds(model.io.inputs);
  if (feeds) await session.run(feeds, { outputs: [model.io.outputs[0].name] });
}

function optionsKey(options: CreateOptions = {}): string {
  const parts: string[] = [];
  if (options.freeDimensionOverrides) parts.push(JSON.stringify(Object.entries(options.freeDimensionOverrides).sort()));
  if (options.lowMemory) parts.push('low-memory');
  return parts.join(':');
}

/**
 * The session of a manifest model's preferred variant for this backend (one graph of it), or of the
 * user's own file. Manifest files are keyed by their recorded sha256, so a cached session is found
 * without reading the file again; a user's file is keyed by the sha256 of its bytes.
 */
export function getSession(request: SessionRequest): { handle: Promise<ModelSession>; variant: string } {
  const { model, backend } = request;
  const variant = request.modelBytes ? 'custom' : pickVariant(model, backend, request.fp16).name;
  const chosen = model.variants.find((v) => v.name === variant) ?? model.variants[0];
  const open = (key: string, load: () => Promise<GraphFiles>) => async () => {
    const files = await load();
    request.onProgress?.({ stage: 'load', done: 0, total: 1 });
    const session = await openSession(key, {
      appRoot: request.appRoot,
      backend,
      files,
      options: request.options,
      warmUp: async (s) => {
        // A user's own file is checked before anything runs, so a mismatch reads as such.
        if (request.modelBytes) checkContract(s.session, model.io.inputs.map((t) => t.name), model.io.outputs.map((t) => t.name));
        if (request.modelBytes || model.embedded || request.graph) {
          if (request.warmUp === false) return;
          await (request.warmUp ? request.warmUp(s) : defaultWarmUp(s, model));
          return;
        }
        // A downloaded catalogue graph (single-graph models: multi-graph ones declare one graph's
        // contract only) that passed its sha256 but does not fit the task (the task's own warm-up
        // binds it, else the manifest's names) is useless here: its files go, and the error says so.
        await checkCatalogueModel(chosen, model, async () => {
          if (!request.warmUp) checkContract(s.session, model.io.inputs.map((t) => t.name), model.io.outputs.map((t) => t.name));
          if (request.warmUp === false) return;
          await (request.warmUp ? request.warmUp(s) : defaultWarmUp(s, model));
        });
      },
    });
    request.onProgress?.({ stage: 'load', done: 1, total: 1 });
    return session;
  };
  const own = request.modelBytes;
  if (own) {
    const files: GraphFiles = { graph: own };
    const handle = graphKey(backend, files, request.options).then((key) =>
      sessions.get(key, graphBytes(files), open(key, async () => files)),
    );
    return { handle, variant };
  }
  const parts = graphFilesOf(chosen, request.graph);
  const sha = parts.graph?.sha256 ?? chosen.sha256;
  const bytes = parts.graph ? [parts.graph, ...parts.externalData].reduce((sum, f) => sum + f.bytes, 0) : chosen.bytes;
  const key = [backend, model.id, chosen.name, request.graph ?? '', sha, optionsKey(request.options)].join(':');
  const handle = sessions.get(
    key,
    bytes,
    open(key, () => loadGraphFiles(request)),
  );
  return { handle, variant };
}

/**
 * The graph files of the request's variant (downloaded only when `download` is set), as `getSession`
 * opens them; also for a second session of the same model in another worker (the video pipeline's
 * model worker).
 */
export async function loadGraphFiles(request: SessionRequest): Promise<GraphFiles> {
  if (request.modelBytes) return { graph: request.modelBytes };
  const chosen = pickVariant(request.model, request.backend, request.fp16);
  const parts = graphFilesOf(chosen, request.graph);
  const loaded = await loadVariantFiles(request.model, chosen, {
    appRoot: request.appRoot,
    signal: request.signal,
    download: request.download,
    paths: parts.graph ? [parts.graph, ...parts.externalData].map((f) => f.path) : undefined,
    onProgress: (done, total) => request.onProgress?.({ stage: 'download', done, total }),
  });
  return pickGraphFiles(loaded, parts);
}

function pickGraphFiles(loaded: VariantFile[], parts: ReturnType<typeof graphFilesOf>): GraphFiles {
  if (!parts.graph) return { graph: loaded[0].bytes }; // an embedded model: one file
  const byPath = new Map(loaded.map((f) => [f.path, f.bytes]));
  const mainPath = parts.graph.path;
  const graph = byPath.get(mainPath);
  if (!graph) throw new Error(`the model's file ${mainPath} did not load`);
  const externalData = parts.externalData.map((f) => {
    const data = byPath.get(f.path);
    if (!data) throw new Error(`the model's file ${f.path} did not load`);
    return { path: relativeTo(mainPath, f.path), data };
  });
  return externalData.length ? { graph, externalData } : { graph };
}

/** Allocation failures (JS or WASM heap): not the model's fault, so its files stay. */
export function isMemoryError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return /allocation failed|out of memory|\boom\b|failed to allocate|could not allocate|cannot allocate/i.test(text);
}

async function checkCatalogueModel(variant: ModelVariant, model: ModelEntry, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'CancelledError' || name === 'AbortError' || gpuWasLost() || isMemoryError(error)) throw error;
    for (const file of variant.files ?? []) await removeStored(file).catch(() => undefined);
    const detail = (error instanceof Error ? error.message : String(error)).replace(/^This model does not fit the task: /, '');
    throw new UserError(
      `The downloaded model "${model.title}" does not fit this task (${detail.replace(/\.$/, '')}). Its files were removed from this device: the app's model list names the wrong file. Pick another model.`,
      { cause: error },
    );
  }
}
