/**
 * One photo through a depth model: the model's own preprocessing, one run, the map back at the
 * photo's size. Both catalogue models' contracts are here, checked against the session when it
 * opens (names, ranks, fixed sides), so a wrong or broken file fails with a sentence, not a stretched
 * picture.
 */
import { UserError } from '../../../lib/errors';
import type { Rgba } from '../../../lib/pixels';
import type { TensorSpec } from '../../../models/registry';
import { float16, toFloat32, type HostTensor } from '../../../runtime/tensors';
import { finiteRange, type DepthMap, type Range } from '../postprocess';
import { resizeBilinear } from './resize';
import { preprocessDepthAnything, preprocessMidas, type ModelInput } from './preprocess';

/** The `[1,H,W]` (or `[H,W]`, `[1,1,H,W]`) float output as a map, refusing anything else clearly. */
export function depthFromOutput(output: HostTensor): DepthMap {
  if (output.type !== 'float32' && output.type !== 'float16') throw new Error(`the depth model returned ${output.type}; a float32 (or float16) map was expected`);
  const dims = output.dims;
  const leading = dims.slice(0, -2);
  if (dims.length < 2 || dims.length > 4 || leading.some((d) => d !== 1)) {
    throw new Error(`the depth model returned a [${dims.join(',')}] tensor; one map of [1,H,W] was expected`);
  }
  const height = dims[dims.length - 2];
  const width = dims[dims.length - 1];
  // An fp16 graph may give half floats: widened here, so everything after works in float32.
  return { data: toFloat32(output), width, height };
}

/** The model's map back at the photo's size (bilinear, half-pixel centres), whatever its aspect. */
export function toPhotoSize(map: DepthMap, width: number, height: number): DepthMap {
  return { data: resizeBilinear(map.data, map.width, map.height, width, height), width, height };
}

export type { DepthModelKind } from '../protocol';
import type { DepthModelKind } from '../protocol';

export interface DepthContract {
  kind: DepthModelKind;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /**
   * Names the app may rely on. MiDaS's output name is unconfirmed (CATALOGUE.md), and so is its input
   * name, so for it the graph's only input and only output are taken, whatever they are called.
   */
  namesConfirmed: boolean;
  preprocess(image: Rgba): ModelInput;
}

/** The contracts as ../shared/CATALOGUE.md states them (checked against it in catalogue.test.ts). */
export const DEPTH_CONTRACTS: Record<DepthModelKind, DepthContract> = {
  'depth-anything': {
    kind: 'depth-anything',
    inputs: [{ name: 'pixel_values', dtype: 'float32', layout: 'NCHW', shape: [1, 3, 'height', 'width'] }],
    outputs: [{ name: 'predicted_depth', dtype: 'float32', shape: [1, 'height', 'width'] }],
    namesConfirmed: true,
    preprocess: preprocessDepthAnything,
  },
  midas: {
    kind: 'midas',
    inputs: [{ name: 'input', dtype: 'float32', layout: 'NCHW', shape: [1, 3, 256, 256], range: [0, 1] }],
    outputs: [{ name: 'output', dtype: 'float32', shape: [1, 256, 256] }],
    namesConfirmed: false,
    preprocess: preprocessMidas,
  },
};

/** What the runtime's ModelSession offers that this module needs (tests pass an onnxruntime-node session wrapped in one). */
export interface DepthSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, HostTensor>>, options?: { outputs?: readonly string[] }): Promise<Record<string, HostTensor>>;
}

/** ORT's per-input/output metadata, where the runtime exposes it (onnxruntime 1.22+). */
export interface ValueMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: readonly (number | string)[];
}

export interface BoundNames {
  input: string;
  output: string;
  /**
   * The input's element type: float32, or float16 where an fp16 export takes half floats (read from
   * the session's metadata; float32 when the runtime gives none).
   */
  inputType: 'float32' | 'float16';
}

/**
 * The input and output to use, after checking the graph against the contract: the names (where
 * confirmed), one input and one output (where not), and from metadata the element type, the rank
 * and the fixed sides. Throws a sentence naming what differs.
 */
export function bindDepthSession(session: DepthSession, kind: DepthModelKind, metadata?: { inputs: readonly ValueMetadata[]; outputs: readonly ValueMetadata[] }): BoundNames {
  const contract = DEPTH_CONTRACTS[kind];
  const label = kind === 'depth-anything' ? 'Depth Anything' : 'MiDaS';
  let input: string;
  let output: string;
  if (contract.namesConfirmed) {
    input = contract.inputs[0].name;
    output = contract.outputs[0].name;
    if (!session.inputNames.includes(input) || !session.outputNames.includes(output)) {
      throw new Error(
        `This file is not a ${label} depth model: it takes ${session.inputNames.join(', ') || 'nothing'} and gives ${session.outputNames.join(', ') || 'nothing'}, ` +
          `but ${input} -> ${output} was expected.`,
      );
    }
  } else {
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
      throw new Error(`This file is not a ${label} depth model: it has ${session.inputNames.length} inputs and ${session.outputNames.length} outputs, one of each was expected.`);
    }
    input = session.inputNames[0];
    output = session.outputNames[0];
  }
  let inputType: BoundNames['inputType'] = 'float32';
  if (metadata) {
    inputType = checkMetadata(label, metadata.inputs.find((m) => m.name === input), contract.inputs[0]);
    checkMetadata(label, metadata.outputs.find((m) => m.name === output), contract.outputs[0]);
  }
  return { input, output, inputType };
}

