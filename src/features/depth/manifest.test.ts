/**
 * Guard rails for the depth entries of models/manifest.json (the catalogue models are added by the
 * model manager's owner once their pinned commits and full sha256 are known): each follows its
 * depth contract, never offers the int8 (QInt8 ConvInteger) graph ORT-web cannot run, prefers a
 * variant that exists on each backend, and has an fp32 fallback wherever fp16 is preferred (WebGPU
 * without shader-f16). Run over the test stand-in entries too, so the checks themselves are tested.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../models/registry';
import { depthKindOf } from './models';
import { DEPTH_CONTRACTS } from './worker/estimate';

/** What is wrong with a depth entry, as sentences (empty when nothing is). */
export function depthEntryProblems(model: ModelEntry): string[] {
  const problems: string[] = [];
  const contract = DEPTH_CONTRACTS[depthKindOf(model)];
  const input = model.io.inputs[0];
  const output = model.io.outputs[0];
  if (model.io.inputs.length !== 1 || model.io.outputs.length !== 1) problems.push(`${model.id}: one input and one output expected`);
  if (contract.namesConfirmed && (input?.name !== contract.inputs[0].name || output?.name !== contract.outputs[0].name)) {
    problems.push(`${model.id}: ${input?.name} -> ${output?.name}, but ${contract.inputs[0].name} -> ${contract.outputs[0].name} is the contract`);
  }
  if (input?.shape.length !== 4 || output?.shape.length !== 3) problems.push(`${model.id}: [1,3,H,W] -> [1,H,W] expected`);
  for (const v of model.variants) {
    const paths = (v.files ?? []).map((f) => f.path).join(' ') + ' ' + v.name + ' ' + (v.file ?? '');
    if (/int8/i.test(paths) && !/uint8/i.test(paths)) problems.push(`${model.id}: variant ${v.name} is an int8 (QInt8) graph, which ORT-web cannot run (ConvInteger)`);
  }
  const names = new Set(model.variants.map((v) => v.name));
  for (const [backend, name] of Object.entries(model.preferred)) {
    if (name && !names.has(name)) problems.push(`${model.id}: preferred ${backend} variant "${name}" is not listed`);
  }
  if (Object.values(model.preferred).some((n) => n && /fp16|f16/.test(n)) && !names.has('fp32')) {
    problems.push(`${model.id}: an fp16 variant is preferred but there is no fp32 one for WebGPU without shader-f16`);
  }
  return problems;
}

function entry(over: Partial<ModelEntry>): ModelEntry {
  return {
    id: 'x',
    task: 'depth',
    title: 'x',
    embedded: false,
    licence: 'Apache-2.0',
    source: '',
    io: { inputs: [{ name: 'pixel_values', dtype: 'float32', shape: [1, 3, 'height', 'width'] }], outputs: [{ name: 'predicted_depth', dtype: 'float32', shape: [1, 'height', 'width'] }] },
    variants: [
      { name: 'fp32', file: 'a', bytes: 1, sha256: '' },
      { name: 'fp16', file: 'b', bytes: 1, sha256: '' },
      { name: 'quantized', file: 'onnx/model_quantized.onnx', bytes: 1, sha256: '' },
    ],
    preferred: { webgpu: 'fp16', wasm: 'quantized' },
    ...over,
  };
}

describe('depth manifest entries', () => {
  it('the checks accept a well-formed entry and name what is wrong with bad ones', () => {
    expect(depthEntryProblems(entry({}))).toEqual([]);
    expect(depthEntryProblems(entry({ variants: [{ name: 'int8', file: 'onnx/model_int8.onnx', bytes: 1, sha256: '' }], preferred: { wasm: 'int8' } }))).toEqual([
      'x: variant int8 is an int8 (QInt8) graph, which ORT-web cannot run (ConvInteger)',
    ]);
    expect(depthEntryProblems(entry({ variants: [{ name: 'fp16', file: 'b', bytes: 1, sha256: '' }], preferred: { webgpu: 'fp16' } }))).toEqual([
      'x: an fp16 variant is preferred but there is no fp32 one for WebGPU without shader-f16',
    ]);
    expect(depthEntryProblems(entry({ preferred: { wasm: 'uint8' } }))[0]).toMatch(/preferred wasm variant "uint8" is not listed/);
    expect(depthEntryProblems(entry({ io: { inputs: [{ name: 'pixels', dtype: 'float32', shape: [1, 3, 'H', 'W'] }], outputs: [{ name: 'depth', dtype: 'float32', shape: [1, 'H', 'W'] }] } }))[0]).toMatch(/pixels -> depth/);
  });

  it('every depth model in models/manifest.json passes them', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../models/manifest.json'), 'utf8')) as { models: ModelEntry[] };
    const depth = manifest.models.filter((m) => m.task === 'depth');
    if (depth.length === 0) console.warn('models/manifest.json lists no depth model yet (the catalogue entries wait for pinned commits and full sha256)');
    expect(depth.flatMap(depthEntryProblems)).toEqual([]);
  });
});
