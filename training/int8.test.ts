// The int8 variants written by training/quantize_int8.py: what the manifest claims about them must
// hold. int8 never runs on WebGPU (DESIGN.md: QDQ graphs are slow or wrong there); the recorded
// verdict must follow from the recorded figures and the stated tolerance; a rejected int8 file must
// not be shipped; a shipped one must still be within the tolerance of fp32 on the evaluation photos.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { pickVariant, validateManifest, type ModelEntry } from '../src/models/registry';

const modelsDir = resolve(import.meta.dirname, '../models');
const manifest = validateManifest(JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')));
// ../shared beside the repo (as in CI), like the e2e fixtures.
const evalPhotos = ['starry', 'kandinsky', 'sketch'].map((n) => resolve(import.meta.dirname, `../../shared/media/${n}_in.png`));

interface StyleFigures {
  shipped: boolean;
  reason: string;
  latencyRatioVsFp32: number;
  meanAbsDiffVsFp32: number;
  psnrDbVsFp32: number;
}

interface Int8Record {
  shipped: boolean;
  reason: string;
  tolerance: { meanAbsDiff: number; psnrDb: number };
  latencyRatioVsFp32: number;
  /** Single-style models: one row per evaluation photo. */
  perPhoto?: Array<{ photo: string; meanAbsDiff: number; psnrDb: number }>;
  /** Single-style models quantised since the twenty-fourth session: the same photos under onnxruntime-node at 256 px. */
  nativeCheck?: { on: string; perPhoto: Array<{ photo: string; meanAbsDiff: number; psnrDb: number }> };
  /** The multi-style quality model: worst-photo figures per style (one-hot), in blend.styles order. */
  perStyle?: Record<string, StyleFigures>;
}

/** Entries the quantiser has measured (a style exported later keeps a plain-text note). */
const measured = manifest.models
  .filter((m) => (m.task === 'style' || m.blend?.tier === 'quality') && typeof m.recipe?.int8 === 'object')
  .map((m) => [m.id, m, m.recipe!.int8 as Int8Record] as const);
const shipped = measured.filter(([, , r]) => r.shipped);

function variant(model: ModelEntry, name: string) {
  return model.variants.find((v) => v.name === name);
}

function photoPlanes(file: string, side: number): Float32Array {
  // Nearest-neighbour downscale keeps the test fast; the tolerance is about pixel values, not size.
  const png = PNG.sync.read(readFileSync(file));
  const out = new Float32Array(3 * side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const src = 4 * (Math.floor((y * png.height) / side) * png.width + Math.floor((x * png.width) / side));
      for (let c = 0; c < 3; c++) out[c * side * side + y * side + x] = png.data[src + c] / 255;
    }
  }
  return out;
}

// onnxruntime-node, not the browser's WASM build: their int8 kernels round differently (outputs
// 0.019 mean abs apart on starry_in.png), but each lands about as far from fp32 (0.025 vs 0.025),
// so the tolerance check carries over; the quantiser's own figures come from WASM.
async function stylise(file: string, planes: Float32Array, side: number, extra: Record<string, ort.Tensor> = {}): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(join(modelsDir, file), { intraOpNumThreads: 1 });
  const { output } = await session.run({ input: new ort.Tensor('float32', planes, [1, 3, side, side]), ...extra });
  await session.release();
  return output.data as Float32Array;
}

