/**
 * The depth stand-ins and the app's depth contracts checked against ../shared/CATALOGUE.md, the
 * facts about the real models, so neither can drift from them: input and output names (where the
 * catalogue confirms them), element types, ranks, fixed sizes and which sides are dynamic (and that
 * the output's dynamic sides are the input's). Preprocessing constants are checked too.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DEPTH_STANDINS } from '../../../scripts/make-depth-standins.mjs';
import { DEPTH_CONTRACTS, type DepthModelKind } from './worker/estimate';
import { depthAnythingSize, IMAGENET_MEAN, IMAGENET_STD, MIDAS_SIDE } from './worker/preprocess';

const cataloguePath = path.resolve(import.meta.dirname, '../../../../shared/CATALOGUE.md');
const haveCatalogue = existsSync(cataloguePath);
if (!haveCatalogue) console.warn(`skipping the depth signature check: ${cataloguePath} is absent (the shared folder is not next to the project)`);

type Dim = number | string;
interface Signature {
  name: string | null; // null: the catalogue says the name is unconfirmed
  dtype: string;
  shape: Dim[];
}

const parseShape = (text: string): Dim[] => text.split(',').map((d) => (/^\d+$/.test(d.trim()) ? Number(d) : d.trim()));

/** The `## Depth: …` sections of the catalogue, by their heading's first words. */
function depthSections(markdown: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of markdown.split(/^## /m).slice(1)) {
    const [heading] = part.split('\n', 1);
    if (heading.startsWith('Depth:')) out[heading] = part;
  }
  return out;
}

/** Depth Anything: "- I/O: `pixel_values` float32 `[1,3,H,W]` → `predicted_depth` float32 `[1,H,W]`." */
function depthAnythingFacts(section: string) {
  const io = /I\/O: `(\w+)` (\w+) `\[([^\]]+)\]` → `(\w+)` (\w+) `\[([^\]]+)\]`/.exec(section);
  if (!io) throw new Error('CATALOGUE.md: no I/O line in the Depth Anything section');
  const mean = /mean `\[([^\]]+)\]`/.exec(section);
  const std = /std `\[([^\]]+)\]`/.exec(section);
  const target = /For the target (\d+)/.exec(section);
  const multiple = /multiple of (\d+)/.exec(section);
  const example = /(\d+)×(\d+) example gives (\d+)×(\d+)/.exec(section);
  return {
    input: { name: io[1], dtype: io[2], shape: parseShape(io[3]) } as Signature,
    output: { name: io[4], dtype: io[5], shape: parseShape(io[6]) } as Signature,
    mean: mean![1].split(',').map(Number),
    std: std![1].split(',').map(Number),
    target: Number(target![1]),
    multiple: Number(multiple![1]),
    // "the 640×424 example gives 350×518": W×H in, H×W out (the output's own [H,W] order).
    example: { width: Number(example![1]), height: Number(example![2]), outHeight: Number(example![3]), outWidth: Number(example![4]) },
  };
}

/** MiDaS: "static input `[1,3,256,256]`, RGB in [0,1]", "The output is `[1,256,256]` …", "Its name is **UNCONFIRMED**". */
function midasFacts(section: string) {
  const input = /static input `\[([^\]]+)\]`/.exec(section);
  const output = /output is `\[([^\]]+)\]`/.exec(section);
  if (!input || !output) throw new Error('CATALOGUE.md: no input/output shapes in the MiDaS section');
  return {
    input: { name: null, dtype: 'float32', shape: parseShape(input[1]) } as Signature,
    output: { name: /name is \*\*UNCONFIRMED\*\*/.test(section) ? null : '?', dtype: 'float32', shape: parseShape(output[1]) } as Signature,
    rgbUnit: /RGB in \[0,1\]/.test(section),
    normalisationBaked: /normalisation baked into the graph/.test(section),
  };
}

interface Meta { name: string; type?: string; shape?: Dim[] }

/**
 * `actual` matches `fact` when: the name is the same (where the catalogue confirms it), the type and
 * rank are, every number is the same number, and every letter is dynamic, the same letter always
 * mapping to the same symbolic name (`symbols` is shared between a graph's input and output).
 */
function expectMatches(actual: Meta | { name: string; dtype: string; shape: Dim[] }, fact: Signature, symbols: Map<string, string>, where: string): void {
  if (fact.name !== null) expect(actual.name, `${where}: name`).toBe(fact.name);
  expect('type' in actual ? actual.type : (actual as { dtype: string }).dtype, `${where}: element type`).toBe(fact.dtype);
  const shape = actual.shape ?? [];
  expect(shape.length, `${where}: rank of [${shape.join(',')}] vs [${fact.shape.join(',')}]`).toBe(fact.shape.length);
  fact.shape.forEach((want, i) => {
    const got = shape[i];
    if (typeof want === 'number') {
      expect(got, `${where}: dim ${i}`).toBe(want);
    } else {
      expect(typeof got, `${where}: dim ${i} must be dynamic (${want}), got ${String(got)}`).toBe('string');
      const seen = symbols.get(want);
      if (seen === undefined) symbols.set(want, got as string);
      else expect(got, `${where}: dim ${i} is ${want}, which the other tensor calls ${seen}`).toBe(seen);
    }
  });
}

