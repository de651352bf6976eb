#!/usr/bin/env node
/**
 * Issue 17 part 1: ORT's own per-op profile of the style graphs, browser WASM against native, on the
 * same .onnx file with the same thread count, measured back to back in one run. Not part of `npm test`.
 *
 *   node bench/profile.mjs [--sizes 512,1024] [--runs 3] [--models rt,hq] [--files a.onnx,b.onnx]
 *                          [--threads 2] [--out bench/.tmp/profile.json]
 *
 * Browser side: headless Debian Chromium, onnxruntime-web's WASM build (the one the app loads,
 * dist/ort.wasm.min.mjs + ort-wasm-simd-threaded) in a module worker, cross-origin isolated, the app's
 * session options (src/runtime/ort.ts: graphOptimizationLevel all, numThreads = min(4, cores)) plus
 * `enableProfiling`. ORT-web prints the profile's JSON events through the WASM module's stdout
 * (console.log) at `endProfiling()`; the worker captures them. Native side: onnxruntime-node, CPU EP,
 * same options, `enableProfiling` writes a JSON trace file, read back here.
 *
 * Each side: one session per (model, size), a warm-up run, then `runs` timed runs; node events of the
 * warm-up are dropped; the fastest timed run's breakdown is reported (see aggregate). Sides alternate
 * which goes first from one (model, size) to the next.
 */
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { launchBrowser, log, root, serve, tmpDir } from './lib/common.mjs';

const MODELS = {
  rt: { label: 'realtime (starry-night)', file: 'models/style/starry-night.rt.fp32.onnx' },
  hq: { label: 'quality (blend-hq, one-hot style)', file: 'models/style/blend.hq.fp32.onnx' },
};

/** The page and worker: plain files, no build. The worker answers {id, ...} messages. */
const WORKER = `
const lines = [];
const origLog = console.log;
console.log = (...a) => { lines.push(a.join(' ')); };
let ort;
const sessions = new Map();
function input(size) {
  const data = new Float32Array(3 * size * size);
  let seed = 1;
  for (let i = 0; i < data.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; data[i] = seed / 4294967296; }
  return data;
}
self.onmessage = async ({ data: m }) => {
  try {
    if (m.op === 'init') {
      ort = await import('./ort.wasm.min.mjs');
      ort.env.wasm.wasmPaths = new URL('./', self.location.href).href;
      ort.env.wasm.numThreads = m.threads;
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
      self.postMessage({ id: m.id, ok: true, isolated: self.crossOriginIsolated });
    } else if (m.op === 'open') {
      const bytes = new Uint8Array(await (await fetch(m.url)).arrayBuffer());
      sessions.set(m.url, await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 }));
      self.postMessage({ id: m.id, ok: true });
    } else if (m.op === 'time') {
      const session = sessions.get(m.url);
      const f = { [session.inputNames[0]]: new ort.Tensor('float32', input(m.size), [1, 3, m.size, m.size]) };
      if (session.inputNames.includes('style_weights')) { const w = new Float32Array(8); w[0] = 1; f.style_weights = new ort.Tensor('float32', w, [1, 8]); }
      const t = performance.now();
      const out = await session.run(f);
      const ms = performance.now() - t;
      for (const v of Object.values(out)) v.dispose();
      self.postMessage({ id: m.id, ok: true, ms });
    } else if (m.op === 'profile') {
      const bytes = new Uint8Array(await (await fetch(m.url)).arrayBuffer());
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3, enableProfiling: true, ...(m.options || {}) });
      const feeds = () => {
        const f = { [session.inputNames[0]]: new ort.Tensor('float32', input(m.size), [1, 3, m.size, m.size]) };
        if (session.inputNames.includes('style_weights')) { const w = new Float32Array(m.styles || 8); w[0] = 1; f.style_weights = new ort.Tensor('float32', w, [1, w.length]); }
        return f;
      };
      const wall = [];
      for (let i = 0; i <= m.runs; i++) {
        const t = performance.now();
        const out = await session.run(feeds());
        wall.push(performance.now() - t);
        for (const v of Object.values(out)) v.dispose();
      }
      lines.length = 0;
      session.endProfiling();
      const text = lines.join('\\n');
      await session.release();
      self.postMessage({ id: m.id, ok: true, wall, text });
    }
  } catch (e) { self.postMessage({ id: m.id, ok: false, error: String(e && e.stack || e) }); }
};
`;
const PAGE = `<!doctype html><meta charset="utf-8"><title>profile</title><script type="module">
const worker = new Worker('./worker.mjs', { type: 'module' });
let next = 0; const waiting = new Map();
worker.onmessage = ({ data }) => { const w = waiting.get(data.id); waiting.delete(data.id); data.ok ? w.resolve(data) : w.reject(new Error(data.error)); };
window.call = (m) => new Promise((resolve, reject) => { const id = next++; waiting.set(id, { resolve, reject }); worker.postMessage({ ...m, id }); });
window.ready = true;
</script>`;

/**
 * ORT profile events (Chrome trace format) -> per-node and per-op kernel time of one run, plus the
 * run's total. The warm-up run is dropped; of the timed runs the fastest is reported (on a machine
 * shared with other jobs the fastest run is the least disturbed one), with the mean beside it.
 */
