/**
 * The one module that creates ONNX Runtime sessions. Each backend gets its own ORT build, loaded
 * lazily (the WebGPU build needs the larger asyncify WASM; the WASM-only build is smaller and
 * faster on the CPU). Runtime files are self-hosted under <app>/ort/.
 */
import type * as Ort from 'onnxruntime-web';
import { UserError } from '../lib/errors';
import type { Backend } from '../models/registry';

type OrtModule = typeof Ort;

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

export interface SessionHandle {
  ort: OrtModule;
  session: Ort.InferenceSession;
  backend: Backend;
}

export async function createSession(backend: Backend, appRoot: string, model: Uint8Array): Promise<SessionHandle> {
  const ort = await loadOrt(backend, appRoot);
  try {
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
      // On WebGPU outputs stay on the GPU, so video frames are blended and packed there
      // (src/media/gpu); getData() still downloads them where the CPU needs them.
      ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
      // Keeps ORT from silently moving unsupported nodes to the CPU on WebGPU... it logs them instead.
      logSeverityLevel: 3,
    });
    return { ort, session, backend };
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

/** Checks a session against a task's contract (input/output names), for user-supplied models. */
export function checkContract(handle: SessionHandle, inputs: string[], outputs: string[]): void {
  const missing = [
    ...inputs.filter((n) => !handle.session.inputNames.includes(n)).map((n) => `input "${n}"`),
    ...outputs.filter((n) => !handle.session.outputNames.includes(n)).map((n) => `output "${n}"`),
  ];
  if (missing.length > 0) {
    throw new UserError(
      `This model does not fit the task: it lacks ${missing.join(' and ')} (it has inputs ${handle.session.inputNames.join(', ')} and outputs ${handle.session.outputNames.join(', ')}).`,
    );
  }
}

/** A model input besides the image, fed unchanged to every run (e.g. a blend model's style weights). */
export interface ExtraInput {
  name: string;
  dims: number[];
  data: Float32Array;
}

/** Runs an image model on planar float data of shape [1,C,H,W], plus any extra inputs; one output. */
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
  const input = new handle.ort.Tensor('float32', data, [1, channels, height, width]);
  const extras = extraInputs.map((t) => [t.name, new handle.ort.Tensor('float32', t.data, t.dims)] as const);
  const results = await handle.session.run({ [inputName]: input, ...Object.fromEntries(extras) });
  const output = results[outputName];
  try {
    const values = (await output.getData()) as Float32Array;
    return values;
  } finally {
    input.dispose();
    for (const [, tensor] of extras) tensor.dispose();
    output.dispose();
  }
}
