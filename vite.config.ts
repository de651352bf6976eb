/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { staticDirs } from './scripts/static-dirs.ts';

// Cross-origin isolation lets ORT use WASM threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const ortDist = path.resolve(import.meta.dirname, 'node_modules/onnxruntime-web/dist');
const modelsDir = path.resolve(import.meta.dirname, 'models');

/** Only what the manifest names ships: embedded model files and style thumbnails. Read on each
 * call so a style added by `npm run train` is served without restarting the dev server. */
function isShippedModelFile(file: string): boolean {
  if (file === 'manifest.json') return true;
  const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as {
    models: Array<{ embedded: boolean; variants: Array<{ file: string }>; style?: { thumbnail: string } }>;
  };
  return manifest.models.some(
    (m) => (m.embedded && m.variants.some((v) => v.file === file)) || m.style?.thumbnail === file,
  );
}

export default defineConfig({
  base: process.env.BASE_PATH ?? './',
  plugins: [
    react(),
    staticDirs([
      // The runtime loads these by URL at run time; they are self-hosted, never fetched from a CDN.
      { prefix: 'ort/', dir: ortDist, include: (f) => /^ort-wasm-simd-threaded(\.asyncify)?\.(mjs|wasm)$/.test(f) },
      { prefix: 'models/', dir: modelsDir, include: isShippedModelFile },
      // ffmpeg.wasm core (GPL-2.0-or-later, bundles x264): a separate file, loaded only when the
      // browser cannot decode or encode a video itself.
      { prefix: 'ffmpeg/', dir: path.resolve(import.meta.dirname, 'node_modules/@ffmpeg/core/dist/esm'), include: (f) => /^ffmpeg-core\.(js|wasm)$/.test(f) },
    ]),
  ],
  resolve: {
    alias: [
      // The non-bundled ORT builds load their glue .mjs from env.wasm.wasmPaths, so the files above
      // are the only runtime files the app asks for.
      { find: /^onnxruntime-web\/(webgpu|wasm)$/, replacement: `${ortDist}/ort.$1.min.mjs` },
    ],
  },
  optimizeDeps: { exclude: ['onnxruntime-web', '@ffmpeg/ffmpeg'] },
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'training/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