export function aggregate(events, timedRuns) {
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts).slice(-timedRuns);
  const perRun = runs.map((run) => {
    const nodes = new Map();
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < run.ts || e.ts > run.ts + run.dur) continue;
      const name = e.name.slice(0, -'_kernel_time'.length);
      const row = nodes.get(name) ?? { name, op: e.args?.op_name ?? '?', ms: 0 };
      row.ms += e.dur / 1000;
      nodes.set(name, row);
    }
    return { runMs: run.dur / 1000, byNode: [...nodes.values()] };
  });
  const best = perRun.reduce((a, b) => (b.runMs < a.runMs ? b : a));
  const byOp = {};
  for (const r of best.byNode) {
    byOp[r.op] ??= { ms: 0, nodes: 0 };
    byOp[r.op].ms += r.ms;
    byOp[r.op].nodes += 1;
  }
  return { byNode: best.byNode, byOp, runMs: best.runMs, meanRunMs: perRun.reduce((s, r) => s + r.runMs, 0) / perRun.length, runsMs: perRun.map((r) => r.runMs), kernelMs: best.byNode.reduce((s, r) => s + r.ms, 0) };
}

function parseWasmProfile(text) {
  // Printed as a JSON array, possibly split over several console lines.
  const open = text.indexOf('[');
  const close = text.lastIndexOf(']');
  if (open < 0 || close < open) throw new Error(`no profile JSON in the worker's stdout (${text.length} chars): ${text.slice(0, 300)}`);
  return JSON.parse(text.slice(open, close + 1));
}

export function makeFeeds(session, size) {
  const data = new Float32Array(3 * size * size);
  let seed = 1;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = seed / 4294967296;
  }
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, [1, 3, size, size]) };
  if (session.inputNames.includes('style_weights')) {
    const w = new Float32Array(8);
    w[0] = 1;
    feeds.style_weights = new ort.Tensor('float32', w, [1, 8]);
  }
  return feeds;
}

export async function profileNative(file, size, runs, threads, dir, options = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const session = await ort.InferenceSession.create(file, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1,
    executionMode: 'sequential', enableProfiling: true, profileFilePrefix: path.join(dir, 'native'), ...options,
  });
  const wall = [];
  for (let i = 0; i <= runs; i++) {
    const feeds = makeFeeds(session, size);
    const t = performance.now();
    await session.run(feeds);
    wall.push(performance.now() - t);
  }
  session.endProfiling();
  await session.release();
  const trace = readdirSync(dir).find((f) => f.endsWith('.json'));
  if (!trace) throw new Error(`onnxruntime-node wrote no profile in ${dir}`);
  return { wall, events: JSON.parse(readFileSync(path.join(dir, trace), 'utf8')) };
}

