/**
 * The generated stand-ins must have the signatures ../shared/CATALOGUE.md gives for
 * Xenova/vit-gpt2-image-captioning, so code tested on them runs the real files. This parses the
 * catalogue's captioning section (names, types, layouts) and checks the stand-ins' declared inputs
 * and outputs, then runs them at b=2, seq=3, past=4 and checks the shapes that come out.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { captionStandinFiles } from '../../../../scripts/make-caption-standins.mjs';

const catalogue = path.resolve(import.meta.dirname, '../../../..', '../shared/CATALOGUE.md');
const present = existsSync(catalogue);
if (!present) console.warn(`caption signature test skipped: ${path.relative(process.cwd(), catalogue)} is absent`);

interface Spec {
  name: string;
  type?: string;
  /** numbers are fixed sizes, strings are the catalogue's symbols (b, seq, past, past+seq) */
  shape: (number | string)[];
}

const parseShape = (text: string) => text.split(',').map((d) => (/^\d+$/.test(d.trim()) ? Number(d) : d.trim()));

/** Expands `past_key_values.{0..11}.key` and `present.{i}.key` (i over `layers`). */
function expand(name: string, layers: number): string[] {
  const range = /\{(\d+)\.\.(\d+)\}/.exec(name);
  if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, k) => name.replace(range[0], String(Number(range[1]) + k)));
  if (name.includes('{i}')) return Array.from({ length: layers }, (_, k) => name.replace('{i}', String(k)));
  return [name];
}

