/**
 * The generated SD-Turbo stand-ins must have the signatures ../shared/CATALOGUE.md gives for
 * `schmuell/sd-turbo-ort-web`, so code tested on them runs the real files. This parses the
 * catalogue's text-to-image section (file paths, input/output names, types, layouts, free
 * dimension names, the sampling constants), checks the stand-ins' declared inputs and outputs and
 * the walk's constants against it, then runs each stand-in at the catalogue's shapes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { walkStandinFiles } from '../../../../scripts/make-walk-standins.mjs';
import { CLIP_CONTEXT_LENGTH } from './clip-tokenizer';
import { SIGMA, TIMESTEP, VAE_SCALING } from './turbo';
import { WALK_IO } from './walk';

const catalogue = path.resolve(import.meta.dirname, '../../../..', '../shared/CATALOGUE.md');
const present = existsSync(catalogue);
if (!present) console.warn(`walk signature test skipped: ${path.relative(process.cwd(), catalogue)} is absent`);

interface Spec {
  name: string;
  type: string;
  shape: number[];
}
interface GraphSpec {
  inputs: Spec[];
  outputs: Spec[];
  /** Names the catalogue gives as free dimensions (for freeDimensionOverrides). */
  freeDimensions: Record<string, number>;
}

const parseShape = (text: string) => text.split(',').map((d) => Number(d.trim()));

/** `name` [type] [`[shape]`] items of one sentence; a missing type is float32 ("The I/O is fed as float32"). */
function items(text: string): { name: string; type: string; shape?: number[] }[] {
  return [...text.matchAll(/`(\w+)`(?: (int32|int64|float16|float32|bool))?(?: `\[([\d,\s]+)\]`)?/g)].map((m) => ({
    name: m[1],
    type: m[2] ?? 'float32',
    shape: m[3] ? parseShape(m[3]) : undefined,
  }));
}

export function parseTextToImage(markdown: string) {
  const heading = '## Text-to-image: SD-Turbo for ORT-web, `schmuell/sd-turbo-ort-web`';
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`CATALOGUE.md has no "${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 4);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const block = (title: string) => {
    const a = section.indexOf(`\n${title}:`);
    if (a < 0) throw new Error(`text-to-image section: no "${title}:" block`);
    const b = section.indexOf('\n\n', a + 1);
    return section.slice(a, b < 0 ? undefined : b);
  };
  const graph = (title: string): GraphSpec & { partial: { name: string; type: string; shape?: number[] }[] } => {
    const text = block(title);
    const inputs: { name: string; type: string; shape?: number[] }[] = [];
    const outputs: { name: string; type: string; shape?: number[] }[] = [];
    const freeDimensions: Record<string, number> = {};
    for (const line of text.split('\n').map((l) => l.trim())) {
      if (/^- Inputs?\b/.test(line)) {
        const [ins, outs] = line.split(/\.\s+Output\b/);
        inputs.push(...items(ins));
        if (outs) outputs.push(...items(outs));
      } else if (/^- Output\b/.test(line)) {
        outputs.push(...items(line));
      } else if (/^- Free dimensions?:/.test(line)) {
        for (const m of line.matchAll(/(\w+)=(\d+)/g)) freeDimensions[m[1]] = Number(m[2]);
      }
    }
    return { inputs: inputs as Spec[], outputs: outputs as Spec[], freeDimensions, partial: [...inputs, ...outputs] };
  };
  const textEncoder = graph('Text encoder');
  const unet = graph('UNet');
  const vaeDecoder = graph('VAE decoder');
  // The catalogue leaves two shapes implicit: the UNet's text input is the text encoder's output,
  // and its output is shaped as its `sample` (ε has the latent's shape).
  const shapeOf = (name: string, fallback: () => number[] | undefined) => {
    const found = unet.partial.find((s) => s.name === name);
    if (found && !found.shape) found.shape = fallback();
  };
  shapeOf('encoder_hidden_states', () => textEncoder.outputs.find((s) => s.name === 'last_hidden_state')?.shape);
  shapeOf('out_sample', () => unet.inputs.find((s) => s.name === 'sample')?.shape);
  for (const s of [...textEncoder.partial, ...unet.partial, ...vaeDecoder.partial]) {
    if (!s.shape) throw new Error(`text-to-image section: no shape for \`${s.name}\``);
  }
  const files = [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]);
  const tokenizerFiles = /`tokenizer\/` \(CLIP BPE: `(\w+\.\w+)`, `(\w+\.\w+)`\)/.exec(section);
  const number = (re: RegExp, what: string) => {
    const m = re.exec(section);
    if (!m) throw new Error(`text-to-image section: no ${what}`);
    return Number(m[1]);
  };
  return {
    files: files.filter((f) => f.endsWith('.onnx')),
    tokenizer: tokenizerFiles ? [`tokenizer/${tokenizerFiles[1]}`, `tokenizer/${tokenizerFiles[2]}`] : [],
    textEncoder,
    unet,
    vaeDecoder,
    sigma: number(/σ = ([\d.]+)/, 'σ'),
    timestep: number(/`timestep` int64 `\[1\]` = (\d+)/, 'timestep value'),
    vaeScale: number(/VAE input `x0\/([\d.]+)`/, 'VAE scaling'),
    padTo: number(/Pad to (\d+) with id 0/, 'padding length'),
    shaderF16: /shader-f16/.test(section),
    licenceMustBeAccepted: /must\s+accept it before the download/.test(section),
    /** Dimensions the catalogue says must stay free in the text encoder (fixing them spoils the image). */
    keepFree: [...section.matchAll(/also fixing `(\w+)` spoils/g)].map((m) => m[1]),
  };
}

