#!/usr/bin/env node
// Train a new style from one painting and add it to the app's models:
//   npm run train -- --style path/to/painting.jpg --name my-style [--steps N] [--tier realtime|quality]
//                    [--title "..."] [--artist "..."] [--year "..."] [--out-dir models] [--run-dir DIR]
// Runs training/train.py (single-style, resumable: rerun with more --steps to continue) and then
// training/export_onnx.py, which writes <out-dir>/style/<name>.*.onnx, a thumbnail and the manifest entry.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PYTHON = '/usr/bin/python3';
const APT = 'apt-get install -y python3-torch python3-onnx python3-numpy python3-pil';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values: opt } = parseArgs({
  options: {
    style: { type: 'string' },
    name: { type: 'string' },
    steps: { type: 'string', default: '2000' },
    tier: { type: 'string', default: 'realtime' },
    title: { type: 'string' },
    artist: { type: 'string', default: 'Unknown' },
    year: { type: 'string', default: '' },
    'out-dir': { type: 'string', default: join(root, 'models') },
    'run-dir': { type: 'string' },
  },
});

function fail(message) {
  console.error(`train: ${message}`);
  process.exit(1);
}

if (!opt.style || !opt.name) fail('usage: npm run train -- --style painting.jpg --name my-style [--steps N] [--tier realtime|quality]');
if (!existsSync(opt.style)) fail(`no such painting: ${opt.style}`);
if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(opt.name)) fail('--name must be kebab-case ([a-z0-9-]), it becomes the manifest id');
if (!['realtime', 'quality'].includes(opt.tier)) fail('--tier must be realtime or quality');
if (!(Number(opt.steps) > 0)) fail('--steps must be a positive number');

const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy, PIL'], { stdio: 'ignore' });
if (probe.error || probe.status !== 0) {
  fail(`${PYTHON} cannot import torch/onnx/numpy/PIL. Install them (Debian/Ubuntu):\n  sudo ${APT}`);
}

const style = resolve(opt.style);
const runDir = resolve(opt['run-dir'] ?? join(root, 'training', 'runs', `custom-${opt.name}`));
mkdirSync(runDir, { recursive: true });
const meta = join(runDir, 'meta.json');
writeFileSync(meta, JSON.stringify([{
  id: opt.name, file: basename(style), title: opt.title ?? opt.name, artist: opt.artist, year: opt.year,
}]));

function python(script, args) {
  const r = spawnSync(PYTHON, [join(root, 'training', script), ...args], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) fail(`${script} failed (exit ${r.status ?? r.signal})`);
}

python('train.py', ['--run-dir', runDir, '--styles', style, '--steps', opt.steps, '--tier', opt.tier]);
python('export_onnx.py', ['--ckpt', join(runDir, 'ckpt.pt'), '--meta', meta,
  '--models-dir', resolve(opt['out-dir']), '--default-tier', opt.tier]);
console.log(`train: style "${opt.name}" is in ${join(resolve(opt['out-dir']), 'manifest.json')}`);