export async function openProfilePage(files, threads) {
  const pageDir = path.join(tmpDir, 'profile-page');
  rmSync(pageDir, { recursive: true, force: true });
  mkdirSync(pageDir, { recursive: true });
  const dist = path.join(root, 'node_modules/onnxruntime-web/dist');
  for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) copyFileSync(path.join(dist, f), path.join(pageDir, f));
  writeFileSync(path.join(pageDir, 'worker.mjs'), WORKER);
  writeFileSync(path.join(pageDir, 'index.html'), PAGE);
  const urls = files.map((file, i) => {
    const name = `m${i}-${path.basename(file)}`;
    copyFileSync(file, path.join(pageDir, name));
    return name;
  });
  const browser = await launchBrowser();
  const server = await serve(pageDir);
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.ready);
  const init = await page.evaluate((t) => window.call({ op: 'init', threads: t }), threads);
  if (!init.isolated) throw new Error('profile page is not cross-origin isolated');
  return {
    urls,
    open: (url) => page.evaluate((m) => window.call(m), { op: 'open', url }),
    time: async (url, size) => (await page.evaluate((m) => window.call(m), { op: 'time', url, size })).ms,
    profile: (url, size, runs, options) => page.evaluate((m) => window.call(m), { op: 'profile', url, size, runs, options }),
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Browser then native (order flips each size), both aggregated. */
export async function profilePair(page, url, file, size, runs, threads, { browserOptions, nativeOptions, flip } = {}) {
  const sides = {};
  const order = flip ? ['native', 'browser'] : ['browser', 'native'];
  for (const side of order) {
    if (side === 'browser') {
      const r = await page.profile(url, size, runs, browserOptions);
      sides.browser = { ...aggregate(parseWasmProfile(r.text), runs), wallMs: Math.min(...r.wall.slice(1)) };
    } else {
      const r = await profileNative(file, size, runs, threads, path.join(tmpDir, 'profile-native'), nativeOptions);
      sides.native = { ...aggregate(r.events, runs), wallMs: Math.min(...r.wall.slice(1)) };
    }
  }
  return sides;
}

export function opTable(pair) {
  const ops = [...new Set([...Object.keys(pair.browser.byOp), ...Object.keys(pair.native.byOp)])];
  return ops
    .map((op) => {
      const b = pair.browser.byOp[op]?.ms ?? 0;
      const n = pair.native.byOp[op]?.ms ?? 0;
      return { op, nodesBrowser: pair.browser.byOp[op]?.nodes ?? 0, nodesNative: pair.native.byOp[op]?.nodes ?? 0, browserMs: b, nativeMs: n, ratio: n > 0 ? b / n : null, shareBrowser: b / pair.browser.kernelMs };
    })
    .sort((a, b) => b.browserMs - a.browserMs);
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '512,1024' },
      runs: { type: 'string', default: '3' },
      models: { type: 'string', default: 'rt,hq' },
      files: { type: 'string' },
      threads: { type: 'string', default: String(Math.min(4, os.cpus().length)) },
      out: { type: 'string', default: path.join(tmpDir, 'profile.json') },
      ab: { type: 'boolean', default: false },
    },
  });
  if (values.ab) return abMain(values);
  const sizes = values.sizes.split(',').map(Number);
  const runs = Number(values.runs);
  const threads = Number(values.threads);
  const models = values.files
    ? values.files.split(',').map((f) => ({ label: path.basename(f), file: path.resolve(f) }))
    : values.models.split(',').map((k) => ({ ...MODELS[k], file: path.join(root, MODELS[k].file) }));
  const loadStart = readFileSync('/proc/loadavg', 'utf8').trim();
  log(`load at start: ${loadStart}`);
  const page = await openProfilePage(models.map((m) => m.file), threads);
  const results = [];
  try {
    let flip = false;
    for (const [i, model] of models.entries()) {
      for (const size of sizes) {
        log(`profile ${model.label} ${size}px`);
        const pair = await profilePair(page, page.urls[i], model.file, size, runs, threads, { flip });
        flip = !flip;
        const table = opTable(pair);
        results.push({ model: model.label, file: path.relative(root, model.file), size, threads, browser: pair.browser, native: pair.native, table, load: readFileSync('/proc/loadavg', 'utf8').trim() });
        log(`  run: browser ${pair.browser.runMs.toFixed(1)} ms, native ${pair.native.runMs.toFixed(1)} ms, ratio ${(pair.browser.runMs / pair.native.runMs).toFixed(2)}`);
        for (const r of table) log(`  ${r.op.padEnd(24)} ${r.browserMs.toFixed(1).padStart(8)} ${r.nativeMs.toFixed(1).padStart(8)}  x${r.ratio?.toFixed(2)}  (${r.nodesBrowser}/${r.nodesNative} nodes)`);
      }
    }
  } finally {
    await page.close();
  }
  const loadEnd = readFileSync('/proc/loadavg', 'utf8').trim();
  log(`load at end: ${loadEnd}`);
  writeFileSync(values.out, JSON.stringify({ date: new Date().toISOString(), threads, runs, loadStart, loadEnd, results }, null, 1));
  log(`wrote ${path.relative(root, values.out)}`);
}

/**
 * --ab: plain timings (no profiler) of every --files graph, browser and native, in rotation: each
 * round runs each (graph, side) once, the order rotating, so load from other jobs hits all alike.
 * Reports min and median per (graph, side, size).
 */
async function abMain(values) {
  const sizes = values.sizes.split(',').map(Number);
  const rounds = Number(values.runs);
  const threads = Number(values.threads);
  const files = values.files.split(',').map((f) => path.resolve(f));
  const loadStart = readFileSync('/proc/loadavg', 'utf8').trim();
  const page = await openProfilePage(files, threads);
  const natives = [];
  for (const file of files) natives.push(await ort.InferenceSession.create(file, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' }));
  for (const url of page.urls) await page.open(url);
  const results = [];
  try {
    for (const size of sizes) {
      const jobs = files.flatMap((file, i) => [
        { file, side: 'browser', run: () => page.time(page.urls[i], size) },
        { file, side: 'native', run: async () => { const f = makeFeeds(natives[i], size); const t = performance.now(); await natives[i].run(f); return performance.now() - t; } },
      ]);
      for (const job of jobs) await job.run(); // warm-up
      const times = jobs.map(() => []);
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < jobs.length; k++) {
          const j = (k + r) % jobs.length;
          times[j].push(await jobs[j].run());
        }
      }
      for (const [j, job] of jobs.entries()) {
        const row = { file: path.relative(root, job.file), side: job.side, size, threads, minMs: Math.min(...times[j]), medianMs: median(times[j]), runs: times[j] };
        results.push(row);
        log(`${path.relative(root, job.file).padEnd(48)} ${job.side.padEnd(7)} ${size}px  min ${row.minMs.toFixed(1)}  median ${row.medianMs.toFixed(1)} ms`);
      }
    }
  } finally {
    await page.close();
    for (const n of natives) await n.release();
  }
  const loadEnd = readFileSync('/proc/loadavg', 'utf8').trim();
  writeFileSync(values.out, JSON.stringify({ date: new Date().toISOString(), mode: 'ab', threads, rounds, loadStart, loadEnd, results }, null, 1));
  log(`load ${loadStart} -> ${loadEnd}; wrote ${path.relative(root, values.out)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
