/**
 * Which built files the service worker keeps by need rather than precaching at install (one
 * definition, shared by the worker and by the page's messages about them).
 * - `wasm`: ORT's WASM runtime, every backend's fallback;
 * - `webgpu`: ORT's WebGPU runtime, only on a page that runs WebGPU;
 * - `ffmpeg`: ffmpeg.wasm, the first time a video needs it;
 * - `quality`: the quality-tier style files, the first time *Best quality* runs them.
 */
export type Need = 'wasm' | 'webgpu' | 'ffmpeg' | 'quality';

/** The need a built file belongs to, or null for the shell (precached at install). */
export function needOf(url: string): Need | null {
  if (/(^|\/)ffmpeg\//.test(url)) return 'ffmpeg';
  if (/(^|\/)models\/style\/[^/]+\.hq\.[^/]+\.onnx$/.test(url)) return 'quality';
  if (/(^|\/)ort\/ort-wasm-simd-threaded\.asyncify\.(mjs|wasm)$/.test(url)) return 'webgpu';
  if (/(^|\/)ort\/ort-wasm-simd-threaded\.(mjs|wasm)$/.test(url)) return 'wasm';
  return null;
}
