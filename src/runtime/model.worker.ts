/// <reference lib="webworker" />
/**
 * A worker that only runs one WASM session (src/runtime/remote-session.ts is its other half).
 * ONNX Runtime's WASM `session.run` blocks the thread that calls it, so a video pipeline whose model
 * runs in its own worker keeps converting, blending and encoding the frames beside it while the model
 * works: the overlap issue 17 asks for. One request at a time, answered in order.
 */
import type * as Ort from 'onnxruntime-web';
import { createOrtSession, loadOrt, type OrtModule } from './ort';
import type { ModelWorkerReply, ModelWorkerRequest } from './remote-session';
import type { HostTensor, TensorType } from './tensors';

let ort: OrtModule | null = null;
let session: Ort.InferenceSession | null = null;

/** A buffer that can move to the other worker without a copy: its own, whole, not shared. */
function ownBuffer(data: HostTensor['data']): HostTensor['data'] {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return whole && data.buffer instanceof ArrayBuffer ? data : (data.slice() as HostTensor['data']);
}

async function handle(message: ModelWorkerRequest): Promise<{ reply: ModelWorkerReply; transfer: Transferable[] }> {
  if (message.op === 'open') {
    ort = await loadOrt('wasm', message.appRoot);
    session = await createOrtSession('wasm', message.appRoot, message.files, message.options);
    return { reply: { id: message.id, ok: true }, transfer: [] };
  }
  if (!ort || !session) throw new Error('the model worker has no session yet');
  const feeds: Record<string, Ort.Tensor> = {};
  for (const [name, feed] of Object.entries(message.feeds)) feeds[name] = new ort.Tensor(feed.type, feed.data as never, feed.dims);
  const results = await session.run(feeds, [...message.outputs]);
  const outputs: Record<string, HostTensor> = {};
  const transfer: Transferable[] = [];
  for (const name of message.outputs) {
    const tensor = results[name];
    const data = ownBuffer(tensor.data as HostTensor['data']);
    outputs[name] = { type: tensor.type as TensorType, dims: [...tensor.dims], data } as HostTensor;
    transfer.push(data.buffer as ArrayBuffer);
  }
  for (const tensor of Object.values(feeds)) tensor.dispose();
  return { reply: { id: message.id, ok: true, outputs }, transfer };
}

self.onmessage = async ({ data }: MessageEvent<ModelWorkerRequest>) => {
  try {
    const { reply, transfer } = await handle(data);
    self.postMessage(reply, transfer);
  } catch (error) {
    const reply: ModelWorkerReply = { id: data.id, ok: false, name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) };
    self.postMessage(reply);
  }
};
