#!/usr/bin/env node
/**
 * Tiny stand-ins for the two catalogue depth models, with exactly their I/O (../shared/CATALOGUE.md)
 * and a known, simple function, so tests can compute every expected value:
 *
 * - `depth-anything-standin.onnx`: `pixel_values` float32 [1,3,height,width] -> `predicted_depth`
 *   float32 [1,height,width], both sides dynamic (the real export's axis names). depth =
 *   w·pixel_values + b per pixel, on the normalised input (DEPTH_ANYTHING_STANDIN).
 * - `midas-standin.onnx`: `input` float32 [1,3,256,256] -> one float32 [1,256,256] output (the real
 *   output's name is unconfirmed, so the app must take the graph's only output, whatever its name).
 *   depth = w·rgb + b on RGB in [0,1] (MIDAS_STANDIN).
 * - `depth-anything-baked518.onnx`: the export pitfall CATALOGUE.md warns about, an output fixed at
 *   [1,518,518] whatever the input: the app must refuse it rather than stretch it.
 * - `depth-anything-fp16io.onnx`: the same function with float16 input and output, as an fp16
 *   export may have them: the app must feed half floats and read them back.
 *
 *   node scripts/make-depth-standins.mjs [outDir]   (default: test-models/)
 */
import path from 'node:path';
import { encodeModel, node, tensor, valueInfo } from './onnx-writer.mjs';
import { writeFiles } from './write-files.mjs';

/** depth = sum_c weights[c] * pixel_values[c] + bias, per pixel (input already mean/std normalised). */
export const DEPTH_ANYTHING_STANDIN = { weights: [0.5, 0.3, 0.2], bias: 2 };
/** depth = sum_c weights[c] * rgb[c] + bias, per pixel, rgb in [0,1]. */
export const MIDAS_STANDIN = { weights: [0.2, 0.7, 0.1], bias: 0.25 };

/**
 * Conv 1x1 (3 -> 1 channel) then Squeeze of the channel axis: [1,3,H,W] -> [1,H,W]. Squeeze takes
 * its axes as an int64 input from opset 13; a Constant node makes it (the writer's initializers are
 * float32 only).
 */
function linearDepth({ inputName, outputName, inputShape, outputShape, weights, bias }) {
  return encodeModel({
    nodes: [
      node('Conv', [inputName, 'w', 'b'], ['depth4d'], { kernel_shape: [1, 1] }),
      node('Constant', [], ['channel_axis'], { value_ints: [1] }),
      node('Squeeze', ['depth4d', 'channel_axis'], [outputName]),
    ],
    initializers: [tensor('w', [1, 3, 1, 1], weights), tensor('b', [1], [bias])],
    inputs: [valueInfo(inputName, inputShape)],
    outputs: [valueInfo(outputName, outputShape)],
    producer: 'clipmorph-web depth stand-ins',
  });
}

/** The linear stand-in followed by a Resize to a fixed 518x518, as broken third-party exports do. */
function baked518() {
  const { weights, bias } = DEPTH_ANYTHING_STANDIN;
  return encodeModel({
    nodes: [
      node('Conv', ['pixel_values', 'w', 'b'], ['depth4d'], { kernel_shape: [1, 1] }),
      node('Constant', [], ['sizes'], { value_ints: [1, 1, 518, 518] }),
      node('Resize', ['depth4d', '', '', 'sizes'], ['resized'], { mode: 'linear' }),
      node('Constant', [], ['channel_axis'], { value_ints: [1] }),
      node('Squeeze', ['resized', 'channel_axis'], ['predicted_depth']),
    ],
    initializers: [tensor('w', [1, 3, 1, 1], weights), tensor('b', [1], [bias])],
    inputs: [valueInfo('pixel_values', [1, 3, 'height', 'width'])],
    outputs: [valueInfo('predicted_depth', [1, 518, 518])],
    producer: 'clipmorph-web depth stand-ins',
  });
}

/** The linear stand-in with half-float I/O (Cast in and out), as fp16 exports may have it. */
function halfIo() {
  const { weights, bias } = DEPTH_ANYTHING_STANDIN;
  return encodeModel({
    nodes: [
      node('Cast', ['pixel_values'], ['pixels32'], { to: 1 }),
      node('Conv', ['pixels32', 'w', 'b'], ['depth4d'], { kernel_shape: [1, 1] }),
      node('Constant', [], ['channel_axis'], { value_ints: [1] }),
      node('Squeeze', ['depth4d', 'channel_axis'], ['depth32']),
      node('Cast', ['depth32'], ['predicted_depth'], { to: 10 }),
    ],
    initializers: [tensor('w', [1, 3, 1, 1], weights), tensor('b', [1], [bias])],
    inputs: [valueInfo('pixel_values', [1, 3, 'height', 'width'], 'float16')],
    outputs: [valueInfo('predicted_depth', [1, 'height', 'width'], 'float16')],
    producer: 'clipmorph-web depth stand-ins',
  });
}

export const DEPTH_STANDINS = {
  'depth-anything-standin.onnx': () =>
    linearDepth({
      inputName: 'pixel_values',
      outputName: 'predicted_depth',
      inputShape: [1, 3, 'height', 'width'],
      outputShape: [1, 'height', 'width'],
      ...DEPTH_ANYTHING_STANDIN,
    }),
  'midas-standin.onnx': () =>
    linearDepth({
      inputName: 'input',
      outputName: 'depth',
      inputShape: [1, 3, 256, 256],
      outputShape: [1, 256, 256],
      ...MIDAS_STANDIN,
    }),
  'depth-anything-baked518.onnx': () => baked518(),
  'depth-anything-fp16io.onnx': () => halfIo(),
};

/** Writes every depth stand-in into `outDir`; returns bytes and sha256 per file (for test manifests). */
export function makeDepthStandins(outDir) {
  return writeFiles(outDir, DEPTH_STANDINS);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = process.argv[2] ?? 'test-models';
  for (const [name, info] of Object.entries(makeDepthStandins(outDir))) console.log(`${path.join(outDir, name)}  ${info.bytes} B  sha256 ${info.sha256}`);
}
