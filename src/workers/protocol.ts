/** Messages between the UI and the inference worker. Everything here is structured-cloneable. */
import type { Rgba } from '../lib/pixels';
import type { Backend, ModelEntry } from '../models/registry';

export type Stage = 'download' | 'load' | 'infer';

export interface Progress {
  stage: Stage;
  done: number;
  total: number;
}

export interface StyleImageRequest {
  appRoot: string;
  backend: Backend;
  /** WebGPU adapter has shader-f16, so fp16 variants may run. */
  fp16: boolean;
  model: ModelEntry;
  /** A user-supplied .onnx instead of the manifest's files. */
  modelBytes?: Uint8Array;
  image: Blob;
  imageName: string;
  /** Long side to process at; 0 keeps the original size (tiled). */
  maxSide: number;
}

export interface StyleImageResult {
  input: Rgba;
  stylised: Rgba;
  backend: Backend;
  variant: string;
  tiles: number;
  inferMillis: number;
}

export interface WorkerMethods {
  styleImage(request: StyleImageRequest): StyleImageResult;
}

export type MethodName = keyof WorkerMethods;

export interface CallMessage<M extends MethodName = MethodName> {
  id: number;
  method: M;
  args: Parameters<WorkerMethods[M]>[0];
}

export type ReplyMessage =
  | { id: number; type: 'progress'; progress: Progress }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; name: string; message: string };
