/**
 * Builds the benchmark page (bench/page/) into bench/.tmp/page. It serves the ORT runtime files at
 * ort/ and the style models at models/ through the app's own `staticDirs` plugin, and resolves
 * `onnxruntime-web/wasm|webgpu` the way the app's vite.config.ts does, so the page runs exactly
 * the runtime build and session code (src/runtime/ort.ts) the app runs.
 */
import path from 'node:path';
import { defineConfig } from 'vite';
import { staticDirs } from '../scripts/static-dirs.ts';

const root = path.resolve(import.meta.dirname, '..');
const ortDist = path.join(root, 'node_modules/onnxruntime-web/dist');

export default defineConfig({
  root: path.join(import.meta.dirname, 'page'),
  base: './',
  logLevel: 'warn',
  plugins: [
    staticDirs([
      { prefix: 'ort/', dir: ortDist, include: (f) => /^ort-wasm-simd-threaded(\.asyncify)?\.(mjs|wasm)$/.test(f) },
      // Every model file, not only the shipped ones: the bench also times variants the app never picks.
      { prefix: 'models/', dir: path.join(root, 'models'), include: (f) => f.endsWith('.onnx') },
      { prefix: 'test-models/', dir: path.join(import.meta.dirname, '.tmp/test-models'), include: (f) => f.endsWith('.onnx') },
      { prefix: 'standins/', dir: path.join(import.meta.dirname, '.tmp/standins'), include: (f) => f.endsWith('.onnx') },
    ]),
  ],
  resolve: {
    alias: [{ find: /^onnxruntime-web\/(webgpu|wasm)$/, replacement: `${ortDist}/ort.$1.min.mjs` }],
  },
  worker: { format: 'es' },
  build: { outDir: path.join(import.meta.dirname, '.tmp/page'), emptyOutDir: true, target: 'es2022' },
});
