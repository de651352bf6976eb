/**
 * Group 1: model latency, headless Chromium (WASM, threads + SIMD, cross-origin isolated, the app's
 * own src/runtime/ort.ts in a worker) versus onnxruntime-node on the same .onnx. Browser and native
 * runs alternate in one loop, so load from other processes hits both sides alike; each side gets a
 * warm-up run per size first, and the figure is the median of the timed runs.
 */
import os from 'node:os';
import ort from 'onnxruntime-node';
import { launchBrowser, log, median, round, serve, tmpDir } from '../lib/common.mjs';
import { latencyModels } from '../lib/models.mjs';
import path from 'node:path';

export const title = 'Model latency: browser (WASM) vs native (onnxruntime-node)';

export function randomInput(size) {
  const data = new Float32Array(3 * size * size);
  let seed = 1;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = seed / 4294967296;
  }
  return new ort.Tensor('float32', data, [1, 3, size, size]);
}

export async function nativeSession(file, threads, extra = {}) {
  return ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    ...extra,
  });
}

export async function nativeRun(session, input) {
  const started = performance.now();
  const results = await session.run({ [session.inputNames[0]]: input });
  const millis = performance.now() - started;
  for (const t of Object.values(results)) t.dispose?.();
  return millis;
}

/** Opens the bench page; `tweaks.threads` needs a fresh page (ORT fixes its thread pool on start). */
export async function openBenchPage(browser, url) {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && log('page:', m.text()));
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('favicon.ico') && log(`page: ${r.status()} ${r.url()}`));
  await page.goto(url);
  await page.waitForFunction(() => 'bench' in window);
  return page;
}

/** Times browser and native alternately; returns medians and raw runs. */
export async function sideBySide({ page, key, native, size, runs }) {
  const input = randomInput(size);
  const browserRuns = [];
  const nativeRuns = [];
  // Warm-up at this size on both sides: kernel selection, buffer allocation, page faults.
  const warmBrowser = await page.evaluate(([k, s]) => window.bench.run(k, s), [key, size]);
  const warmNative = await nativeRun(native, input);
  const count = typeof runs === 'function' ? runs(Math.max(warmBrowser, warmNative)) : runs;
  for (let i = 0; i < count; i++) {
    // Alternate who goes first so neither side always follows the other's cache and thermal state.
    const order = i % 2 ? ['native', 'browser'] : ['browser', 'native'];
    for (const side of order) {
      if (side === 'browser') browserRuns.push(await page.evaluate(([k, s]) => window.bench.run(k, s), [key, size]));
      else nativeRuns.push(await nativeRun(native, input));
    }
  }
  const browserMs = median(browserRuns);
  const nativeMs = median(nativeRuns);
  return { browserMs: round(browserMs, 1), nativeMs: round(nativeMs, 1), ratio: round(browserMs / nativeMs), browserRuns: browserRuns.map((v) => round(v, 1)), nativeRuns: nativeRuns.map((v) => round(v, 1)), warmup: { browser: round(warmBrowser, 1), native: round(warmNative, 1) } };
}

/** Fewer timed runs for slow cases keeps the whole bench well under 30 minutes. */
export const runsFor = (base) => (warmMs) => (warmMs > 8000 ? 3 : warmMs > 2000 ? Math.min(base, 3) : base);

export async function measure({ args }) {
  const sizes = args.sizes;
  const browser = await launchBrowser();
  const server = await serve(path.join(tmpDir, 'page'));
  const notes = [];
  const rows = [];
  try {
    const page = await openBenchPage(browser, server.url);
    const env = await page.evaluate(() => window.bench.env());
    const gpu = await page.evaluate(() => window.bench.gpu());
    const threads = Math.min(4, env.hardwareConcurrency || 1); // what src/runtime/ort.ts picks
    if (!env.crossOriginIsolated) notes.push('The bench page was NOT cross-origin isolated: WASM ran single-threaded.');
    const backends = ['wasm'];
    if (gpu.available && !gpu.software) backends.push('webgpu');
    else notes.push(gpu.available
      ? `WebGPU skipped: the only adapter is a software one (${[gpu.vendor, gpu.architecture, gpu.description].filter(Boolean).join(' / ')}, isFallbackAdapter=${gpu.isFallbackAdapter}); SwiftShader timings say nothing about real GPUs.`
      : 'WebGPU skipped: no adapter.');
    notes.push(`Native side: onnxruntime-node ${ort.env.versions?.common ?? ''} CPU EP, graphOptimizationLevel all, intraOpNumThreads ${threads} (the browser's numThreads), sequential.`);
    for (const model of latencyModels({ allStyles: args.allStyles })) {
      const native = await nativeSession(model.file, threads);
      for (const backend of backends) {
        const key = `${model.url}:${backend}`;
        let opened;
        try {
          opened = await page.evaluate(([k, u, b]) => window.bench.open(k, u, b), [key, model.url, backend]);
        } catch (error) {
          rows.push({ model: model.id, tier: model.tier, variant: model.variant, backend, error: String(error.message ?? error).slice(0, 300) });
          continue;
        }
        for (const size of sizes) {
          log(`latency ${model.id} ${model.variant} ${backend} ${size}px`);
          const figures = await sideBySide({ page, key, native, size, runs: runsFor(args.runs) });
          rows.push({ model: model.id, sameAs: model.sameAs, tier: model.tier, variant: model.variant, bytes: model.bytes, backend, threads: opened.numThreads, size, ...figures });
          log(`  browser ${figures.browserMs} ms, native ${figures.nativeMs} ms, ratio ${figures.ratio}`);
        }
        await page.evaluate((k) => window.bench.close(k), key);
      }
      await native.release();
    }
    return { env, gpu, threads, rows, notes, cores: os.cpus().length };
  } finally {
    await browser.close();
    await server.close();
  }
}
