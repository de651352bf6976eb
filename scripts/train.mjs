#!/usr/bin/env node
// Train a new style from one painting and add it to the app's models:
//   npm run train -- --style painting.jpg --name my-style --content ~/Pictures
//        [--steps N] [--mode norm|full] [--tier realtime|quality]
//        [--title "..."] [--artist "..."] [--year "..."] [--out-dir models] [--run-dir DIR]
// Runs training/train.py (resumable: Ctrl-C keeps the checkpoint, rerunning the same command
// resumes) and then training/export_onnx.py, which writes <out-dir>/style/<name>.*.onnx, a
// thumbnail and the manifest entry. Content photos come from --content (your own photos and/or
// videos) and, when the project's shared data folder sits beside the project (../shared), from it too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const APT = 'apt-get install -y python3-torch python3-onnx python3-numpy python3-pil ffmpeg';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared');
const INTERRUPTED = 130; // train.py's exit code after Ctrl-C (checkpoint saved)
// Defaults per mode: learning only a new style's norms on frozen shared convs converges in a few
// hundred steps; full training of a whole net needs thousands (training/README.md has the figures).
const DEFAULTS = { norm: { lr: '0.01' }, full: { steps: '2000', lr: '0.002' } };
// --mode norm's frozen multi-style net per tier, the losses a new style learns with on it (the ones
// that net was trained with) and its default steps. realtime: the shared trunk (training/trunk_run.sh,
// exported by export_multistyle.py --base-out), trained with issue 12's winning recipe, "mixed512":
// style up to InceptionV3's mixed2 on the painting at 512 px, 192-384 px crops resized to 256; a new
// style scores the same on the critic after 100 steps as after 150 (training/README.md).
const MIXED512 = ['--smooth', 'none', '--style-layers', 'activation_1', 'activation_3', 'activation_5', 'mixed0', 'mixed1', 'mixed2',
  '--content-layer', 'activation_5', '--style-size', '512', '--size', '256', '--crop-min', '192', '--crop-max', '384'];
const BASES = {
  realtime: { file: 'trunk.rt.fp32.onnx', losses: MIXED512, steps: '100' },
  quality: { file: 'blend.hq.fp32.onnx', losses: [], steps: '150' },
};

let opt;
try {
  ({ values: opt } = parseArgs({
    options: {
      style: { type: 'string' },
      name: { type: 'string' },
      content: { type: 'string', multiple: true },
      steps: { type: 'string' },
      mode: { type: 'string', default: 'norm' },
      tier: { type: 'string', default: 'realtime' },
      lr: { type: 'string' },
      title: { type: 'string' },
      artist: { type: 'string', default: 'Unknown' },
      year: { type: 'string', default: '' },
      'out-dir': { type: 'string', default: join(root, 'models') },
      'run-dir': { type: 'string' },
      threads: { type: 'string', default: '2' },
    },
  }));
} catch (e) {
  fail(e.message);
}

function fail(message) {
  console.error(`train: ${message}`);
  process.exit(1);
}

const usage = 'usage: npm run train -- --style painting.jpg --name my-style --content ~/Pictures '
  + '[--steps N] [--mode norm|full] [--tier realtime|quality]';
if (!opt.style || !opt.name) fail(usage);
if (!existsSync(opt.style)) fail(`no such painting: ${opt.style}`);
if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(opt.name)) fail('--name must be kebab-case ([a-z0-9-]), it becomes the manifest id');
if (!['realtime', 'quality'].includes(opt.tier)) fail('--tier must be realtime or quality');
if (!['norm', 'full'].includes(opt.mode)) fail('--mode must be norm (learn the new style on the shipped net, minutes) or full (train a whole net, hours)');
const steps = opt.steps ?? (opt.mode === 'norm' ? BASES[opt.tier].steps : DEFAULTS.full.steps);
if (!(Number(steps) > 0)) fail('--steps must be a positive number');
for (const dir of opt.content ?? []) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`--content ${dir}: no such folder`);
}
const haveShared = existsSync(join(shared, 'datasets', 'bsds500'));
if (!opt.content?.length && !haveShared) {
  fail('no content photos to train on. Pass a folder of your own photos or videos, e.g.\n'
    + `  npm run train -- --style ${opt.style} --name ${opt.name} --content ~/Pictures\n`
    + '(any photos work: 8 or more, at least 128 px on the short side; videos are sampled into frames with ffmpeg).');
}
const base = join(root, 'models', 'style', BASES[opt.tier].file);
if (opt.mode === 'norm' && !existsSync(base)) {
  fail(`--mode norm starts from the shipped ${opt.tier} multi-style net, ${base}, which is missing; `
    + 'restore it (git checkout models/) or pass --mode full');
}

function findPython() {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const py of candidates) {
    const probe = spawnSync(py, ['-c', 'import torch, onnx, numpy, PIL'], { stdio: 'ignore' });
    if (!probe.error && probe.status === 0) return py;
  }
  return fail(`no Python with torch/onnx/numpy/PIL found (tried ${candidates.join(', ')}; set PYTHON=... to choose one). `
    + `Install them (Debian/Ubuntu):\n  sudo ${APT}`);
}
const python = findPython();

const style = resolve(opt.style);
const runDir = resolve(opt['run-dir'] ?? join(root, 'training', 'runs', `custom-${opt.name}`));
mkdirSync(runDir, { recursive: true });
const meta = join(runDir, 'meta.json');
writeFileSync(meta, JSON.stringify([{
  id: opt.name, file: basename(style), title: opt.title ?? opt.name, artist: opt.artist, year: opt.year,
}]));

// Ctrl-C reaches train.py too (same process group); it saves a checkpoint and exits. Stay alive
// until it has, then say how to resume.
let interrupted = false;
process.on('SIGINT', () => { interrupted = true; });

function runPython(script, args) {
  const r = spawnSync(python, [join(root, 'training', script), ...args], { stdio: 'inherit', cwd: root });
  if (r.status === INTERRUPTED || interrupted) {
    console.error(`\ntrain: stopped. The checkpoint is kept in ${runDir}; rerun the same command to resume.`);
    process.exit(INTERRUPTED);
  }
  if (r.status !== 0) fail(`${script} failed (exit ${r.status ?? r.signal})`);
}

const trainArgs = ['--run-dir', runDir, '--styles', style, '--steps', steps, '--tier', opt.tier,
  '--mode', opt.mode, '--lr', opt.lr ?? DEFAULTS[opt.mode].lr, '--threads', opt.threads];
if (opt.mode === 'norm') trainArgs.push('--base', base, ...BASES[opt.tier].losses);
if (opt.content?.length) trainArgs.push('--content', ...opt.content.map((d) => resolve(d)));
runPython('train.py', trainArgs);
runPython('export_onnx.py', ['--ckpt', join(runDir, 'ckpt.pt'), '--meta', meta,
  '--models-dir', resolve(opt['out-dir']), '--default-tier', opt.tier, '--threads', opt.threads]);
console.log(`train: style "${opt.name}" is in ${join(resolve(opt['out-dir']), 'manifest.json')}`);
