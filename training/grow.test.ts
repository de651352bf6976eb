// training/grow.py: a shipped realtime file grown into the quality tier must compute the same picture,
// and the grown checkpoint must be a quality-tier net that train.py accepts as --base.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
const py = (args: string[]) => spawnSync('/usr/bin/python3', args, { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe.skipIf(!hasTorch)('training/grow.py (Best quality starts at Fast)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'clipmorph-grow-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('grows a shipped, sub-pixel-rewritten realtime file into a quality net with the same output', () => {
    const out = join(tmp, 'grown.pt');
    const r = py(['training/grow.py', '--from', 'models/style/great-wave.rt.fp32.onnx', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const m = /\(([\d,]+) parameters\): max abs diff vs source ([\d.e+-]+) \(torch\), ([\d.e+-]+) \(onnxruntime on the file\)/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1].replaceAll(',', ''))).toBeGreaterThan(1_500_000); // the quality tier's size, not the realtime one's
    expect(Number(m![2])).toBeLessThan(1e-4);
    expect(Number(m![3])).toBeLessThan(1e-4); // against the shipped file as onnxruntime runs it
    // The checkpoint is a quality-tier net whose new channels and blocks are closed (gamma = beta = 0), so
    // training can open them; train.py's --base loader accepts it for --tier quality.
    const check = py(['-c', `
import sys, torch; sys.path.insert(0, 'training')
from train import load_base
from transform_net import TIERS
sd, n = load_base(${JSON.stringify(out)}, 'quality')
assert n == 1 and sd['layers.0.conv.weight'].shape[0] == TIERS['quality']['c']
assert float(sd['layers.0.norm.gamma'][0, 14:].abs().max()) == 0.0   # new channels closed
assert float(sd['layers.7.b.norm.gamma'].abs().max()) == 0.0          # a new residual block: identity
assert float(sd['layers.8.conv.weight'][:28, 56:].abs().max()) > 0    # weights from new channels are live
print('ok')
`]);
    expect(check.stdout.trim(), check.stderr).toBe('ok');
  });

  it("train.py --base takes a shipped per-style file (a fine-tune of today's Fast file starts at its exact picture)", () => {
    const check = py(['-c', `
import sys, torch; sys.path.insert(0, 'training')
from train import load_base
from grow import load_realtime
from transform_net import TIERS, TransformNet
sd, n = load_base('models/style/great-wave.rt.fp32.onnx', 'realtime')
net = TransformNet(1, **TIERS['realtime']); net.load_state_dict(sd); net.eval()
x = torch.rand(1, 3, 64, 96)
with torch.no_grad():
    d = float((net(x, torch.ones(1, 1)) - load_realtime('models/style/great-wave.rt.fp32.onnx')(x, torch.ones(1, 1))).abs().max())
print(n, d)
`]);
    expect(check.status, check.stderr).toBe(0);
    const [n, diff] = check.stdout.trim().split(' ').map(Number);
    expect(n).toBe(1);
    expect(diff).toBeLessThan(1e-6);
  });

  it("a fine-tune of a shipped file keeps that file's history: train.py records its manifest recipe, the export chains it", () => {
    const check = py(['-c', `
import sys, json; sys.path.insert(0, 'training')
from train import shipped_recipe
from export_onnx import with_base
base = shipped_recipe('models/style/great-wave.rt.fp32.onnx')
manifest = json.load(open('models/manifest.json'))
assert base == next(m for m in manifest['models'] if m['id'] == 'great-wave')['recipe']
assert shipped_recipe('models/style/no-such.rt.fp32.onnx') is None
args = dict(base='models/style/great-wave.rt.fp32.onnx', lr=0.0003, content_weight=1.0, style_weight=50.0, stability_weight=300.0)
rec = with_base(dict(steps=100, trainingSeconds=555, optimiser='x', lossWeights={}), args, dict(step=100, seconds=555.0, baseRecipe=base))
print(json.dumps([rec['steps'] - base['steps'], rec['trainingSeconds'] - base['trainingSeconds'], rec['lossWeights'] == base['lossWeights'], rec['fineTune']['lossWeights']['stability'], rec['optimiser'].startswith(base['optimiser'])]))
`]);
    expect(check.status, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout.trim())).toEqual([100, 555, true, 300, true]);
  });

  it('refuses what is not a realtime style file of this project', () => {
    const r = py(['training/grow.py', '--from', 'models/style/blend.hq.fp32.onnx', '--out', join(tmp, 'x.pt')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/not a realtime style file of this project/);
  });
});
