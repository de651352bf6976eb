#!/usr/bin/env node
/**
 * What the Blend model costs against a style's own file (training/export_blend_outputs.py: a blend
 * of two styles runs two nets, a one-hot row one), on onnxruntime-node's CPU provider, the cases
 * interleaved run by run so the machine's load falls on all alike. Not part of `npm test`.
 *
 *   node bench/blend-cost.mjs [--size 512] [--runs 5] [--threads 1]
 *
 * Prints the median milliseconds per case and the ratio to the single file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { size: { type: 'string', default: '512' }, runs: { type: 'string', default: '5' }, threads: { type: 'string', default: '1' } } });
const [size, runs, threads] = [Number(values.size), Number(values.runs), Number(values.threads)];

const manifest = JSON.parse(readFileSync(path.join(root, 'models', 'manifest.json'), 'utf8'));
const blend = manifest.models.find((m) => m.id === 'blend');
const [first, second] = [blend.blend.styles[0], blend.blend.styles[2]];
const fileOf = (id) => path.join(root, 'models', manifest.models.find((m) => m.id === id).variants.find((v) => v.name === 'fp32').file);
const weights = (shares) => {
  const w = new Float32Array(blend.blend.styles.length);
  for (const [id, share] of shares) w[blend.blend.styles.indexOf(id)] = share;
  return new ort.Tensor('float32', w, [1, w.length]);
};

const options = { intraOpNumThreads: threads, graphOptimizationLevel: 'all' };
const cases = [
  { label: `${first} (its own file)`, file: fileOf(first), feeds: {} },
  { label: 'Blend model, one-hot', file: fileOf('blend'), feeds: { style_weights: weights([[first, 1]]) } },
  { label: `Blend model, 50 % ${second}`, file: fileOf('blend'), feeds: { style_weights: weights([[first, 0.5], [second, 0.5]]) } },
];
const old = path.join(root, 'models', 'style', 'blend.rt.fp32.onnx');
if (existsSync(old)) cases.push({ label: 'old 8-style norm net (blend.rt), 50 %', file: old, feeds: { style_weights: weights([[first, 0.5], [second, 0.5]]) } });

const input = new Float32Array(3 * size * size).map((_, i) => ((i * 2654435761) % 1000) / 1000);
for (const c of cases) c.session = await ort.InferenceSession.create(c.file, options);
const run = async (c) => {
  const t = performance.now();
  await c.session.run({ input: new ort.Tensor('float32', input, [1, 3, size, size]), ...c.feeds });
  return performance.now() - t;
};
for (const c of cases) await run(c); // warm-up
for (const c of cases) c.ms = [];
for (let r = 0; r < runs; r++) for (const c of cases) c.ms.push(await run(c));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(cases[0].ms);
console.log(`${size}x${size}, ${threads} thread(s), median of ${runs} interleaved runs (onnxruntime-node CPU):`);
for (const c of cases) console.log(`  ${c.label.padEnd(44)} ${median(c.ms).toFixed(0).padStart(6)} ms  x${(median(c.ms) / base).toFixed(2)}`);
