import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import manifestJson from '../../models/manifest.json';
import { opTypes } from '../../scripts/onnx-ops.mjs';
import { encodeModel, node, tensor, valueInfo } from '../../scripts/onnx-writer.mjs';
import { styleMeta } from '../features/style/meta';
import { pickVariant, validateManifest, type ModelEntry } from './registry';

const modelsDir = path.resolve(import.meta.dirname, '../../models');
const manifest = validateManifest(manifestJson);
const fullManifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as { models: Array<{ id: string; recipe?: { onnxOps?: string[] } }> };

function entry(overrides: Partial<ModelEntry> = {}): ModelEntry {
  return {
    id: 'test-style',
    task: 'style',
    title: 'Test',
    embedded: true,
    licence: 'MIT',
    source: 'test',
    style: { artist: 'Nobody', thumbnail: 'thumbs/x.jpg', tier: 'realtime' },
    io: styleMeta.contract,
    variants: [
      { name: 'fp32', file: 'style/x.fp32.onnx', bytes: 10, sha256: 'a'.repeat(64) },
      { name: 'fp16', file: 'style/x.fp16.onnx', bytes: 5, sha256: 'b'.repeat(64) },
    ],
    preferred: { webgpu: 'fp16', wasm: 'fp32' },
    ...overrides,
  };
}

describe('the committed manifest', () => {
  it('ships real styles for the gallery', () => {
    const styles = manifest.models.filter((m) => m.task === 'style');
    expect(styles.length).toBeGreaterThan(0);
  });

  for (const model of manifest.models.filter((m) => m.embedded)) {
    it(`${model.id}: every embedded file exists with the recorded bytes and sha256`, () => {
      for (const variant of model.variants) {
        const bytes = readFileSync(path.join(modelsDir, variant.file));
        expect(bytes.byteLength).toBe(variant.bytes);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(variant.sha256);
      }
      if (model.style) expect(existsSync(path.join(modelsDir, model.style.thumbnail))).toBe(true);
    });
    // From the file itself: the bundled manifest.json is slimmed (vite.config.ts), recipes and all.
    const recipe = fullManifest.models.find((m) => m.id === model.id)?.recipe;
    if (recipe?.onnxOps) {
      it(`${model.id}: the recipe's onnxOps are the ops its files hold (after the graph rewrite)`, () => {
        const ops = new Set(model.variants.flatMap((v) => opTypes(readFileSync(path.join(modelsDir, v.file)))));
        expect(recipe.onnxOps).toEqual([...ops].sort());
      });
    }
    if (model.task === 'style') {
      it(`${model.id}: follows the style I/O contract`, () => {
        expect(model.io.inputs.map((t) => t.name)).toEqual(styleMeta.contract.inputs.map((t) => t.name));
        expect(model.io.outputs.map((t) => t.name)).toEqual(styleMeta.contract.outputs.map((t) => t.name));
        expect(model.io.multipleOf).toBe(styleMeta.contract.multipleOf);
      });
    }
    if (model.task === 'style-blend') {
      it(`${model.id}: takes the style contract plus a weight per shipped style, in gallery order`, () => {
        expect(model.io.inputs.map((t) => t.name)).toEqual([...styleMeta.contract.inputs.map((t) => t.name), model.blend?.weightsInput]);
        expect(model.io.outputs.map((t) => t.name)).toEqual(styleMeta.contract.outputs.map((t) => t.name));
        expect(model.io.multipleOf).toBe(styleMeta.contract.multipleOf);
        const gallery = manifest.models.filter((m) => m.task === 'style').map((m) => m.id);
        expect(model.blend?.styles).toEqual(gallery.filter((id) => model.blend?.styles.includes(id)));
      });
    }
  }
});

describe('opTypes (scripts/onnx-ops.mjs)', () => {
  it('reads the op types of a file the writer made, and rejects a truncated one', () => {
    const bytes = encodeModel({
      nodes: [node('Mul', ['input', 'k'], ['m']), node('Relu', ['m'], ['r']), node('Mul', ['r', 'k'], ['output'])],
      initializers: [tensor('k', [1], [2])],
      inputs: [valueInfo('input', [1, 3, 'H', 'W'])],
      outputs: [valueInfo('output', [1, 3, 'H', 'W'])],
    });
    expect(opTypes(bytes)).toEqual(['Mul', 'Relu']);
    expect(() => opTypes(bytes.subarray(0, bytes.length - 3))).toThrow(/truncated/);
  });
});

