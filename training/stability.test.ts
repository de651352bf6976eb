// training/train.py --stability-shift: the stability copy is the crop moved by a few px, and its output must be
// the same pixels of the first output. The pair must line up exactly (an op that works pixel by pixel scores 0),
// and a strided net, whose strokes depend on where the picture sits on its 4-px grid, must score above 0.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const py = (code: string) => spawnSync('/usr/bin/python3', ['-c', code], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe.skipIf(!hasTorch)('train.py shift stability', () => {
  it('pairs a moved crop with the same pixels of the first output', () => {
    const r = py(`
import random, sys, torch; sys.path.insert(0, 'training')
from train import shifted_pair, SHIFT_MARGIN as M
from transform_net import TransformNet, TIERS
torch.manual_seed(0); random.seed(0)
x = torch.rand(2, 3, 64, 64)
moves, per_pixel = set(), 0.0
for _ in range(40):
    x2, y1 = shifted_pair(x, torch.sigmoid(3 * x - 1), 4)
    assert x2.shape[-2:] == (60, 60) and y1.shape == x2.shape
    per_pixel = max(per_pixel, float((torch.sigmoid(3 * x2 - 1) - y1).abs().max()))
    moves.add(tuple(int(v) for v in (x2[0, 0, 0, 0] == x[0, 0, :5, :5]).nonzero()[0]))
net = TransformNet(1, **TIERS['realtime']).eval()
w = torch.ones(2, 1)
with torch.no_grad():
    y = net(x, w)
    errs = []
    for _ in range(10):
        x2, y1 = shifted_pair(x, y, 4)
        errs.append(float(((net(x2, w) - y1) ** 2)[..., M:-M, M:-M].mean()))
same = shifted_pair(x, y, 0)
print(len(moves), (0, 0) in moves, per_pixel, min(errs), same[0] is x and same[1] is y)
`);
    expect(r.status, r.stderr).toBe(0);
    const [moves, still, perPixel, strided, passThrough] = r.stdout.trim().split(' ');
    expect(Number(moves)).toBeGreaterThanOrEqual(15); // most of the 24 moves in [0, 4]^2 other than (0, 0)
    expect(still).toBe('False'); // never the unmoved crop: that is the noise-only term
    expect(Number(perPixel)).toBe(0); // the target is exactly the moved pixels
    expect(Number(strided)).toBeGreaterThan(1e-6); // a strided net is not shift-equivariant
    expect(passThrough).toBe('True'); // 0 = noise only, as before
  });

  it('moves by fractions of a pixel with --stability-subpixel: input and target resampled alike', () => {
    const r = py(`
import random, sys, torch; sys.path.insert(0, 'training')
from train import shifted_pair, resample
torch.manual_seed(0); random.seed(0)
i = torch.arange(32.).view(32, 1).expand(32, 32); j = torch.arange(32.).view(1, 32).expand(32, 32)
ramp = (3 * i + j).view(1, 1, 32, 32)
at = resample(ramp, 1.25, 2.5, 5)
x = torch.rand(2, 3, 64, 64)
affine, fractional = 0.0, 0
for _ in range(40):
    x2, y1 = shifted_pair(x, 2 * x + 0.1, 4, subpixel=True)
    assert x2.shape[-2:] == (56, 56) and y1.shape == x2.shape
    affine = max(affine, float((2 * x2 + 0.1 - y1).abs().max()))
    fractional += int(not any(bool((x2[0, 0, :3, :3] - x[0, 0, a:a + 3, b:b + 3]).abs().max() < 1e-6) for a in range(5) for b in range(5)))
print(tuple(at.shape[-2:]) == (27, 27), float(at[0, 0, 0, 0]), float(at[0, 0, 3, 7]), affine, fractional)
`);
    expect(r.status, r.stderr).toBe(0);
    const [shape, first, later, affine, fractional] = r.stdout.trim().split(' ');
    expect(shape).toBe('True');
    expect(Number(first)).toBeCloseTo(3 * 1.25 + 2.5, 5); // bilinear on a ramp is exact: the ramp at (1.25, 2.5)
    expect(Number(later)).toBeCloseTo(3 * 4.25 + 9.5, 5);
    expect(Number(affine)).toBeLessThan(1e-5); // an op that works pixel by pixel and is affine commutes with the move
    expect(Number(fractional)).toBeGreaterThanOrEqual(38); // nearly every move lands between pixels, not on a whole-pixel crop
  });

  it('refuses a shift that is not a multiple of the net stride', () => {
    const r = py(`
import sys, torch; sys.path.insert(0, 'training')
from train import shifted_pair
shifted_pair(torch.rand(1, 3, 32, 32), torch.rand(1, 3, 32, 32), 3)`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/multiple of 4/);
  });
});
