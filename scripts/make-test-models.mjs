#!/usr/bin/env node
/**
 * Writes tiny deterministic ONNX models that follow the same I/O contracts as the real ones
 * (models/README.md), for tests only: they never appear in the app's gallery.
 *   node scripts/make-test-models.mjs [outDir]   (default: test-models/)
 */
import path from 'node:path';
import { encodeModel, node, seededRandom, tensor, valueInfo } from './onnx-writer.mjs';
import { writeFiles } from './write-files.mjs';

function weights(count, seed, scale) {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => (random() * 2 - 1) * scale);
}

/** Style contract: input [1,3,H,W] in [0,1] -> conv3x3 -> relu -> instance norm -> conv1x1 -> sigmoid. */
function tinyStyle({ inputName = 'input', outputName = 'output', seed = 0 } = {}) {
  const hidden = 8;
  return encodeModel({
    nodes: [
      node('Conv', [inputName, 'w1', 'b1'], ['h1'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
      node('Relu', ['h1'], ['h2']),
      node('InstanceNormalization', ['h2', 'gamma', 'beta'], ['h3'], { epsilon: 1e-5 }),
      node('Conv', ['h3', 'w2', 'b2'], ['h4'], { kernel_shape: [1, 1] }),
      node('Sigmoid', ['h4'], [outputName]),
    ],
    initializers: [
      tensor('w1', [hidden, 3, 3, 3], weights(hidden * 27, seed + 1, 0.5)),
      tensor('b1', [hidden], weights(hidden, seed + 2, 0.1)),
      tensor('gamma', [hidden], weights(hidden, seed + 3, 0.5).map((v) => 1 + v)),
      tensor('beta', [hidden], weights(hidden, seed + 4, 0.2)),
      tensor('w2', [3, hidden, 1, 1], weights(3 * hidden, seed + 5, 0.8)),
      tensor('b2', [3], weights(3, seed + 6, 0.1)),
    ],
    inputs: [valueInfo(inputName, [1, 3, 'H', 'W'])],
    outputs: [valueInfo(outputName, [1, 3, 'H', 'W'])],
  });
}

export const TEST_MODELS = {
  'tiny-style.onnx': () => tinyStyle(),
  // The same contract with other weights: a second dropped model must run as itself, not as the first.
  'tiny-style-b.onnx': () => tinyStyle({ seed: 100 }),
  // Same graph with other tensor names: a model that breaks the style contract.
  'wrong-contract.onnx': () => tinyStyle({ inputName: 'pixels', outputName: 'logits' }),
};

export function makeTestModels(outDir) {
  return writeFiles(outDir, TEST_MODELS);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = path.resolve(process.argv[2] ?? 'test-models');
  const written = makeTestModels(outDir);
  for (const [name, info] of Object.entries(written)) console.log(`${path.join(outDir, name)}  ${info.bytes} B  ${info.sha256}`);
}