describe('validateManifest: blend models', () => {
  const style = (id: string) => entry({ id });
  const withWeights = (shape: number[]) => ({ ...styleMeta.contract, inputs: [...styleMeta.contract.inputs, { name: 'style_weights', dtype: 'float32', shape }] });
  const blend = (overrides: Record<string, unknown> = {}) => ({
    ...entry({ id: 'blend', task: 'style-blend', style: undefined }),
    blend: { styles: ['a', 'b'], weightsInput: 'style_weights' },
    io: withWeights([1, 2]),
    ...overrides,
  });
  const wrap = (...models: unknown[]) => ({ version: 1, models: [style('a'), style('b'), ...models] });

  it('accepts a blend of known styles with a matching weights input', () => {
    const manifest = validateManifest(wrap(blend()));
    expect(manifest.models[2].blend).toEqual({ styles: ['a', 'b'], weightsInput: 'style_weights' });
  });
  it.each([
    ['no blend section', { blend: undefined }, /need blend.styles and blend.weightsInput/],
    ['a single style', { blend: { styles: ['a'], weightsInput: 'style_weights' } }, /at least two style ids/],
    ['a style listed twice', { blend: { styles: ['a', 'a'], weightsInput: 'style_weights' } }, /lists a style twice/],
    ['an unknown style', { blend: { styles: ['a', 'zz'], weightsInput: 'style_weights' } }, /names no style model zz/],
    ['a weights input it does not have', { blend: { styles: ['a', 'b'], weightsInput: 'mix' } }, /mix is not one of io.inputs/],
    ['an unknown tier', { blend: { styles: ['a', 'b'], weightsInput: 'style_weights', tier: 'best' } }, /blend.tier must be realtime or quality/],
    ['a weights input of the wrong size', { io: withWeights([1, 3]) }, /float32 \[1, 2\]/],
  ])('rejects %s', (_, overrides, message) => {
    expect(() => validateManifest(wrap(blend(overrides)))).toThrow(message);
  });
  it('rejects a blend that names a model of another task', () => {
    const depth = entry({ id: 'c', task: 'depth', style: undefined });
    expect(() => validateManifest(wrap(depth, blend({ blend: { styles: ['a', 'c'], weightsInput: 'style_weights' } })))).toThrow(/names no style model c/);
  });
});

describe('validateManifest', () => {
  const wrap = (...models: unknown[]) => ({ version: 1, models });
  it('accepts a well-formed entry', () => {
    expect(validateManifest(wrap(entry())).models[0].id).toBe('test-style');
  });
  it.each([
    ['a bad id', { id: 'Bad Id' }, /kebab-case/],
    ['an unknown task', { task: 'paint' }, /unknown task/],
    ['no variants', { variants: [] }, /needs variants/],
    ['a short sha256', { variants: [{ name: 'fp32', file: 'a.onnx', bytes: 1, sha256: 'abc' }] }, /sha256/],
    ['a preferred variant that does not exist', { preferred: { wasm: 'int8' } }, /missing variant int8/],
    ['an embedded model with a URL', { variants: [{ name: 'fp32', file: 'https://x/a.onnx', bytes: 1, sha256: 'a'.repeat(64) }], preferred: {} }, /relative/],
    ['a catalogue model with a single file path', { embedded: false, licenceUrl: 'https://x.org/l', variants: [{ name: 'fp32', file: 'a.onnx', bytes: 1, sha256: 'a'.repeat(64) }], preferred: {} } as Partial<ModelEntry>, /files/],
    ['a style without a thumbnail', { style: undefined }, /thumbnail/],
  ])('rejects %s', (_, overrides, message) => {
    expect(() => validateManifest(wrap(entry(overrides as Partial<ModelEntry>)))).toThrow(message);
  });
  it('rejects duplicate ids and a wrong root', () => {
    expect(() => validateManifest(wrap(entry(), entry()))).toThrow(/duplicate id/);
    expect(() => validateManifest({ models: [] })).toThrow(/version: 1/);
  });
});

describe('pickVariant', () => {
  it('follows the per-backend preference and falls back to fp32', () => {
    expect(pickVariant(entry(), 'webgpu').name).toBe('fp16');
    expect(pickVariant(entry(), 'wasm').name).toBe('fp32');
    expect(pickVariant(entry({ preferred: {} }), 'webgpu').name).toBe('fp32');
    expect(pickVariant(entry(), 'webgpu', false).name).toBe('fp32');
  });
});