describe('int8 style variants', () => {
  it('are never picked on WebGPU', () => {
    for (const model of manifest.models) {
      expect(model.preferred.webgpu, model.id).not.toBe('int8');
      expect(pickVariant(model, 'webgpu', true).name, model.id).not.toBe('int8');
      expect(pickVariant(model, 'webgpu', false).name, model.id).not.toBe('int8');
    }
  });

  it('have been measured for every shipped style', () => {
    // An int8 variant without the quantiser's record would be unmeasured.
    for (const model of manifest.models.filter((m) => variant(m, 'int8'))) {
      expect(typeof model.recipe?.int8, model.id).toBe('object');
    }
    expect(measured.length).toBeGreaterThan(0);
  });

  it.each(measured)('%s: the verdict follows from the figures, and only a shipped file exists', (id, model, record) => {
    const { meanAbsDiff, psnrDb } = record.tolerance;
    if (record.perStyle) {
      // One file serves every style: it ships only if each style is within the tolerance and faster.
      expect(Object.keys(record.perStyle)).toEqual(model.blend?.styles);
      for (const [style, f] of Object.entries(record.perStyle)) {
        expect(f.shipped, style).toBe(f.meanAbsDiffVsFp32 <= meanAbsDiff && f.psnrDbVsFp32 >= psnrDb && f.latencyRatioVsFp32 < 1);
      }
      expect(record.shipped).toBe(Object.values(record.perStyle).every((f) => f.shipped));
    } else {
      // Within the tolerance on WASM and, where it was measured, under onnxruntime-node as well.
      const rows = [...record.perPhoto!, ...(record.nativeCheck?.perPhoto ?? [])];
      const withinTolerance = rows.every((p) => p.meanAbsDiff <= meanAbsDiff && p.psnrDb >= psnrDb);
      expect(record.perPhoto).toHaveLength(evalPhotos.length);
      if (record.nativeCheck) expect(record.nativeCheck.perPhoto).toHaveLength(evalPhotos.length);
      expect(record.shipped).toBe(withinTolerance && record.latencyRatioVsFp32 < 1);
    }
    expect(record.reason.length).toBeGreaterThan(0);
    expect(Boolean(variant(model, 'int8'))).toBe(record.shipped);
    expect(model.preferred.wasm === 'int8').toBe(record.shipped);
    const fp32 = variant(model, 'fp32')!;
    const int8File = join(modelsDir, fp32.file.replace(/\.fp32\.onnx$/, '.int8.onnx'));
    expect(existsSync(int8File), `${id}: ${int8File}`).toBe(record.shipped);
  });

  const title = shipped.length
    ? 'stay within the stated tolerance of fp32 on the evaluation photos (onnxruntime-node, 256 px)'
    : 'SKIPPED: no model ships an int8 variant (see recipe.int8 in models/manifest.json)';
  it.skipIf(!shipped.length || !evalPhotos.every((p) => existsSync(p)))(title, async () => {
    const side = 256;
    for (const [id, model, record] of shipped) {
      // A multi-style model: every style, by its one-hot weights row.
      const rows = model.blend
        ? model.blend.styles.map((style, k) => {
            const w = new Float32Array(model.blend!.styles.length);
            w[k] = 1;
            return { style, extra: { [model.blend!.weightsInput]: new ort.Tensor('float32', w, [1, w.length]) } };
          })
        : [{ style: '', extra: {} }];
      for (const { style, extra } of rows) for (const photo of evalPhotos) {
        const planes = photoPlanes(photo, side);
        const a = await stylise(variant(model, 'fp32')!.file, planes, side, extra);
        const b = await stylise(variant(model, 'int8')!.file, planes, side, extra);
        let abs = 0;
        let sq = 0;
        for (let i = 0; i < a.length; i++) {
          abs += Math.abs(a[i] - b[i]);
          sq += (a[i] - b[i]) ** 2;
        }
        expect(abs / a.length, `${id} ${style} ${photo}`).toBeLessThanOrEqual(record.tolerance.meanAbsDiff);
        expect(10 * Math.log10(a.length / sq), `${id} ${style} ${photo}`).toBeGreaterThanOrEqual(record.tolerance.psnrDb);
      }
    }
  }, 300_000);
});

describe.skipIf(spawnSync('/usr/bin/python3', ['-c', 'import onnx, numpy'], { stdio: 'ignore' }).status !== 0)('quantize_int8.update_entry', () => {
  it("keeps the entry's onnxOps in step with its files: QuantizeLinear/DequantizeLinear come with a shipped int8 file and go with a rejected one", () => {
    const r = spawnSync('/usr/bin/python3', ['-c', `
import sys, json, copy
sys.path.insert(0, 'training')
from quantize_int8 import update_entry
entry = next(m for m in json.load(open('models/manifest.json'))['models'] if m['id'] == 'great-wave')
shipped, rejected = copy.deepcopy(entry), copy.deepcopy(entry)
shipped['recipe']['onnxOps'] = ['stale']
update_entry(shipped, 'models', 'models/style/great-wave.rt.int8.onnx', True, 'r', {}, [])
update_entry(rejected, 'models', 'models/style/great-wave.rt.int8.onnx', False, 'r', {}, [])
print(json.dumps([shipped['recipe']['onnxOps'], rejected['recipe']['onnxOps']]))
`], { cwd: resolve(import.meta.dirname, '..'), encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const [shipped, rejected] = JSON.parse(r.stdout.trim()) as [string[], string[]];
    expect(shipped).toEqual(expect.arrayContaining(['QuantizeLinear', 'DequantizeLinear', 'Conv', 'DepthToSpace']));
    expect(shipped).not.toContain('stale');
    expect(rejected).toContain('Conv');
    expect(rejected).not.toContain('QuantizeLinear');
  });
});
