/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { staticDirs } from './scripts/static-dirs.ts';

// Cross-origin isolation lets ORT use WASM threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Hugging Face, where catalogue models come from: its /resolve/<commit>/ URLs redirect to CDN hosts
 * (cdn-lfs.huggingface.co, cdn-lfs-us-1.hf.co, cas-bridge.xethub.hf.co…), which the fetch follows.
 * The served models/manifest.json may list new catalogue models without a rebuild, and the
 * validator (src/models/registry.ts) admits only these pinned hub URLs, so the policy names them.
 */
const HUB_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

/** Origins of catalogue models (non-embedded), the only places besides the app it may connect to. */
function modelHosts(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as {
    models: Array<{ embedded: boolean; variants: Array<{ files?: Array<{ url: string }> }> }>;
  };
  const urls = manifest.models.filter((m) => !m.embedded).flatMap((m) => m.variants.flatMap((v) => (v.files ?? []).map((f) => new URL(f.url).origin)));
  return [...new Set([...HUB_HOSTS, ...urls])];
}

/**
 * Strict CSP for the built app (the dev server needs inline scripts for hot reload, so build only).
 * 'wasm-unsafe-eval' lets WebAssembly compile without allowing JavaScript eval.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'clipmorph-csp',
    apply: 'build',
    transformIndexHtml() {
      const policy = [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "media-src 'self' blob:",
        // blob: lets the page read back its own results (a batch collects each one for the ZIP); only this origin's scripts can mint blob URLs.
        `connect-src 'self' blob: ${modelHosts().join(' ')}`.trim(),
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
      ].join('; ');
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }];
    },
  };
}

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

/**
 * The app bundles models/manifest.json into its initial JavaScript (100 KB gzip budget), but reads
 * only the critic's style figures from each recipe (src/features/style/models.ts); the rest (training
 * details, int8 measurements) stays in the served models/manifest.json for people and scripts.
 */
function slimManifest(): Plugin {
  return {
    name: 'clipmorph-slim-manifest',
    enforce: 'pre',
    transform(code, id) {
      if (path.resolve(id.split('?')[0]) !== path.join(modelsDir, 'manifest.json')) return null;
      type Figures = { style?: number };
      const manifest = JSON.parse(code) as { models: Array<{ recipe?: { critic?: { thisFile?: Figures; qualityModel?: Figures } } }> };
      for (const m of manifest.models) {
        if (!m.recipe) continue;
        const critic = m.recipe.critic;
        const pick = (f?: Figures) => (f && typeof f.style === 'number' ? { style: f.style } : undefined);
        m.recipe = critic ? { critic: { thisFile: pick(critic.thisFile), qualityModel: pick(critic.qualityModel) } } : {};
      }
      return { code: JSON.stringify(manifest), map: null };
    },
  };
}

export default defineConfig({
  base: process.env.BASE_PATH ?? './',
  plugins: [
    slimManifest(),
    react(),
    staticDirs([
      // The runtime loads these by URL at run time; they are self-hosted, never fetched from a CDN.
      { prefix: 'ort/', dir: ortDist, include: (f) => /^ort-wasm-simd-threaded(\.asyncify)?\.(mjs|wasm)$/.test(f) },
      { prefix: 'models/', dir: modelsDir, include: isShippedModelFile },
      // ffmpeg.wasm core (GPL-2.0-or-later, bundles x264): a separate file, loaded only when the
      // browser cannot decode or encode a video itself.
      { prefix: 'ffmpeg/', dir: path.resolve(import.meta.dirname, 'node_modules/@ffmpeg/core/dist/esm'), include: (f) => /^ffmpeg-core\.(js|wasm)$/.test(f) },
    ]),
    contentSecurityPolicy(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false, // src/sw/register.ts registers it, with the update prompt
      registerType: 'prompt',
      scope: './',
      injectManifest: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,onnx,json,png,jpg,svg,webmanifest}'],
        globIgnores: ['**/*.map'],
        // Listed with revisions so the worker knows them; the runtimes among them (ORT ~14 + 26 MB,
        // ffmpeg ~32 MB) are cached by need, not at install (src/sw/sw.ts).
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
      },
      manifest: {
        id: './',
        name: 'ClipMorph Web',
        short_name: 'ClipMorph',
        description: 'Private, in-browser style transfer for photos and videos. Nothing is uploaded.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#14161c',
        theme_color: '#14161c',
        categories: ['photo', 'graphics'],
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512-maskable.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
        file_handlers: [
          {
            action: './',
            accept: {
              'image/*': ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.avif'],
              'video/*': ['.mp4', '.mov', '.webm', '.mkv', '.avi'],
            },
          },
        ],
        share_target: {
          action: './share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { files: [{ name: 'media', accept: ['image/*', 'video/*'] }] },
        },
      },
    }),
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
