/**
 * The benchmark page: exposes `window.bench` for bench/run.mjs (page.evaluate). Everything heavy
 * runs in bench.worker.ts, off the main thread, as in the app.
 */
import type { Backend } from '../../src/models/registry';
import type { GifFormat } from '../lib/gif.mjs';
import type { Call, OpenInfo, Reply, SessionTweaks } from './protocol';

const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let nextId = 1;

worker.onmessage = (event: MessageEvent<Reply>) => {
  const { id, ok, value, error } = event.data;
  const call = pending.get(id);
  pending.delete(id);
  if (ok) call?.resolve(value);
  else call?.reject(new Error(error));
};

function call<T>(message: Call): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    worker.postMessage({ ...message, id });
  });
}

const appRoot = new URL('./', document.baseURI).href;

export interface GpuInfo {
  available: boolean;
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
  software?: boolean;
}

async function gpu(): Promise<GpuInfo> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return { available: false };
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const isFallbackAdapter = info.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const text = `${info.vendor} ${info.architecture} ${info.description}`.toLowerCase();
  const software = Boolean(isFallbackAdapter) || /swiftshader|llvmpipe|lavapipe|warp|software/.test(text);
  return { available: true, vendor: info.vendor, architecture: info.architecture, description: info.description, isFallbackAdapter, software };
}

const bench = {
  env: () => ({ crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent }),
  gpu,
  open: (key: string, url: string, backend: Backend, tweaks: SessionTweaks = {}) =>
    call<OpenInfo>({ op: 'open', key, url: new URL(url, appRoot).href, backend, appRoot, tweaks }),
  run: (key: string, size: number) => call<number>({ op: 'run', key, size }),
  close: (key: string) => call<null>({ op: 'close', key }),
  gif: (url: string, width: number, height: number, format: GifFormat) =>
    call<{ millis: number; frames: number; bytes: number }>({ op: 'gif', url: new URL(url, appRoot).href, width, height, format }),
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
