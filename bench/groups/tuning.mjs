/**
 * Investigation: browser-side session settings against the app's defaults (src/runtime/ort.ts), on
 * the realtime model (fp32, the WASM variant the app picks) at 512 px, each measured side by side
 * with the same native session as in the latency group. Thread counts need a fresh page (ORT fixes
 * its thread pool when the runtime starts). preferredOutputLocation / IO binding do not apply to the
 * WASM backend (tensors already live in CPU memory), so they are not tried here.
 */
import path from 'node:path';
import { launchBrowser, log, median, round, serve, tmpDir } from '../lib/common.mjs';
import { latencyModels } from '../lib/models.mjs';
import { nativeRun, nativeSession, openBenchPage, randomInput } from './latency.mjs';

export const title = 'Investigation: WASM session settings vs the app default (browser / native)';

const SIZE = 512;
const CHANGES = [
  { change: 'app default again (a second identical session: the noise floor)', tweaks: {} },
  { change: 'numThreads 1', tweaks: { threads: 1 }, freshPage: true },
  { change: 'numThreads 1, native intraOpNumThreads 1 too (per-thread speed)', tweaks: { threads: 1 }, freshPage: true, nativeThreads: 1 },
  { change: 'numThreads 3 (more than cores)', tweaks: { threads: 3 }, freshPage: true },
  { change: "graphOptimizationLevel 'basic'", tweaks: { options: { graphOptimizationLevel: 'basic' } } },
  { change: 'enableCpuMemArena false', tweaks: { options: { enableCpuMemArena: false } } },
  { change: 'enableMemPattern false', tweaks: { options: { enableMemPattern: false } } },
  { change: "executionMode 'parallel'", tweaks: { options: { executionMode: 'parallel' } } },
  { change: `freeDimensionOverrides H=W=${SIZE}`, tweaks: { options: { freeDimensionOverrides: { H: SIZE, W: SIZE } } } },
];

/** Runs each runner once per round, rotating who goes first; returns each one's median ms. */
async function interleave(runners, rounds) {
  const times = runners.map(() => []);
  for (const run of runners) await run(); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < runners.length; j++) {
      const i = (j + r) % runners.length;
      times[i].push(await runners[i]());
    }
  }
  return times.map((t) => median(t));
}

export async function measure({ args }) {
  const models = latencyModels().filter((m) => m.variant === 'fp32' && m.tier !== 'test');
  const model = models.find((m) => m.tier === 'realtime') ?? models[0] ?? latencyModels()[0];
  const browser = await launchBrowser();
  const server = await serve(path.join(tmpDir, 'page'));
  const rows = [];
  const rounds = Math.max(3, args.runs);
  try {
    const page = await openBenchPage(browser, server.url);
    const threads = Math.min(4, (await page.evaluate(() => window.bench.env())).hardwareConcurrency);
    const native = await nativeSession(model.file, threads);
    const input = randomInput(SIZE);
    await page.evaluate(([u]) => window.bench.open('default', u, 'wasm', {}), [model.url]);
    const runDefault = () => page.evaluate((s) => window.bench.run('default', s), SIZE);
    const runNative = () => nativeRun(native, input);
    for (const [i, { change, tweaks, freshPage, nativeThreads }] of CHANGES.entries()) {
      const own = freshPage ? await openBenchPage(browser, server.url) : page;
      const key = `tuning-${i}`;
      try {
        const opened = await own.evaluate(([k, u, t]) => window.bench.open(k, u, 'wasm', t), [key, model.url, tweaks]);
        const runChange = () => own.evaluate(([k, s]) => window.bench.run(k, s), [key, SIZE]);
        const ownNative = nativeThreads ? await nativeSession(model.file, nativeThreads) : null;
        const runOwnNative = ownNative ? () => nativeRun(ownNative, input) : runNative;
        const [defaultMs, changeMs, nativeMs] = await interleave([runDefault, runChange, runOwnNative], rounds);
        await ownNative?.release();
        rows.push({
          model: `${model.id} ${model.variant}`, size: SIZE, change, threads: opened.numThreads, nativeThreads: nativeThreads ?? threads,
          browserMs: round(changeMs, 1), defaultMs: round(defaultMs, 1), nativeMs: round(nativeMs, 1),
          ratio: round(changeMs / nativeMs), vsDefault: round(defaultMs / changeMs),
        });
        log(`tuning ${change}: ${round(changeMs, 1)} ms, app default ${round(defaultMs, 1)} ms, native ${round(nativeMs, 1)} ms`);
        await own.evaluate((k) => window.bench.close(k), key);
      } catch (error) {
        rows.push({ model: model.id, size: SIZE, change: `${change}: failed (${String(error.message ?? error).slice(0, 200)})` });
      } finally {
        if (freshPage) await own.close();
      }
    }
    await native.release();
    return {
      rows,
      notes: [
        `Each row runs three sessions in rotation (the app-default session, the changed one, native), one warm-up each, then the median of ${rounds} rounds, so all three see the same machine load.`,
        '"vs app default" = app-default browser ms / changed browser ms from the same rounds (above 1 = faster than the app today). Native: intraOpNumThreads = the app\'s numThreads unless the row says otherwise.',
      ],
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
