/// <reference lib="webworker" />
/// <reference path="../../src/media/encode/gifenc.d.ts" />
/**
 * Runs inside a worker like the app's inference worker does, with the app's own runtime module, so
 * a timed `session.run` here is the one the app pays for. Only `session.run` is timed: input
 * tensors are built beforehand and outputs are disposed after the clock stops.
 */
import type * as Ort from 'onnxruntime-web';
import * as gifenc from 'gifenc';
import { createOrtSession, loadOrt, type OrtModule } from '../../src/runtime/ort';
import { encodeGif, splitFrames, type GifFormat, type Gifenc } from '../lib/gif.mjs';
import type { Call, OpenInfo, Reply, SessionTweaks } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

/** What the bench keeps per open model: the runtime module it came from and the session. */
interface SessionHandle {
  ort: OrtModule;
  session: Ort.InferenceSession;
  backend: 'wasm' | 'webgpu';
}

const sessions = new Map<string, SessionHandle>();
const inputs = new Map<number, Float32Array>();

async function open(url: string, backend: 'wasm' | 'webgpu', appRoot: string, tweaks: SessionTweaks): Promise<SessionHandle> {
  const ort = await loadOrt(backend, appRoot);
  if (tweaks.threads !== undefined) ort.env.wasm.numThreads = tweaks.threads;
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  // No tweaks: the app's own session options (src/runtime/ort.ts createOrtSession), exactly.
  if (!tweaks.options) return { ort, session: await createOrtSession(backend, appRoot, { graph: bytes }), backend };
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    ...tweaks.options,
  } as Ort.InferenceSession.SessionOptions);
  return { ort, session, backend };
}

function inputOf(size: number): Float32Array {
  let data = inputs.get(size);
  if (!data) {
    data = new Float32Array(3 * size * size);
    // A deterministic pseudo-random image in [0,1]: content does not change a conv net's speed.
    let seed = 1;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[i] = seed / 4294967296;
    }
    inputs.set(size, data);
  }
  return data;
}

async function run(handle: SessionHandle, size: number): Promise<number> {
  const { ort, session } = handle;
  const input = new ort.Tensor('float32', inputOf(size), [1, 3, size, size]);
  const started = performance.now();
  const results = await session.run({ [session.inputNames[0]]: input });
  const millis = performance.now() - started;
  for (const tensor of Object.values(results)) tensor.dispose();
  input.dispose();
  return millis;
}

async function gif(url: string, width: number, height: number, format: GifFormat): Promise<{ millis: number; frames: number; bytes: number }> {
  const raw = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const frames = splitFrames(raw, width, height);
  const started = performance.now();
  const bytes = encodeGif(gifenc as unknown as Gifenc, frames, width, height, format);
  return { millis: performance.now() - started, frames: frames.length, bytes };
}

async function handle(call: Call): Promise<unknown> {
  switch (call.op) {
    case 'open': {
      sessions.get(call.key)?.session.release();
      const handle = await open(call.url, call.backend, call.appRoot, call.tweaks);
      sessions.set(call.key, handle);
      return { numThreads: handle.ort.env.wasm.numThreads ?? 0, crossOriginIsolated: self.crossOriginIsolated } satisfies OpenInfo;
    }
    case 'run': {
      const session = sessions.get(call.key);
      if (!session) throw new Error(`no session ${call.key}`);
      return run(session, call.size);
    }
    case 'close':
      await sessions.get(call.key)?.session.release();
      sessions.delete(call.key);
      return null;
    case 'gif':
      return gif(call.url, call.width, call.height, call.format);
  }
}

self.onmessage = async (event: MessageEvent<Call & { id: number }>) => {
  const { id } = event.data;
  try {
    self.postMessage({ id, ok: true, value: await handle(event.data) } satisfies Reply);
  } catch (error) {
    self.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply);
  }
};
