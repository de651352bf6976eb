/**
 * Sessions cached per (backend, model, variant) and warmed up once, so the first real run does not
 * pay for shader compilation or kernel selection. Few are kept: each holds GPU or WASM memory.
 */
import { checkContract, createSession, runImageModel, type ExtraInput, type SessionHandle } from '../runtime/ort';
import { loadModelBytes } from '../models/loader';
import { pickVariant, type Backend, type ModelEntry } from '../models/registry';
import type { Progress } from './protocol';

const MAX_SESSIONS = 3;
const sessions = new Map<string, Promise<SessionHandle>>();

export interface SessionRequest {
  appRoot: string;
  backend: Backend;
  fp16: boolean;
  model: ModelEntry;
  modelBytes?: Uint8Array;
  onProgress: (progress: Progress) => void;
}

async function open(request: SessionRequest, variantName: string): Promise<SessionHandle> {
  const { model, backend, appRoot } = request;
  const variant = model.variants.find((v) => v.name === variantName) ?? model.variants[0];
  const bytes =
    request.modelBytes ??
    (await loadModelBytes(model, variant, {
      appRoot,
      onProgress: (done, total) => request.onProgress({ stage: 'download', done, total }),
    }));
  request.onProgress({ stage: 'load', done: 0, total: 1 });
  const handle = await createSession(backend, appRoot, bytes);
  // A user's own file is checked before anything runs, so a mismatch reads as such.
  if (request.modelBytes) checkContract(handle, model.io.inputs.map((t) => t.name), model.io.outputs.map((t) => t.name));
  await warmUp(handle, model);
  request.onProgress({ stage: 'load', done: 1, total: 1 });
  return handle;
}

async function warmUp(handle: SessionHandle, model: ModelEntry): Promise<void> {
  const [input, ...others] = model.io.inputs;
  const output = model.io.outputs[0];
  if (input.shape.length !== 4 || input.dtype !== 'float32') return;
  // Extra inputs (a blend model's style weights) get zeros: any valid value compiles the same kernels.
  const extras: ExtraInput[] = [];
  for (const t of others) {
    if (t.dtype !== 'float32' || !t.shape.every((d): d is number => typeof d === 'number')) return;
    extras.push({ name: t.name, dims: t.shape, data: new Float32Array(t.shape.reduce((a, b) => a * b, 1)) });
  }
  const side = 32;
  const channels = typeof input.shape[1] === 'number' ? input.shape[1] : 3;
  await runImageModel(handle, input.name, output.name, new Float32Array(channels * side * side).fill(0.5), channels, side, side, extras);
}

export function getSession(request: SessionRequest): { handle: Promise<SessionHandle>; variant: string } {
  const variant = request.modelBytes ? 'custom' : pickVariant(request.model, request.backend, request.fp16).name;
  const key = `${request.backend}:${request.model.id}:${variant}`;
  let handle = sessions.get(key);
  if (handle) {
    sessions.delete(key); // re-insert below: Map order doubles as least-recently-used order
  } else {
    handle = open(request, variant);
    handle.catch(() => sessions.delete(key));
  }
  sessions.set(key, handle);
  while (sessions.size > MAX_SESSIONS) {
    const [oldestKey, oldest] = sessions.entries().next().value as [string, Promise<SessionHandle>];
    sessions.delete(oldestKey);
    void oldest.then((h) => h.session.release()).catch(() => undefined);
  }
  return { handle, variant };
}
