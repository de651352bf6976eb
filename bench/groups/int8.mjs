/**
 * Group: int8 (QDQ, training/quantize_int8.py) vs fp32 style model on the browser's WASM backend,
 * with the app's thread count and session code, fp32 and int8 runs alternating. The quantiser
 * itself measures single-threaded in Node (onnxruntime-web's threaded build does not start there);
 * this is the figure for the app. Every style is the same graph with other weights, so one style
 * is timed: its shipped int8 file if there is one, else one quantised now into the page's int8/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, log, median, root, round, run, serve, tmpDir } from '../lib/common.mjs';
import { openBenchPage } from './latency.mjs';

export const title = 'int8 vs fp32 style model, browser WASM';

function int8Model() {
  const manifest = JSON.parse(readFileSync(path.join(root, 'models/manifest.json'), 'utf8'));
  const styles = manifest.models.filter((m) => m.task === 'style' && m.embedded && m.style?.tier === 'realtime');
  const withInt8 = styles.find((m) => m.variants.some((v) => v.name === 'int8'));
  const model = withInt8 ?? styles[0];
  const fp32 = model.variants.find((v) => v.name === 'fp32');
  if (withInt8) {
    const int8 = model.variants.find((v) => v.name === 'int8');
    return { id: model.id, shipped: true, fp32Url: `models/${fp32.file}`, int8Url: `models/${int8.file}`, styles: styles.length };
  }
  const outDir = path.join(tmpDir, 'page', 'int8');
  mkdirSync(outDir, { recursive: true });
  log(`no style ships int8: quantising ${model.id} into ${path.relative(root, outDir)} (not shipped)`);
  run('/usr/bin/python3', ['training/quantize_int8.py', '--only', model.id, '--out-dir', outDir]);
  const file = path.basename(fp32.file).replace(/\.fp32\.onnx$/, '.int8.onnx');
  if (!existsSync(path.join(outDir, file))) throw new Error(`quantize_int8.py wrote no ${file}`);
  return { id: model.id, shipped: false, fp32Url: `models/${fp32.file}`, int8Url: `int8/${file}`, styles: styles.length };
}

export async function measure({ args }) {
  const model = int8Model();
  const browser = await launchBrowser();
  const server = await serve(path.join(tmpDir, 'page'));
  const rows = [];
  const notes = [
    model.shipped
      ? `${model.id}'s shipped int8 variant (every realtime style has the same graph).`
      : `No style ships int8 (see recipe.int8 in models/manifest.json); timed: ${model.id} quantised by \`training/quantize_int8.py --out-dir\` the same way.`,
    'Same page, worker and src/runtime/ort.ts session options as the app; fp32 and int8 alternate, the order flipping each round, after a warm-up run of each; ratio = median of per-round int8/fp32.',
  ];
  try {
    const page = await openBenchPage(browser, server.url);
    const keys = { fp32: `${model.fp32Url}:wasm`, int8: `${model.int8Url}:wasm` };
    const opened = await page.evaluate(([k, u]) => window.bench.open(k, u, 'wasm'), [keys.fp32, model.fp32Url]);
    await page.evaluate(([k, u]) => window.bench.open(k, u, 'wasm'), [keys.int8, model.int8Url]);
    if (!opened.crossOriginIsolated) notes.push('The bench page was NOT cross-origin isolated: WASM ran single-threaded.');
    for (const size of args.sizes) {
      const time = (name) => page.evaluate(([k, s]) => window.bench.run(k, s), [keys[name], size]);
      await time('fp32');
      await time('int8');
      const runs = { fp32: [], int8: [] };
      for (let i = 0; i < args.runs; i++) {
        for (const name of i % 2 ? ['int8', 'fp32'] : ['fp32', 'int8']) runs[name].push(await time(name));
      }
      const ratio = median(runs.int8.map((ms, i) => ms / runs.fp32[i]));
      rows.push({ model: model.id, shipped: model.shipped, threads: opened.numThreads, size, fp32Ms: round(median(runs.fp32), 1), int8Ms: round(median(runs.int8), 1), ratio: round(ratio, 3),
        fp32Runs: runs.fp32.map((v) => round(v, 1)), int8Runs: runs.int8.map((v) => round(v, 1)) });
      log(`  int8 ${size}px: fp32 ${rows.at(-1).fp32Ms} ms, int8 ${rows.at(-1).int8Ms} ms, int8/fp32 ${rows.at(-1).ratio}`);
    }
    return { rows, notes };
  } finally {
    await browser.close();
    await server.close();
  }
}