export function parseCaptioning(markdown: string) {
  const start = markdown.indexOf('## Captioning: `Xenova/vit-gpt2-image-captioning`');
  if (start < 0) throw new Error('CATALOGUE.md has no "## Captioning: `Xenova/vit-gpt2-image-captioning`" section');
  const end = markdown.indexOf('\n## ', start + 4);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const model = /(\d+) layers, (\d+) heads, width (\d+) \(head dim (\d+)\), vocabulary (\d+)/.exec(section);
  if (!model) throw new Error('captioning section: no "N layers, N heads, width N (head dim N), vocabulary N" line');
  const [layers, heads, width, headDim, vocab] = model.slice(1).map(Number);
  const encoderLine = /Encoder: `(\w+)` (\w+) `\[([^\]]+)\]` → `(\w+)` `\[([^\]]+)\]`/.exec(section);
  if (!encoderLine) throw new Error('captioning section: no "Encoder: `in` type `[shape]` → `out` `[shape]`" line');
  const encoder = {
    inputs: [{ name: encoderLine[1], type: encoderLine[2], shape: parseShape(encoderLine[3]) }] as Spec[],
    outputs: [{ name: encoderLine[4], shape: parseShape(encoderLine[5]) }] as Spec[],
  };
  const between = (from: string, to: string) => {
    const a = section.indexOf(from);
    const b = section.indexOf(to, a);
    if (a < 0 || b < 0) throw new Error(`captioning section: "${from}" … "${to}" not found`);
    return section.slice(a + from.length, b);
  };
  const inputs: Spec[] = [];
  for (const line of between('Merged decoder inputs:', 'Merged decoder outputs:').split('\n')) {
    const m = /^- `([^`]+)`(?: and `\.(\w+)`)?,? (\w+) `\[([^\]]+)\]`/.exec(line.trim());
    if (!m) continue;
    const names = [m[1], ...(m[2] ? [m[1].replace(/\.\w+$/, `.${m[2]}`)] : [])];
    for (const n of names) for (const name of expand(n, layers)) inputs.push({ name, type: m[3], shape: parseShape(m[4]) });
  }
  const outputs: Spec[] = [];
  const outText = between('Merged decoder outputs:', 'Decoding, step by step');
  for (const group of outText.matchAll(/((?:`[^`[]+`(?:\s*\/\s*|\s+and\s+)?)+)\s+`\[([^\]]+)\]`/g)) {
    for (const n of group[1].matchAll(/`([^`]+)`/g)) for (const name of expand(n[1], layers)) outputs.push({ name, shape: parseShape(group[2]) });
  }
  const noMask = /There is no attention mask/.test(section);
  const startToken = /Token id (\d+) is bos, eos, decoder start/.exec(section);
  return { layers, heads, width, headDim, vocab, encoder, decoder: { inputs, outputs }, noMask, startToken: startToken ? Number(startToken[1]) : undefined };
}

type Meta = { name: string; type: string; shape: (number | string)[] };

/** A catalogue dim matches: a number equals it or is left symbolic (dynamic); a symbol must be symbolic. */
function dimMatches(expected: number | string, actual: number | string): boolean {
  return typeof expected === 'number' ? actual === expected || typeof actual === 'string' : typeof actual === 'string';
}

function checkSignature(kind: string, specs: Spec[], metas: readonly Meta[]) {
  expect(metas.map((m) => m.name).sort(), `${kind} names`).toEqual(specs.map((s) => s.name).sort());
  for (const spec of specs) {
    const meta = metas.find((m) => m.name === spec.name)!;
    if (spec.type) expect(meta.type, `${kind} ${spec.name} type`).toBe(spec.type);
    else expect(meta.type, `${kind} ${spec.name} type`).toBe('float32');
    expect(meta.shape.length, `${kind} ${spec.name} rank`).toBe(spec.shape.length);
    spec.shape.forEach((d, i) => expect(dimMatches(d, meta.shape[i]), `${kind} ${spec.name} dim ${i}: catalogue ${d}, model ${meta.shape[i]}`).toBe(true));
  }
}

describe.skipIf(!present)('caption stand-ins vs ../shared/CATALOGUE.md', () => {
  const cat = present ? parseCaptioning(readFileSync(catalogue, 'utf8')) : undefined!;
  const files = captionStandinFiles();

  it('the catalogue section parses into the facts the loop relies on', () => {
    expect(cat).toMatchObject({ layers: 12, heads: 12, width: 768, headDim: 64, vocab: 50257, startToken: 50256, noMask: true });
    expect(cat.decoder.inputs).toHaveLength(3 + 2 * 12);
    expect(cat.decoder.outputs).toHaveLength(1 + 2 * 12);
    expect(cat.decoder.inputs.find((s) => s.name === 'past_key_values.11.value')).toEqual({ name: 'past_key_values.11.value', type: 'float32', shape: ['b', 12, 'past', 64] });
    expect(cat.decoder.inputs.find((s) => s.name === 'use_cache_branch')).toEqual({ name: 'use_cache_branch', type: 'bool', shape: [1] });
    expect(cat.decoder.outputs.find((s) => s.name === 'present.3.value')?.shape).toEqual(['b', 12, 'past+seq', 64]);
  });

  it('the encoder and merged decoder declare the catalogue names, types and layouts', async () => {
    const encoder = await ortNode.InferenceSession.create(files['onnx/encoder_model.onnx']);
    checkSignature('encoder input', cat.encoder.inputs, encoder.inputMetadata as unknown as Meta[]);
    checkSignature('encoder output', cat.encoder.outputs, encoder.outputMetadata as unknown as Meta[]);
    const decoder = await ortNode.InferenceSession.create(files['onnx/decoder_model_merged.onnx']);
    checkSignature('decoder input', cat.decoder.inputs, decoder.inputMetadata as unknown as Meta[]);
    checkSignature('decoder output', cat.decoder.outputs, decoder.outputMetadata as unknown as Meta[]);
    expect(decoder.inputNames).not.toContain('attention_mask');
  });

  it('run with the catalogue layouts at b=2, seq=3, past=4 and give its output shapes', async () => {
    const sizes: Record<string, number> = { b: 2, seq: 3, past: 4, 'past+seq': 7 };
    const dims = (shape: (number | string)[]) => shape.map((d) => (typeof d === 'number' ? d : sizes[d]));
    const make = (spec: Spec) => {
      const d = dims(spec.shape);
      const n = d.reduce((a, b) => a * b, 1);
      if (spec.type === 'int64') return new ortNode.Tensor('int64', new BigInt64Array(n).fill(50256n), d);
      if (spec.type === 'bool') return new ortNode.Tensor('bool', new Uint8Array(n).fill(1), d);
      return new ortNode.Tensor('float32', new Float32Array(n), d);
    };
    const encoder = await ortNode.InferenceSession.create(files['onnx/encoder_model.onnx']);
    const encoded = await encoder.run(Object.fromEntries(cat.encoder.inputs.map((s) => [s.name, make(s)])));
    for (const spec of cat.encoder.outputs) expect(encoded[spec.name].dims, spec.name).toEqual(dims(spec.shape));
    const decoder = await ortNode.InferenceSession.create(files['onnx/decoder_model_merged.onnx'], { intraOpNumThreads: 1 });
    const out = await decoder.run(Object.fromEntries(cat.decoder.inputs.map((s) => [s.name, make(s)])));
    for (const spec of cat.decoder.outputs) expect(out[spec.name].dims, spec.name).toEqual(dims(spec.shape));
  });
});
