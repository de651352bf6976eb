import * as ort from 'onnxruntime-node';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTestModels } from './make-test-models.mjs';

// Pinned statistics: if the generator (or ORT) changes what these models compute, this fails.
describe('generated test models', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'clipmorph-models-'));
  const written = makeTestModels(dir);

  it('are byte-for-byte deterministic', () => {
    const again = makeTestModels(mkdtempSync(path.join(tmpdir(), 'clipmorph-models-')));
    expect(again).toEqual(written);
  });

  it('tiny-style follows the style contract with pinned output statistics', async () => {
    const session = await ort.InferenceSession.create(readFileSync(path.join(dir, 'tiny-style.onnx')));
    expect([session.inputNames, session.outputNames]).toEqual([['input'], ['output']]);
    const [h, w] = [24, 36];
    const input = Float32Array.from({ length: 3 * h * w }, (_, i) => ((i * 37) % 101) / 100);
    const { output } = await session.run({ input: new ort.Tensor('float32', input, [1, 3, h, w]) });
    expect(output.dims).toEqual([1, 3, h, w]);
    const data = output.data as Float32Array;
    const mean = data.reduce((a, b) => a + b, 0) / data.length;
    const std = Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length);
    expect(Math.min(...data)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...data)).toBeLessThanOrEqual(1);
    expect(mean).toBeCloseTo(0.48632, 4);
    expect(std).toBeCloseTo(0.22502, 4);
  });

  it('wrong-contract breaks the style contract on purpose', async () => {
    const session = await ort.InferenceSession.create(readFileSync(path.join(dir, 'wrong-contract.onnx')));
    expect(session.inputNames).toEqual(['pixels']);
  });
});
