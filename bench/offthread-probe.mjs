#!/usr/bin/env node
/**
 * Issue 17 part 2, a probe (not part of `npm test` or `npm run bench`): what would moving the model
 * off the pipeline's thread buy on this machine? ORT-web's WASM `session.run` blocks the calling
 * worker's thread (and `env.wasm.proxy` only applies on a page with a document), so in the app the
 * pipeline's JavaScript stages (pixel conversions, blend, the encoder's input copy) run between model
 * runs even though runOverlapped interleaves them. Here worker A runs the realtime net frame after
 * frame; worker B, in parallel, does a fixed amount of the same kind of JavaScript pixel work per
 * frame (planar conversion both ways and the blend, calibrated alone to the per-frame cost the
 * overlap group measured outside the model). Reported: model ms per frame alone and with B busy,
 * B's ms per frame under contention, and the end-to-end / model-only ratio each arrangement implies:
 *   same thread (today):  model / (model + js)
 *   model in its own worker:  model / max(model with B, js under contention)
 *
 *   node bench/offthread-probe.mjs [--sizes 456x256,852x480] [--js 20,37] [--frames 24]
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, log, median, root, serve, tmpDir } from './lib/common.mjs';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '456x256,852x480' }, js: { type: 'string', default: '20,37' }, frames: { type: 'string', default: '24' }, model: { type: 'string', default: 'models/style/starry-night.rt.fp32.onnx' } } });

const MODEL_WORKER = `
let ort, session, bus;
self.onmessage = async ({ data: m }) => {
  if (m.op === 'init') {
    ort = await import('./ort.wasm.min.mjs');
    ort.env.wasm.wasmPaths = new URL('./', self.location.href).href;
    ort.env.wasm.numThreads = Math.min(4, navigator.hardwareConcurrency);
    ort.env.wasm.proxy = false;
    const bytes = new Uint8Array(await (await fetch(m.url)).arrayBuffer());
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    bus = m.port;
    self.postMessage({ ok: true });
  } else if (m.op === 'loop') {
    const times = [];
    const data = new Float32Array(3 * m.w * m.h).map((_, i) => (i % 255) / 255);
    for (let i = 0; i < m.frames; i++) {
      if (m.withB) bus.postMessage('frame');
      const t = performance.now();
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, [1, 3, m.h, m.w]) });
      times.push(performance.now() - t);
      for (const v of Object.values(out)) v.dispose();
    }
    self.postMessage({ ok: true, times });
  }
};`;

const JS_WORKER = `
let port, units = 1, w = 0, h = 0, rgba, planar, out, pending = 0, busy = false, times = [];
function unit() {
  // The app's per-frame JavaScript: RGBA -> planar float, planar -> RGBA, blend with the original.
  const n = w * h;
  for (let i = 0; i < n; i++) { planar[i] = rgba[i * 4] / 255; planar[n + i] = rgba[i * 4 + 1] / 255; planar[2 * n + i] = rgba[i * 4 + 2] / 255; }
  for (let i = 0; i < n; i++) { out[i * 4] = planar[i] * 255; out[i * 4 + 1] = planar[n + i] * 255; out[i * 4 + 2] = planar[2 * n + i] * 255; out[i * 4 + 3] = 255; }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] * 3 + rgba[i]) >> 2;
}
function work() { const t = performance.now(); for (let k = 0; k < units; k++) unit(); return performance.now() - t; }
async function drain() { if (busy) return; busy = true; while (pending > 0) { pending--; times.push(work()); await new Promise((r) => setTimeout(r, 0)); } busy = false; }
self.onmessage = ({ data: m }) => {
  if (m.op === 'init') { port = m.port; port.onmessage = () => { pending++; drain(); }; self.postMessage({ ok: true }); }
  else if (m.op === 'size') {
    w = m.w; h = m.h; rgba = new Uint8ClampedArray(w * h * 4).map((_, i) => i % 251); planar = new Float32Array(3 * w * h); out = new Uint8ClampedArray(w * h * 4);
    units = 1; work(); const one = median([work(), work(), work(), work(), work()]); units = Math.max(1, Math.round(m.targetMs / one));
    const alone = median([work(), work(), work(), work(), work()]);
    times = []; self.postMessage({ ok: true, units, alone });
  } else if (m.op === 'times') { const t = times; times = []; self.postMessage({ ok: true, times: t, pending }); }
};
function median(a) { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; }`;

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
const a = new Worker('./model.mjs', { type: 'module' });
const b = new Worker('./js.mjs');
const call = (w, m, t) => new Promise((resolve) => { w.onmessage = ({ data }) => resolve(data); w.postMessage(m, t || []); });
window.probe = { call: (who, m) => call(who === 'a' ? a : b, m), init: async (url) => { const ch = new MessageChannel(); await call(b, { op: 'init', port: ch.port2 }, [ch.port2]); return call(a, { op: 'init', url, port: ch.port1 }, [ch.port1]); } };
window.ready = true;
</script>`;

const dir = path.join(tmpDir, 'offthread-probe');
mkdirSync(dir, { recursive: true });
const dist = path.join(root, 'node_modules/onnxruntime-web/dist');
for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) copyFileSync(path.join(dist, f), path.join(dir, f));
copyFileSync(path.join(root, values.model), path.join(dir, 'model.onnx'));
writeFileSync(path.join(dir, 'model.mjs'), MODEL_WORKER);
writeFileSync(path.join(dir, 'js.mjs'), JS_WORKER);
writeFileSync(path.join(dir, 'index.html'), PAGE);
const browser = await launchBrowser();
const server = await serve(dir);
const rows = [];
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.ready);
  await page.evaluate(() => window.probe.init('./model.onnx'));
  const frames = Number(values.frames);
  const jsTargets = values.js.split(',').map(Number);
  for (const [i, size] of values.sizes.split(',').entries()) {
    const [w, h] = size.split('x').map(Number);
    const cal = await page.evaluate((m) => window.probe.call('b', m), { op: 'size', w, h, targetMs: jsTargets[i] ?? jsTargets[0] });
    await page.evaluate((m) => window.probe.call('a', m), { op: 'loop', w, h, frames: 2, withB: false });
    const alone = [];
    const shared = [];
    const jsShared = [];
    for (let round = 0; round < 2; round++) {
      alone.push(...(await page.evaluate((m) => window.probe.call('a', m), { op: 'loop', w, h, frames, withB: false })).times);
      shared.push(...(await page.evaluate((m) => window.probe.call('a', m), { op: 'loop', w, h, frames, withB: true })).times);
      await new Promise((r) => setTimeout(r, 500));
      jsShared.push(...(await page.evaluate(() => window.probe.call('b', { op: 'times' }))).times);
    }
    const model = median(alone);
    const modelB = median(shared);
    const js = median(jsShared);
    const row = { size, modelAloneMs: model, modelWithJsMs: modelB, jsAloneMs: cal.alone, jsContendedMs: js, sameThreadRatio: model / (model + cal.alone), offThreadRatio: model / Math.max(modelB, js) };
    rows.push(row);
    log(`${size}: model alone ${model.toFixed(1)} ms, with the JS worker busy ${modelB.toFixed(1)} ms; JS ${cal.alone.toFixed(1)} ms alone, ${js.toFixed(1)} ms contended -> implied end-to-end / model-only: same thread ${row.sameThreadRatio.toFixed(2)}, model in its own worker ${row.offThreadRatio.toFixed(2)}`);
  }
} finally {
  await browser.close();
  await server.close();
}
writeFileSync(path.join(tmpDir, 'offthread-probe.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 1));