describe('validateManifest: catalogue models (downloaded on request)', () => {
  const commit = '0123456789abcdef0123456789abcdef01234567';
  const hub = (path: string, sha = commit) => `https://huggingface.co/onnx-community/tiny-depth/resolve/${sha}/${path}`;
  const file = (path: string, overrides: Record<string, unknown> = {}) => ({ path, role: 'model', url: hub(path), bytes: 100, sha256: 'c'.repeat(64), ...overrides });
  const catalogue = (overrides: Record<string, unknown> = {}, variant: Record<string, unknown> = {}) => ({
    ...entry({ id: 'tiny-depth', task: 'depth', style: undefined, embedded: false, preferred: { wasm: 'fp32' } }),
    licence: 'Apache-2.0',
    licenceUrl: 'https://www.apache.org/licenses/LICENSE-2.0',
    variants: [{ name: 'fp32', files: [file('onnx/model.onnx'), file('onnx/model.onnx_data', { role: 'external-data', bytes: 50, sha256: 'd'.repeat(64) })], ...variant }],
    ...overrides,
  });
  const wrap = (...models: unknown[]) => ({ version: 1, models });

  it('accepts several pinned files per variant and derives the total size and the main file', () => {
    const [model] = validateManifest(wrap(catalogue())).models;
    const [variant] = model.variants;
    expect(variant.files?.map((f) => f.role)).toEqual(['model', 'external-data']);
    expect(variant.bytes).toBe(150);
    expect(variant.file).toBe(hub('onnx/model.onnx'));
    expect(variant.sha256).toBe('c'.repeat(64));
    // The result validates again (nothing is mutated, derived fields are consistent).
    expect(validateManifest({ version: 1, models: [model] }).models[0].variants[0].bytes).toBe(150);
  });
  it('keeps the licence that must be accepted and its URL', () => {
    const [model] = validateManifest(wrap(catalogue({ licence: 'Stability AI Non-Commercial Research Community', licenceMustAccept: true }))).models;
    expect(model.licenceMustAccept).toBe(true);
    expect(model.licenceUrl).toMatch(/^https:/);
  });
  it.each([
    ['a URL on a branch, not a commit', { files: [file('onnx/model.onnx', { url: hub('onnx/model.onnx', 'main') })] }, /not pinned to a commit/],
    ['a short commit', { files: [file('onnx/model.onnx', { url: hub('onnx/model.onnx', '0123456') })] }, /not pinned to a commit/],
    ['a blob page instead of resolve', { files: [file('onnx/model.onnx', { url: hub('onnx/model.onnx').replace('/resolve/', '/blob/') })] }, /not pinned to a commit/],
    ['plain http', { files: [file('onnx/model.onnx', { url: hub('onnx/model.onnx').replace('https:', 'http:') })] }, /not pinned to a commit/],
    ['another host', { files: [file('onnx/model.onnx', { url: hub('onnx/model.onnx').replace('huggingface.co', 'example.org') })] }, /not pinned to a commit/],
    ['a URL that is not the file path', { files: [file('onnx/model.onnx', { url: hub('onnx/other.onnx') })] }, /does not end with its path/],
    ['a missing sha256', { files: [file('onnx/model.onnx', { sha256: undefined })] }, /needs a hex sha256/],
    ['an upper-case sha256', { files: [file('onnx/model.onnx', { sha256: 'C'.repeat(64) })] }, /needs a hex sha256/],
    ['zero bytes', { files: [file('onnx/model.onnx', { bytes: 0 })] }, /bytes > 0/],
    ['no role', { files: [file('onnx/model.onnx', { role: '' })] }, /role/],
    ['a path that climbs out', { files: [file('../x.onnx')] }, /relative path/],
    ['the same path twice', { files: [file('onnx/model.onnx'), file('onnx/model.onnx')] }, /path twice/],
    ['no files', { files: [] }, /need files/],
    ['a single file field instead of files', { files: undefined, file: hub('onnx/model.onnx'), bytes: 1, sha256: 'c'.repeat(64) }, /need files/],
  ])('rejects %s', (_, variant, message) => {
    expect(() => validateManifest(wrap(catalogue({}, variant)))).toThrow(message);
  });
  it.each([
    ['no licence URL', { licenceUrl: undefined }, /need licenceUrl/],
    ['a licence URL that is not https', { licenceUrl: 'http://example.org/licence' }, /https:/],
    ['licenceMustAccept that is not a boolean', { licenceMustAccept: 'yes' }, /true or false/],
  ])('rejects %s', (_, overrides, message) => {
    expect(() => validateManifest(wrap(catalogue(overrides)))).toThrow(message);
  });
  it('rejects files on an embedded model and a variant name used twice', () => {
    const embeddedWithFiles = entry({ variants: [{ name: 'fp32', file: 'a.onnx', bytes: 1, sha256: 'a'.repeat(64), files: [] }], preferred: {} });
    expect(() => validateManifest(wrap(embeddedWithFiles))).toThrow(/not files/);
    const twice = catalogue({ variants: [catalogue().variants[0], catalogue().variants[0]] });
    expect(() => validateManifest(wrap(twice))).toThrow(/variant name twice/);
  });
});