/**
 * Which contract a user's own depth file follows, from its graph: Depth Anything's input name, else a
 * single input with fixed sides (MiDaS v2.1 small's [1,3,256,256]). Throws a sentence saying what the
 * file has and what the app can run; bindDepthSession then checks the rest (types, ranks, sides).
 */
export function ownDepthKind(session: Pick<DepthSession, 'inputNames' | 'outputNames'>, metadata?: { inputs: readonly ValueMetadata[] }): DepthModelKind {
  if (session.inputNames.includes(DEPTH_CONTRACTS['depth-anything'].inputs[0].name)) return 'depth-anything';
  const shape = metadata?.inputs.find((m) => m.name === session.inputNames[0])?.shape;
  const fixedSides = shape?.length === 4 && shape.slice(-2).every((d) => typeof d === 'number');
  if (session.inputNames.length === 1 && session.outputNames.length === 1 && (fixedSides || !metadata)) return 'midas';
  const has = `it takes ${session.inputNames.join(', ') || 'nothing'}${shape ? ` [${shape.join(',')}]` : ''} and gives ${session.outputNames.join(', ') || 'nothing'}`;
  throw new UserError(
    `This file is not a depth model the app can run: ${has}. It runs Depth Anything V2 (pixel_values [1,3,H,W] -> predicted_depth [1,H,W], e.g. onnx/model.onnx of onnx-community/depth-anything-v2-small) and MiDaS v2.1 small (one [1,3,256,256] input, one [1,256,256] output).`,
  );
}

/** Checks one tensor's metadata against the contract; returns its float type (fp16 exports may use half floats). */
function checkMetadata(label: string, meta: ValueMetadata | undefined, spec: TensorSpec): 'float32' | 'float16' {
  if (!meta || !meta.isTensor || !meta.shape) return 'float32'; // the runtime told us nothing: the run checks the output
  const where = `${label}'s ${meta.name}`;
  const halfForSingle = spec.dtype === 'float32' && meta.type === 'float16';
  if (meta.type && meta.type !== spec.dtype && !halfForSingle) throw new Error(`${where} is ${meta.type}; ${spec.dtype} was expected.`);
  if (meta.shape.length !== spec.shape.length) throw new Error(`${where} has shape [${meta.shape.join(',')}]; [${spec.shape.join(',')}] was expected.`);
  spec.shape.forEach((want, i) => {
    const got = meta.shape![i];
    // A fixed side must match; a dynamic side must be dynamic (a baked 518 would stretch every photo).
    const fixedDiffers = typeof want === 'number' && typeof got === 'number' && got !== want;
    const baked = typeof want === 'string' && typeof got === 'number';
    if (fixedDiffers || baked) {
      throw new Error(`${where} has shape [${meta.shape!.join(',')}]; [${spec.shape.join(',')}] was expected (this export fixes a side that must follow the photo).`);
    }
  });
  return halfForSingle ? 'float16' : 'float32';
}

export interface DepthResult {
  /** Raw model values (relative inverse depth, big = near) at the photo's size. */
  map: DepthMap;
  /** The map's finite range, for normalising. */
  range: Range;
  /** The size the model ran at. */
  modelSize: { width: number; height: number };
}

/** One photo through a bound depth session: the map at the photo's size, raw values. */
export async function estimateDepth(session: DepthSession, names: BoundNames, kind: DepthModelKind, image: Rgba): Promise<DepthResult> {
  const contract = DEPTH_CONTRACTS[kind];
  const input = contract.preprocess(image);
  const feed = names.inputType === 'float16' ? float16(input.tensor.data, input.tensor.dims) : input.tensor;
  const outputs = await session.run({ [names.input]: feed }, { outputs: [names.output] });
  const raw = depthFromOutput(outputs[names.output]);
  const [, , inH, inW] = input.tensor.dims;
  if (raw.width !== inW || raw.height !== inH) {
    throw new Error(
      `The depth model returned a ${raw.width}x${raw.height} map for a ${inW}x${inH} input; it must follow the input's size ` +
        '(an export with a fixed output size cannot be used).',
    );
  }
  const map = toPhotoSize(raw, input.source.width, input.source.height);
  return { map, range: finiteRange(map.data), modelSize: { width: inW, height: inH } };
}
