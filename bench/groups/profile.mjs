/**
 * Issue 17 part 1 inside `npm run bench`: ORT's own per-op profile of the style graphs, browser WASM
 * against onnxruntime-node, same .onnx file and thread count (bench/profile.mjs does the work; run
 * it alone for other files or sizes). Three graphs: the realtime net as training/export_onnx.py
 * writes it (taken from git at the commit before the sub-pixel rewrite), the shipped realtime net
 * (scripts/optimize-style-graphs.py rewrote its upsample convs), and the Best-quality net. Then a
 * plain timed A/B of the two realtime graphs, browser and native, in rotation: the ratio the goal
 * (browser / native <= 1.5 at 512 and 1024 px) is judged on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { log, median, root, round, tmpDir } from '../lib/common.mjs';
import { makeFeeds, openProfilePage, opTable, profilePair } from '../profile.mjs';

export const title = 'Per-op profile and timed A/B: browser WASM vs native, realtime graph before and after the rewrite (issue 17 part 1)';

/** The last commit whose realtime files are the plain exported graphs (f788cfa rewrote them). */
const BEFORE_COMMIT = '7d68f1c';
const SIZES = [512, 1024];
const AB_ROUNDS = 7;
const PROFILE_RUNS = 3;

function graphs() {
  const dir = path.join(tmpDir, 'profile-graphs');
  mkdirSync(dir, { recursive: true });
  const before = path.join(dir, 'starry-night.rt.fp32.exported.onnx');
  writeFileSync(before, execFileSync('git', ['show', `${BEFORE_COMMIT}:models/style/starry-night.rt.fp32.onnx`], { cwd: root, maxBuffer: 1 << 28 }));
  return [
    { key: 'rt-before', label: 'realtime, as exported (before)', file: before },
    { key: 'rt-after', label: 'realtime, shipped (after the sub-pixel rewrite)', file: path.join(root, 'models/style/starry-night.rt.fp32.onnx') },
    { key: 'hq', label: 'Best quality (blend.hq, one-hot style)', file: path.join(root, 'models/style/blend.hq.fp32.onnx') },
  ];
}

/** Conv and FusedConv (Conv + activation, which ORT-web fuses where native does not) counted as one op. */
function mergedTable(pair) {
  const rows = opTable(pair);
  const conv = rows.filter((r) => r.op === 'Conv' || r.op === 'FusedConv');
  const rest = rows.filter((r) => r.op !== 'Conv' && r.op !== 'FusedConv');
  const b = conv.reduce((s, r) => s + r.browserMs, 0);
  const n = conv.reduce((s, r) => s + r.nativeMs, 0);
  const merged = { op: 'Conv (incl. FusedConv)', browserMs: b, nativeMs: n, ratio: n ? b / n : null, nodesBrowser: conv.reduce((s, r) => s + r.nodesBrowser, 0), nodesNative: conv.reduce((s, r) => s + r.nodesNative, 0), shareBrowser: b / pair.browser.kernelMs };
  return [merged, ...rest].sort((x, y) => y.browserMs - x.browserMs).map((r) => ({ ...r, browserMs: round(r.browserMs, 1), nativeMs: round(r.nativeMs, 1), ratio: round(r.ratio, 2), shareBrowser: round(r.shareBrowser, 3) }));
}

export async function measure({ args }) {
  const threads = Math.min(4, (await import('node:os')).cpus().length);
  const models = graphs();
  const page = await openProfilePage(models.map((m) => m.file), threads);
  const profiles = [];
  const ab = [];
  try {
    let flip = false;
    for (const [i, model] of models.entries()) {
      for (const size of SIZES) {
        log(`profile ${model.label} ${size}px`);
        const pair = await profilePair(page, page.urls[i], model.file, size, PROFILE_RUNS, threads, { flip });
        flip = !flip;
        profiles.push({ key: model.key, model: model.label, size, threads, browserRunMs: round(pair.browser.runMs, 1), nativeRunMs: round(pair.native.runMs, 1), ratio: round(pair.browser.runMs / pair.native.runMs, 2), ops: mergedTable(pair),
          topBrowserNodes: [...pair.browser.byNode].sort((a, b) => b.ms - a.ms).slice(0, 5).map((n) => ({ name: n.name, op: n.op, ms: round(n.ms, 1) })) });
        log(`  browser ${profiles.at(-1).browserRunMs} ms, native ${profiles.at(-1).nativeRunMs} ms, ratio ${profiles.at(-1).ratio}`);
      }
    }
    // Timed A/B, no profiler: both realtime graphs x both sides, rotating, after a warm-up each.
    const rt = models.filter((m) => m.key.startsWith('rt-'));
    const natives = [];
    for (const m of rt) natives.push(await ort.InferenceSession.create(m.file, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' }));
    for (const m of rt) await page.open(page.urls[models.indexOf(m)]);
    try {
      for (const size of SIZES) {
        const jobs = rt.flatMap((m, i) => [
          { key: m.key, side: 'browser', run: () => page.time(page.urls[models.indexOf(m)], size) },
          { key: m.key, side: 'native', run: async () => { const f = makeFeeds(natives[i], size); const t = performance.now(); await natives[i].run(f); return performance.now() - t; } },
        ]);
        for (const job of jobs) await job.run();
        const times = jobs.map(() => []);
        for (let r = 0; r < AB_ROUNDS; r++) for (let k = 0; k < jobs.length; k++) { const j = (k + r) % jobs.length; times[j].push(await jobs[j].run()); }
        const get = (key, side) => times[jobs.findIndex((j) => j.key === key && j.side === side)];
        for (const m of rt) {
          const b = get(m.key, 'browser');
          const n = get(m.key, 'native');
          ab.push({ key: m.key, model: m.label, size, threads, rounds: AB_ROUNDS, browserMedianMs: round(median(b), 1), nativeMedianMs: round(median(n), 1), browserMinMs: round(Math.min(...b), 1), nativeMinMs: round(Math.min(...n), 1),
            ratioMedian: round(median(b) / median(n), 2), ratioMin: round(Math.min(...b) / Math.min(...n), 2) });
          log(`  A/B ${m.key} ${size}px: browser ${ab.at(-1).browserMedianMs} ms, native ${ab.at(-1).nativeMedianMs} ms, ratio ${ab.at(-1).ratioMedian}`);
        }
      }
    } finally {
      for (const n of natives) await n.release();
    }
  } finally {
    await page.close();
  }
  return {
    profiles,
    ab,
    notes: [
      `Profiles: ORT's profiler on both sides (browser: onnxruntime-web's WASM build in a cross-origin-isolated worker, the app's session options plus enableProfiling; native: onnxruntime-node CPU EP), ${threads} threads each, a warm-up run dropped, the fastest of ${PROFILE_RUNS} timed runs shown. "Before" is models/style/starry-night.rt.fp32.onnx at ${BEFORE_COMMIT} (the graph as training/export_onnx.py writes it); "after" is the shipped file.`,
      `A/B: no profiler; per size, the two realtime graphs x browser/native run in rotation, a warm-up each, then ${AB_ROUNDS} rounds; medians (fastest in brackets).`,
      'Native has ReorderInput/ReorderOutput nodes (its NCHWc blocked layout for AVX2/AVX-512 convolutions); the WASM build has no such layout, so those ops appear only on the native side.',
    ],
  };
}
