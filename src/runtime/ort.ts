/**
 * The one module that creates ONNX Runtime sessions. Each backend gets its own ORT build, loaded
 * lazily (the WebGPU build needs the larger asyncify WASM; the WASM-only build is smaller and
 * faster on the CPU). Runtime files are self-hosted under <app>/ort/.
 *
 * Nothing here knows a task or a manifest: callers hand in graph bytes (plus any external-data
 * files) and get a session; src/runtime/sessions.ts caches them and runs typed tensors through them.
 */
import type * as Ort from 'onnxruntime-web';
import { UserError } from '../lib/errors';
import type { Backend } from '../models/registry';

export type { Backend };
export type OrtModule = typeof Ort;

const runtimes = new Map<Backend, Promise<OrtModule>>();

function configure(ort: OrtModule, appRoot: string): OrtModule {
  ort.env.wasm.wasmPaths = new URL('ort/', appRoot).href;
  // Threads need cross-origin isolation (SharedArrayBuffer); without it ORT must run single-threaded.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.wasm.proxy = false; // we are already off the main thread
  ort.env.logLevel = 'error';
  return ort;
}

export function loadOrt(backend: Backend, appRoot: string): Promise<OrtModule> {
  let runtime = runtimes.get(backend);
  if (!runtime) {
    const module = backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm');
    runtime = module.then((ort) => configure(ort as OrtModule, appRoot));
    runtimes.set(backend, runtime);
  }
  return runtime;
}

/** A graph and the files its initialisers live in (models over 2 GB keep weights in external data). */
export interface GraphFiles {
  graph: Uint8Array;
  externalData?: ReadonlyArray<{ path: string; data: Uint8Array }>;
}

export interface CreateOptions {
  /** Fixes symbolic dimensions (e.g. `batch_size: 1`), so kernels are planned for the real shapes. */
  freeDimensionOverrides?: Readonly<Record<string, number>>;
  /**
   * Memory pattern / CPU arena off, as the ORT-web SD-Turbo example does for multi-GB graphs (the
   * arena otherwise keeps peak-sized blocks alive between runs).
   */
  lowMemory?: boolean;
}

export async function createOrtSession(backend: Backend, appRoot: string, files: GraphFiles, options: CreateOptions = {}): Promise<Ort.InferenceSession> {
  const ort = await loadOrt(backend, appRoot);
  try {
    return await ort.InferenceSession.create(files.graph, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
      // On WebGPU outputs are left on the GPU; each run then decides per output whether to read it
      // back (sessions.ts), so GPU pipelines (video frames, a decoder's key/value cache) never copy.
      ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
      ...(files.externalData?.length ? { externalData: files.externalData.map((f) => ({ path: f.path, data: f.data })) } : {}),
      ...(options.freeDimensionOverrides ? { freeDimensionOverrides: { ...options.freeDimensionOverrides } } : {}),
      ...(options.lowMemory ? { enableMemPattern: false, enableCpuMemArena: false } : {}),
      // Keeps ORT from silently moving unsupported nodes to the CPU on WebGPU... it logs them instead.
      logSeverityLevel: 3,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UserError(
      backend === 'webgpu'
        ? `This model could not start on WebGPU (${detail}). Try the WASM backend: add ?backend=wasm to the address.`
        : `This file is not a model the app can run (${detail}). Pick a valid .onnx file.`,
      { cause: error },
    );
  }
}

/** Checks a session against a contract (input/output names), for user-supplied models. */
export function checkContract(session: Pick<Ort.InferenceSession, 'inputNames' | 'outputNames'>, inputs: readonly string[], outputs: readonly string[]): void {
  const missing = [
    ...inputs.filter((n) => !session.inputNames.includes(n)).map((n) => `input "${n}"`),
    ...outputs.filter((n) => !session.outputNames.includes(n)).map((n) => `output "${n}"`),
  ];
  if (missing.length > 0) {
    throw new UserError(
      `This model does not fit the task: it lacks ${missing.join(' and ')} (it has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}).`,
    );
  }
}

/** A model input besides the image, fed unchanged to every run (e.g. a blend model's style weights). */
export interface ExtraInput {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** An open session (see sessions.ts): typed runs, plus `ort`/`session`/`backend` for GPU pipelines. */
export type SessionHandle = import('./sessions').ModelSession;

/** Runs an image model on planar float data of shape [1,C,H,W], plus any extra inputs; one output, on the CPU. */
export async function runImageModel(
  handle: SessionHandle,
  inputName: string,
  outputName: string,
  data: Float32Array,
  channels: number,
  height: number,
  width: number,
  extraInputs: readonly ExtraInput[] = [],
): Promise<Float32Array> {
  const feeds = Object.fromEntries([
    [inputName, { type: 'float32' as const, dims: [1, channels, height, width], data }],
    ...extraInputs.map((t) => [t.name, { type: 'float32' as const, dims: t.dims, data: t.data }]),
  ]);
  const outputs = await handle.run(feeds, { outputs: [outputName] });
  const output = outputs[outputName];
  if (output.type !== 'float32') throw new Error(`expected a float32 output "${outputName}", got ${output.type}`);
  return output.data as Float32Array;
}