type Meta = { name: string; type: string; shape: (number | string)[] };

function checkSignature(kind: string, specs: Spec[], metas: readonly Meta[]) {
  expect(metas.map((m) => m.name).sort(), `${kind} names`).toEqual(specs.map((s) => s.name).sort());
  for (const spec of specs) {
    const meta = metas.find((m) => m.name === spec.name)!;
    expect(meta.type, `${kind} ${spec.name} type`).toBe(spec.type);
    expect(meta.shape.length, `${kind} ${spec.name} rank`).toBe(spec.shape.length);
    // a catalogue size is matched by the same size or by a symbolic (free) dimension
    spec.shape.forEach((d, i) => expect(meta.shape[i] === d || typeof meta.shape[i] === 'string', `${kind} ${spec.name} dim ${i}: catalogue ${d}, model ${meta.shape[i]}`).toBe(true));
  }
}

const feed = (spec: Spec) => {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.type === 'int64') return new ortNode.Tensor('int64', new BigInt64Array(n).fill(999n), spec.shape);
  if (spec.type === 'int32') return new ortNode.Tensor('int32', new Int32Array(n).fill(320), spec.shape);
  return new ortNode.Tensor('float32', new Float32Array(n).fill(0.25), spec.shape);
};

describe.skipIf(!present)('SD-Turbo stand-ins vs ../shared/CATALOGUE.md', () => {
  const cat = present ? parseTextToImage(readFileSync(catalogue, 'utf8')) : undefined!;
  const files = walkStandinFiles();

  it('the catalogue section parses into the facts the walk relies on', () => {
    expect(cat.files).toEqual(['text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx']);
    expect(cat.tokenizer).toEqual(['tokenizer/vocab.json', 'tokenizer/merges.txt']);
    expect(cat.textEncoder.inputs).toEqual([{ name: 'input_ids', type: 'int32', shape: [1, 77] }]);
    expect(cat.unet.inputs.map((s) => s.name)).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    expect(cat.unet.inputs[1]).toEqual({ name: 'timestep', type: 'int64', shape: [1] });
    expect(cat.unet.outputs).toEqual([{ name: 'out_sample', type: 'float32', shape: [1, 4, 64, 64] }]);
    expect(cat.vaeDecoder.outputs).toEqual([{ name: 'sample', type: 'float32', shape: [1, 3, 512, 512] }]);
    expect(cat.unet.freeDimensions).toEqual({ batch_size: 1, num_channels: 4, height: 64, width: 64, sequence_length: 77 });
    expect(cat.textEncoder.freeDimensions).toEqual({ batch_size: 1 });
    expect(cat.shaderF16).toBe(true);
    expect(cat.licenceMustBeAccepted).toBe(true);
    expect(cat.keepFree).toEqual(['sequence_length']);
  });

  it('the walk’s constants and names are the catalogue’s', () => {
    expect(SIGMA).toBe(cat.sigma);
    expect(TIMESTEP).toBe(BigInt(cat.timestep));
    expect(VAE_SCALING).toBe(cat.vaeScale);
    expect(CLIP_CONTEXT_LENGTH).toBe(cat.padTo);
    expect([...WALK_IO.textEncoder.inputs]).toEqual(cat.textEncoder.inputs.map((s) => s.name));
    expect(WALK_IO.textEncoder.output).toBe(cat.textEncoder.outputs[0].name);
    expect([...WALK_IO.unet.inputs]).toEqual(cat.unet.inputs.map((s) => s.name));
    expect(WALK_IO.unet.output).toBe(cat.unet.outputs[0].name);
    expect([...WALK_IO.vaeDecoder.inputs]).toEqual(cat.vaeDecoder.inputs.map((s) => s.name));
    expect(WALK_IO.vaeDecoder.output).toBe(cat.vaeDecoder.outputs[0].name);
  });

  it('the stand-ins sit at the repo’s paths and declare the catalogue’s names, types and layouts', async () => {
    expect(Object.keys(files).sort()).toEqual([...cat.files, ...cat.tokenizer].sort());
    for (const [key, file] of [
      ['textEncoder', 'text_encoder/model.onnx'],
      ['unet', 'unet/model.onnx'],
      ['vaeDecoder', 'vae_decoder/model.onnx'],
    ] as const) {
      const session = await ortNode.InferenceSession.create(files[file]);
      checkSignature(`${file} input`, cat[key].inputs, session.inputMetadata as unknown as Meta[]);
      checkSignature(`${file} output`, cat[key].outputs, session.outputMetadata as unknown as Meta[]);
      // Every dimension the catalogue says to override is a symbolic dimension of that name, so
      // freeDimensionOverrides do on the stand-in what they do on the real graph.
      const symbols = new Set((session.inputMetadata as unknown as Meta[]).flatMap((m) => m.shape.filter((d): d is string => typeof d === 'string')));
      for (const name of Object.keys(cat[key].freeDimensions)) expect([...symbols], `${file}: free dimension ${name}`).toContain(name);
      if (key === 'textEncoder') for (const name of cat.keepFree) expect([...symbols], `${file}: ${name} stays free`).toContain(name);
    }
  });

  it('run at the catalogue’s shapes (with its free-dimension overrides) and give its output shapes', async () => {
    for (const [key, file] of [
      ['textEncoder', 'text_encoder/model.onnx'],
      ['unet', 'unet/model.onnx'],
      ['vaeDecoder', 'vae_decoder/model.onnx'],
    ] as const) {
      const session = await ortNode.InferenceSession.create(files[file], { intraOpNumThreads: 1, freeDimensionOverrides: cat[key].freeDimensions });
      const out = await session.run(Object.fromEntries(cat[key].inputs.map((s) => [s.name, feed(s)])));
      for (const spec of cat[key].outputs) {
        expect(out[spec.name].dims, `${file} ${spec.name}`).toEqual(spec.shape);
        expect(out[spec.name].type).toBe(spec.type);
      }
    }
  });
});
