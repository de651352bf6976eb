/**
 * Messages between the UI and the task worker, for any method map. Nothing here knows a task: each
 * feature declares its own methods (src/features/<task>/protocol.ts) and the registry joins them
 * (src/features/registry.ts). Everything that crosses is structured-cloneable.
 */
import type { VideoInfo } from '../media/frames';
import type { Backend, ModelEntry, ModelFile } from '../models/registry';

/**
 * `download`/`load`: the model; `infer`: one input through the model (`done`/`total` count tiles or
 * steps); `frames`: a sequence (video frames, animation frames), `done`/`total` count frames;
 * `import`: the user's own model files copied into the model store, `done`/`total` count bytes.
 */
export type Stage = 'download' | 'load' | 'infer' | 'frames' | 'import';

export interface Progress {
  stage: Stage;
  done: number;
  total: number;
}

/** What every model-running request carries: where the app lives, the backend and the model. */
export interface ModelRequest {
  appRoot: string;
  backend: Backend;
  /** WebGPU adapter has shader-f16, so fp16 variants may run. */
  fp16: boolean;
  model: ModelEntry;
  /** A user-supplied .onnx instead of the manifest's files. */
  modelBytes?: Uint8Array;
}

/** Model files of the user's own, each with its role and path in the model's repo layout, to copy into the model store. */
export interface ImportModelFilesRequest {
  files: Array<{ file: Blob; path: string; role: string }>;
}

export interface ImportModelFilesResult {
  /** As stored: read back by sha256 like downloaded files (no URL: nothing to download). */
  files: ModelFile[];
  /** `memory`: this browser has no OPFS, so the copy lasts this visit only. */
  storage: 'device' | 'memory';
}

/** Methods the worker serves for every task (opening inputs and importing model files are shared). */
export interface CoreMethods {
  /** Which decoder can read the file, and its upright size and duration; fails on unreadable files. */
  probeVideo(request: { appRoot: string; video: File }): VideoInfo;
  /** Streams model files of the user's own into the model store (src/models/import.ts). */
  importModelFiles(request: ImportModelFilesRequest): ImportModelFilesResult;
  /**
   * Frees files copied into this worker's memory (a copy removed under Models while another task's
   * copy keeps the worker alive): the bytes, and every session opened from them.
   */
  dropModelFiles(request: { sha256: string[] }): { files: number; sessions: number };
}

/**
 * A method map is an interface of methods, each taking one request and returning one (cloneable)
 * result: `{ styleImage(request: StyleImageRequest): StyleImageResult }`.
 */
export type MethodName<Methods> = keyof Methods & string;
export type RequestOf<F> = F extends (request: infer R) => unknown ? R : never;
export type ResultOf<F> = F extends (request: never) => infer R ? R : never;

/** A union over methods, so checking `method` narrows `args`. */
export type CallMessage<Methods, M extends MethodName<Methods> = MethodName<Methods>> = {
  [K in M]: { id: number; method: K; args: RequestOf<Methods[K]> };
}[M];

export type ReplyMessage =
  | { id: number; type: 'progress'; progress: Progress }
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; name: string; message: string };

/** What a worker-side method gets besides its request. */
export interface WorkerContext {
  onProgress(progress: Progress): void;
  /** Buffers of the result to move to the page rather than copy (they become unusable here). */
  transfer(...items: Transferable[]): void;
}

/** The worker-side implementation of a method map: same names, same requests, async results. */
export type WorkerImpl<Methods> = {
  [K in MethodName<Methods>]: (request: RequestOf<Methods[K]>, context: WorkerContext) => Promise<ResultOf<Methods[K]>>;
};

/** A worker-side method whose request and result types are checked where its feature declares it. */
export type AnyWorkerMethod = (request: never, context: WorkerContext) => Promise<unknown>;