async function standinSignature(file: string): Promise<{ inputs: Meta[]; outputs: Meta[] }> {
  const session = await ortNode.InferenceSession.create(DEPTH_STANDINS[file]());
  const s = session as unknown as { inputMetadata: Meta[]; outputMetadata: Meta[] };
  return { inputs: s.inputMetadata, outputs: s.outputMetadata };
}

describe.skipIf(!haveCatalogue)('depth signatures against ../shared/CATALOGUE.md', () => {
  const sections = haveCatalogue ? depthSections(readFileSync(cataloguePath, 'utf8')) : {};
  const section = (start: string) => {
    const key = Object.keys(sections).find((h) => h.includes(start));
    if (!key) throw new Error(`CATALOGUE.md has no "## Depth: …${start}…" section (has: ${Object.keys(sections).join(' | ')})`);
    return sections[key];
  };

  it('finds both depth sections', () => {
    expect(Object.keys(sections).some((h) => h.includes('depth-anything-v2-small'))).toBe(true);
    expect(Object.keys(sections).some((h) => h.includes('MiDaS v2.1 small'))).toBe(true);
  });

  it('Depth Anything stand-in: one input, one output, as the catalogue states them', async () => {
    const facts = depthAnythingFacts(section('depth-anything-v2-small'));
    expect(facts.input.name).toBe('pixel_values'); // the parser read the line it should
    const graph = await standinSignature('depth-anything-standin.onnx');
    expect(graph.inputs).toHaveLength(1);
    expect(graph.outputs).toHaveLength(1);
    const symbols = new Map<string, string>();
    expectMatches(graph.inputs[0], facts.input, symbols, 'stand-in input');
    expectMatches(graph.outputs[0], facts.output, symbols, 'stand-in output');
    expect([...symbols.keys()].sort()).toEqual(['H', 'W']);
  });

  it("Depth Anything: the app's contract and preprocessing constants are the catalogue's", () => {
    const facts = depthAnythingFacts(section('depth-anything-v2-small'));
    const contract = DEPTH_CONTRACTS['depth-anything' satisfies DepthModelKind];
    expect(contract.namesConfirmed).toBe(true);
    const symbols = new Map<string, string>();
    expectMatches(contract.inputs[0] as { name: string; dtype: string; shape: Dim[] }, facts.input, symbols, 'contract input');
    expectMatches(contract.outputs[0] as { name: string; dtype: string; shape: Dim[] }, facts.output, symbols, 'contract output');
    expect([...IMAGENET_MEAN]).toEqual(facts.mean);
    expect([...IMAGENET_STD]).toEqual(facts.std);
    expect([facts.target, facts.multiple]).toEqual([518, 14]);
    const { example } = facts;
    expect(depthAnythingSize(example.width, example.height)).toEqual({ width: example.outWidth, height: example.outHeight });
  });

  it('MiDaS stand-in and contract: static 256x256 in, [1,256,256] out, names not relied on', async () => {
    const facts = midasFacts(section('MiDaS v2.1 small'));
    expect(facts.output.name).toBeNull(); // still UNCONFIRMED: if the catalogue ever names it, this test must learn the name
    expect(facts.rgbUnit && facts.normalisationBaked).toBe(true);
    expect(facts.input.shape).toEqual([1, 3, MIDAS_SIDE, MIDAS_SIDE]);
    const graph = await standinSignature('midas-standin.onnx');
    expect(graph.inputs).toHaveLength(1);
    expect(graph.outputs).toHaveLength(1);
    expectMatches(graph.inputs[0], facts.input, new Map(), 'stand-in input');
    expectMatches(graph.outputs[0], facts.output, new Map(), 'stand-in output');
    const contract = DEPTH_CONTRACTS.midas;
    expect(contract.namesConfirmed).toBe(false);
    expectMatches(contract.inputs[0] as { name: string; dtype: string; shape: Dim[] }, facts.input, new Map(), 'contract input');
    expectMatches(contract.outputs[0] as { name: string; dtype: string; shape: Dim[] }, facts.output, new Map(), 'contract output');
  });

  it('catches a drifted stand-in: the baked-518 export fails the Depth Anything signature', async () => {
    const facts = depthAnythingFacts(section('depth-anything-v2-small'));
    const graph = await standinSignature('depth-anything-baked518.onnx');
    const symbols = new Map<string, string>();
    expectMatches(graph.inputs[0], facts.input, symbols, 'baked input');
    expect(() => expectMatches(graph.outputs[0], facts.output, symbols, 'baked output')).toThrow(/must be dynamic/);
  });
});
