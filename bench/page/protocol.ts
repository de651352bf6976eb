/** Messages between the bench page (main.ts) and its worker (bench.worker.ts). */
import type { Backend } from '../../src/models/registry';
import type { GifFormat } from '../lib/gif.mjs';

export interface SessionTweaks {
  /** Overrides env.wasm.numThreads before the runtime starts (only honoured on the first open). */
  threads?: number;
  /** Extra InferenceSession options on top of the app's; absent = the app's createOrtSession exactly. */
  options?: Record<string, unknown>;
}

export type Call =
  | { op: 'open'; key: string; url: string; backend: Backend; appRoot: string; tweaks: SessionTweaks }
  | { op: 'run'; key: string; size: number }
  | { op: 'close'; key: string }
  | { op: 'gif'; url: string; width: number; height: number; format: GifFormat };

export interface OpenInfo {
  numThreads: number;
  crossOriginIsolated: boolean;
}

export interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}
