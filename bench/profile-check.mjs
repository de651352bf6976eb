#!/usr/bin/env node
/**
 * Output equality of rewritten style graphs (scripts/optimize-style-graphs.py) against the originals,
 * with onnxruntime-node: a frame of ../shared/media/ski.mov and a random image, at a square size and
 * at an odd multiple-of-4 size. Prints max abs diff and PSNR (output range [0, 1]) per file.
 *
 *   node bench/profile-check.mjs ORIGINAL.onnx:REWRITTEN.onnx [...]
 *   node bench/profile-check.mjs --git models/style/a.onnx [...]   (original = the file at git HEAD)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { root, sharedDir } from './lib/common.mjs';

function skiFrame(width, height) {
  const clip = path.join(sharedDir, 'media/ski.mov');
  if (!existsSync(clip)) return null;
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-ss', '1', '-i', clip, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 26 });
  const data = new Float32Array(3 * width * height);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) data[c * width * height + i] = raw[i * 3 + c] / 255;
  return data;
}

function randomImage(width, height) {
  const data = new Float32Array(3 * width * height);
  let seed = 7;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = seed / 4294967296;
  }
  return data;
}

async function runOnce(session, data, width, height) {
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, [1, 3, height, width]) };
  if (session.inputNames.includes('style_weights')) {
    const w = new Float32Array(8);
    w[2] = 0.7;
    w[5] = 0.3;
    feeds.style_weights = new ort.Tensor('float32', w, [1, 8]);
  }
  const out = await session.run(feeds);
  return out[session.outputNames[0]].data;
}

export async function compare(original, rewritten, sizes = [[256, 256], [340, 196]]) {
  const opts = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 2 };
  const a = await ort.InferenceSession.create(original, opts);
  const b = await ort.InferenceSession.create(rewritten, opts);
  const rows = [];
  for (const [width, height] of sizes) {
    for (const [kind, data] of [['ski.mov frame', skiFrame(width, height)], ['random', randomImage(width, height)]]) {
      if (!data) continue;
      const x = await runOnce(a, data, width, height);
      const y = await runOnce(b, data, width, height);
      let max = 0;
      let se = 0;
      for (let i = 0; i < x.length; i++) {
        const d = Math.abs(x[i] - y[i]);
        if (d > max) max = d;
        se += d * d;
      }
      const mse = se / x.length;
      rows.push({ size: `${width}x${height}`, input: kind, maxAbsDiff: max, psnr: mse === 0 ? Infinity : 10 * Math.log10(1 / mse) });
    }
  }
  await a.release();
  await b.release();
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const git = args[0] === '--git';
  const pairs = (git ? args.slice(1) : args).map((arg) => {
    if (!git) return arg.split(':');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'profile-check-'));
    const orig = path.join(tmp, path.basename(arg));
    writeFileSync(orig, execFileSync('git', ['show', `HEAD:${path.relative(root, path.resolve(arg))}`], { cwd: root, maxBuffer: 1 << 28 }));
    return [orig, arg];
  });
  for (const [original, rewritten] of pairs) {
    for (const r of await compare(original, rewritten)) {
      console.log(`${path.basename(rewritten)}  ${r.size.padEnd(8)} ${r.input.padEnd(14)} max abs diff ${r.maxAbsDiff.toExponential(2)}  PSNR ${r.psnr.toFixed(1)} dB`);
    }
  }
}
