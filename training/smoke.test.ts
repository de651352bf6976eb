// End-to-end smoke test of `npm run train`: a few training steps into a temporary models dir, then
// the exported ONNX file must match its manifest entry and behave like a style model under ORT.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
const title = hasTorch
  ? 'npm run train writes a working style model and its manifest entry'
  : 'SKIPPED: /usr/bin/python3 has no torch/onnx (apt-get install -y python3-torch python3-onnx python3-numpy python3-pil)';

describe('training smoke', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'clipmorph-train-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.skipIf(!hasTorch)(title, async () => {
    const outDir = join(tmp, 'models');
    const run = spawnSync('node', [join(root, 'scripts/train.mjs'), '--style', '/work/shared/styles/starrynight.jpg',
      '--name', 'smoke-style', '--steps', '3', '--out-dir', outDir, '--run-dir', join(tmp, 'run')],
    { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);

    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    const entry = manifest.models.find((m: { id: string }) => m.id === 'smoke-style');
    expect(entry.task).toBe('style');
    const fp32 = entry.variants.find((v: { name: string }) => v.name === 'fp32');
    const bytes = readFileSync(join(outDir, fp32.file));
    expect(bytes.length).toBe(fp32.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(fp32.sha256);

    const [h, w] = [16, 24];
    const pixels = Float32Array.from({ length: 3 * h * w }, (_, i) => (i % 97) / 96);
    const session = await ort.InferenceSession.create(join(outDir, fp32.file));
    const { output } = await session.run({ input: new ort.Tensor('float32', pixels, [1, 3, h, w]) });
    expect(output.dims).toEqual([1, 3, h, w]);
    const values = output.data as Float32Array;
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    const meanAbsDiff = values.reduce((s, v, i) => s + Math.abs(v - pixels[i]), 0) / values.length;
    expect(meanAbsDiff).toBeGreaterThan(0.01);
  }, 240_000);
});
