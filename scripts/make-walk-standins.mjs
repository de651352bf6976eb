#!/usr/bin/env node
/**
 * Tiny stand-ins for the three SD-Turbo graphs of `schmuell/sd-turbo-ort-web`, with exactly the I/O
 * ../shared/CATALOGUE.md gives (names, element types, layouts, the real repo's file paths) and a
 * simple known function each, so a test can compute every expected value (`reference` below does
 * it in plain JavaScript):
 *
 * - `text_encoder/model.onnx`: `input_ids` int32 [batch_size, sequence_length] ->
 *   `last_hidden_state` float32 [batch_size, sequence_length, 1024];
 *   h[s,k] = sin(id[s] · ID_SCALE · a[k] + b[k]) − sin(b[k]) (0 for the pad id 0, so the prompt's
 *   tokens, not the padding, make the difference between two prompts) + positions()[s,k], a part
 *   all prompts share (see `positions`). The sequence is 77 long, as the app always feeds it.
 * - `unet/model.onnx`: `sample` [batch_size,4,64,64], `timestep` int64 [1],
 *   `encoder_hidden_states` [batch_size, sequence_length, 1024] -> `out_sample` [batch_size,4,64,64];
 *   ε = EPS_GAIN · (timestep/999) · sample + TEXT_GAIN · (mean over tokens of h) · P (P: 1024x4),
 *   added to every pixel of its channel. With the turbo step x0 = x − σ·ε, most of the noise
 *   cancels and the prompt sets each channel's level, so an image follows its prompt.
 * - `vae_decoder/model.onnx`: `latent_sample` [batch_size,4,64,64] -> `sample` [batch_size,3,512,512];
 *   v = tanh(W·latent + c) per latent pixel (1x1 conv 4 -> 3), each latent pixel an 8x8 block.
 * - `tokenizer/vocab.json`, `tokenizer/merges.txt`: a small vocabulary laid out as CLIP's (256 byte
 *   characters, the same with `</w>`, one token per merge, `<|startoftext|>`, `<|endoftext|>`).
 *
 *   node scripts/make-walk-standins.mjs [outDir]   (default: test-models/sd-turbo-standin/)
 *   node scripts/make-walk-standins.mjs --real-entry <dir> <40-hex commit> [licence URL]
 *     prints the models/manifest.json entry for the REAL schmuell/sd-turbo-ort-web from a local copy
 *     of that commit's files (bytes and sha256 measured here, never guessed).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { encodeModel, node, seededRandom, tensor, valueInfo } from './onnx-writer.mjs';
import { sha256, writeFiles } from './write-files.mjs';

export const HIDDEN = 1024;
export const LATENT = { channels: 4, height: 64, width: 64 };
export const IMAGE = { channels: 3, height: 512, width: 512 };
export const ID_SCALE = 1 / 64;
export const EPS_GAIN = 0.99;
export const TEXT_GAIN = 0.1;

/** The stand-ins' weights, from fixed seeds: the same on every run. */
export function weights() {
  const rand = seededRandom(1515);
  const a = Array.from({ length: HIDDEN }, () => 0.2 + 1.8 * rand());
  const b = Array.from({ length: HIDDEN }, () => 2 * Math.PI * rand());
  // P: 1024 x 4, row-major, entries ±1/√1024·4 so a pooled difference of O(0.1) moves a channel by O(1)
  const p = Array.from({ length: HIDDEN * LATENT.channels }, () => (rand() < 0.5 ? -1 : 1) * (4 / Math.sqrt(HIDDEN)));
  // W: 3 x 4 (out, in), c: 3. Small, so tanh stays mostly linear over the latents a walk makes.
  const w = [0.12, 0.04, -0.06, 0.02, -0.04, 0.1, 0.04, -0.02, 0.02, -0.06, 0.12, 0.04];
  const c = [0.1, -0.05, 0.0];
  return { a, b, p, w, c };
}

const ints = (name, values) => node('Constant', [], [name], { value_ints: values });

/**
 * A part every prompt shares, as CLIP's hidden states have (position embeddings, the start token):
 * ±c[k] alternating over the 77 positions, 0 at the last, so its mean over tokens is 0 and the
 * UNet's pooled input does not see it, but two prompts' embeddings are at a realistic, moderate
 * angle (~0.3 rad here) instead of nearly orthogonal.
 */
export function positions() {
  const rand = seededRandom(7777);
  const c = Array.from({ length: HIDDEN }, () => 0.5 + rand());
  const out = new Float32Array(77 * HIDDEN);
  for (let s = 0; s < 76; s++) for (let k = 0; k < HIDDEN; k++) out[s * HIDDEN + k] = (s % 2 === 0 ? 1 : -1) * c[k];
  return out;
}

export function textEncoderModel() {
  const { a, b } = weights();
  return encodeModel({
    nodes: [
      node('Cast', ['input_ids'], ['ids_float'], { to: 1 }),
      ints('last_axis', [2]),
      node('Unsqueeze', ['ids_float', 'last_axis'], ['ids_column']), // [b, s, 1]
      node('Mul', ['ids_column', 'a_scaled'], ['phase']), // [b, s, 1024]
      node('Add', ['phase', 'b'], ['angle']),
      node('Sin', ['angle'], ['wave']),
      node('Sub', ['wave', 'sin_b'], ['token_part']),
      node('Add', ['token_part', 'positions'], ['last_hidden_state']),
    ],
    initializers: [
      tensor('positions', [1, 77, HIDDEN], positions()),
      tensor('a_scaled', [1, 1, HIDDEN], a.map((v) => v * ID_SCALE)),
      tensor('b', [1, 1, HIDDEN], b),
      tensor('sin_b', [1, 1, HIDDEN], b.map(Math.sin)),
    ],
    inputs: [valueInfo('input_ids', ['batch_size', 'sequence_length'], 'int32')],
    outputs: [valueInfo('last_hidden_state', ['batch_size', 'sequence_length', HIDDEN])],
    producer: 'clipmorph-web sd-turbo stand-ins',
  });
}

export function unetModel() {
  const { p } = weights();
  return encodeModel({
    nodes: [
      node('Cast', ['timestep'], ['t_float'], { to: 1 }),
      node('Mul', ['t_float', 'eps_gain_per_999'], ['t_gain']), // [1]
      node('Mul', ['sample', 't_gain'], ['noise_part']),
      node('ReduceMean', ['encoder_hidden_states'], ['pooled'], { axes: [1], keepdims: 0 }), // [b, 1024]
      node('MatMul', ['pooled', 'p'], ['levels']), // [b, 4]
      ints('level_shape', [-1, LATENT.channels, 1, 1]),
      node('Reshape', ['levels', 'level_shape'], ['levels4d']),
      node('Mul', ['levels4d', 'text_gain'], ['text_part']),
      node('Add', ['noise_part', 'text_part'], ['out_sample']),
    ],
    initializers: [tensor('eps_gain_per_999', [1], [EPS_GAIN / 999]), tensor('p', [HIDDEN, LATENT.channels], p), tensor('text_gain', [1], [TEXT_GAIN])],
    inputs: [
      valueInfo('sample', ['batch_size', 'num_channels', 'height', 'width']),
      valueInfo('timestep', [1], 'int64'),
      valueInfo('encoder_hidden_states', ['batch_size', 'sequence_length', HIDDEN]),
    ],
    outputs: [valueInfo('out_sample', ['batch_size', 'num_channels', 'height', 'width'])],
    producer: 'clipmorph-web sd-turbo stand-ins',
  });
}

export function vaeDecoderModel() {
  const { w, c } = weights();
  return encodeModel({
    nodes: [
      node('Conv', ['latent_sample', 'w', 'c'], ['rgb_small'], { kernel_shape: [1, 1] }),
      node('Tanh', ['rgb_small'], ['rgb_tanh']),
      node('Resize', ['rgb_tanh', '', 'scales'], ['sample'], { mode: 'nearest' }),
    ],
    initializers: [tensor('w', [IMAGE.channels, LATENT.channels, 1, 1], w), tensor('c', [IMAGE.channels], c), tensor('scales', [4], [1, 1, 8, 8])],
    inputs: [valueInfo('latent_sample', ['batch_size', 'num_channels_latent', 'height_latent', 'width_latent'])],
    outputs: [valueInfo('sample', ['batch_size', 'num_channels', 'height', 'width'])],
    producer: 'clipmorph-web sd-turbo stand-ins',
  });
}

/** The 256 byte characters in CLIP's vocabulary order (printable bytes first), as bytes_to_unicode. */
function byteTokens() {
  const keep = (x) => (x >= 0x21 && x <= 0x7e) || (x >= 0xa1 && x <= 0xac) || (x >= 0xae && x <= 0xff);
  const first = [];
  const rest = [];
  let n = 0;
  for (let x = 0; x < 256; x++) {
    if (keep(x)) first.push(String.fromCodePoint(x));
    else rest.push(String.fromCodePoint(256 + n++));
  }
  return [...first, ...rest];
}

/** Merges for a few whole words (so test prompts become short id lists), in rank order. */
const WORDS = ['cat', 'dog', 'red', 'blue', 'photo', 'of', 'a', 'the', 'sunset', 'forest'];
function wordMerges() {
  const merges = [];
  const seen = new Set();
  for (const word of WORDS) {
    let symbols = [...word.slice(0, -1), `${word.at(-1)}</w>`];
    while (symbols.length > 1) {
      const pair = [symbols[0], symbols[1]];
      const key = pair.join(' ');
      if (!seen.has(key)) {
        seen.add(key);
        merges.push(pair);
      }
      symbols = [pair[0] + pair[1], ...symbols.slice(2)];
    }
  }
  return merges;
}

/** CLIP-layout tokenizer files: vocab.json (token -> id) and merges.txt (with its #version line). */
export function tokenizerFiles() {
  const bytes = byteTokens();
  const merges = wordMerges();
  const tokens = [...bytes, ...bytes.map((t) => `${t}</w>`), ...merges.map(([x, y]) => x + y), '<|startoftext|>', '<|endoftext|>'];
  const vocab = Object.fromEntries(tokens.map((t, i) => [t, i]));
  return { vocab, merges: `#version: 0.2\n${merges.map((m) => m.join(' ')).join('\n')}\n` };
}

/** The three graphs' functions in plain JavaScript (float64), for expected values in tests. */
export const reference = {
  textEncoder(ids) {
    const { a, b } = weights();
    const out = new Float32Array(ids.length * HIDDEN);
    const shared = positions();
    ids.forEach((id, s) => {
      for (let k = 0; k < HIDDEN; k++) out[s * HIDDEN + k] = Math.sin(id * ID_SCALE * a[k] + b[k]) - Math.sin(b[k]) + shared[s * HIDDEN + k];
    });
    return out;
  },
  unet(sample, timestep, hidden) {
    const { p } = weights();
    const tokens = hidden.length / HIDDEN;
    const plane = LATENT.height * LATENT.width;
    const levels = new Float64Array(LATENT.channels);
    for (let k = 0; k < HIDDEN; k++) {
      let mean = 0;
      for (let s = 0; s < tokens; s++) mean += hidden[s * HIDDEN + k];
      mean /= tokens;
      for (let ch = 0; ch < LATENT.channels; ch++) levels[ch] += mean * p[k * LATENT.channels + ch];
    }
    const gain = (EPS_GAIN * Number(timestep)) / 999;
    return sample.map((v, i) => gain * v + TEXT_GAIN * levels[Math.floor(i / plane)]);
  },
  vaeDecoder(latent) {
    const { w, c } = weights();
    const plane = LATENT.height * LATENT.width;
    const out = new Float32Array(IMAGE.channels * IMAGE.height * IMAGE.width);
    for (let o = 0; o < IMAGE.channels; o++) {
      for (let y = 0; y < IMAGE.height; y++) {
        for (let x = 0; x < IMAGE.width; x++) {
          const li = Math.floor(y / 8) * LATENT.width + Math.floor(x / 8);
          let v = c[o];
          for (let i = 0; i < LATENT.channels; i++) v += w[o * LATENT.channels + i] * latent[i * plane + li];
          out[o * IMAGE.height * IMAGE.width + y * IMAGE.width + x] = Math.tanh(v);
        }
      }
    }
    return out;
  },
};

/** Every stand-in file under the real repo's paths. */
export function walkStandinFiles() {
  const { vocab, merges } = tokenizerFiles();
  return {
    'text_encoder/model.onnx': textEncoderModel(),
    'unet/model.onnx': unetModel(),
    'vae_decoder/model.onnx': vaeDecoderModel(),
    'tokenizer/vocab.json': new TextEncoder().encode(JSON.stringify(vocab)),
    'tokenizer/merges.txt': new TextEncoder().encode(merges),
  };
}

/** Writes every stand-in file under `outDir`; returns bytes and sha256 per path (for test manifests). */
export function makeWalkStandins(outDir) {
  return writeFiles(outDir, walkStandinFiles());
}

export const REAL_REPO = 'schmuell/sd-turbo-ort-web';
/** The repo's files by role (../shared/CATALOGUE.md's table). */
export const REAL_FILES = {
  'text_encoder/model.onnx': 'text-encoder',
  'unet/model.onnx': 'unet',
  'vae_decoder/model.onnx': 'vae-decoder',
  'tokenizer/vocab.json': 'vocab',
  'tokenizer/merges.txt': 'merges',
};
/**
 * CATALOGUE.md names the licence (Stability AI Non-Commercial Research Community) but gives no URL:
 * this default is SD-Turbo's own licence file on the hub, not checked from here. Pass the URL the
 * repo at that commit points to when writing the real entry.
 */
export const REAL_LICENCE_URL = 'https://huggingface.co/stabilityai/sd-turbo/blob/main/LICENSE.md';

/** Where the specs' local hub serves the stand-ins: a made-up repo and commit, never on the hub. */
export const STANDIN_REPO = 'clipmorph-test/sd-turbo-ort-web-standin';
export const STANDIN_COMMIT = '5d7b05d7b05d7b05d7b05d7b05d7b05d7b05d7b0';

/**
 * The stand-ins as a catalogue entry at pinned huggingface.co URLs, with the real graphs' roles,
 * names and layouts, for the specs that serve them from a local hub. `urls` maps each URL to its bytes.
 */
export function walkCatalogueStandIn({ id = 'sd-turbo-standin', variant = 'fp32', title = 'SD-Turbo (test stand-in)', repo = STANDIN_REPO, commit = STANDIN_COMMIT } = {}) {
  const files = walkStandinFiles();
  const prefix = `/${repo}/resolve/${commit}/`;
  const list = Object.entries(REAL_FILES).map(([p, role]) => ({
    path: p,
    role,
    url: `https://huggingface.co${prefix}${p}`,
    bytes: files[p].byteLength,
    sha256: sha256(files[p]),
  }));
  const entry = {
    id,
    task: 'walk',
    title,
    embedded: false,
    licence: 'Stability AI Non-Commercial Research Community License',
    licenceUrl: REAL_LICENCE_URL,
    licenceMustAccept: true,
    source: `https://huggingface.co/${repo} (generated by scripts/make-walk-standins.mjs, not on the hub)`,
    io: {
      inputs: [{ name: 'input_ids', dtype: 'int32', shape: [1, 77] }],
      outputs: [{ name: 'sample', dtype: 'float32', layout: 'NCHW', shape: [1, 3, 512, 512] }],
    },
    variants: [{ name: variant, files: list }],
    preferred: { webgpu: variant, wasm: variant },
  };
  return { entry, files, prefix, urls: Object.fromEntries(list.map((f) => [f.url, files[f.path]])) };
}

function sha256OfFile(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * The manifest entry of the real model from a local copy of its files at `commit` (a directory laid
 * out as the repository). External-data files beside a graph (`model.onnx_data`, `model.onnx.data`)
 * come along with role `external-data`. One variant, `fp16`: the weights are half precision, so the
 * walk asks for WebGPU with shader-f16 before any download.
 */
export async function realWalkEntry(dir, commit, licenceUrl = REAL_LICENCE_URL) {
  if (!/^[0-9a-f]{40}$/.test(commit ?? '')) throw new Error(`the commit must be the 40-hex sha of the hub commit the files came from, got ${commit}`);
  const missing = Object.keys(REAL_FILES).filter((p) => !existsSync(path.join(dir, p)));
  if (missing.length) throw new Error(`missing in ${dir}: ${missing.join(', ')}`);
  const entries = Object.entries(REAL_FILES);
  for (const graph of Object.keys(REAL_FILES).filter((p) => p.endsWith('.onnx'))) {
    const folder = path.dirname(graph);
    for (const name of readdirSync(path.join(dir, folder)).sort()) {
      if (name.startsWith(`${path.basename(graph)}_data`) || name.startsWith(`${path.basename(graph)}.data`)) entries.push([`${folder}/${name}`, 'external-data']);
    }
  }
  const files = [];
  for (const [p, role] of entries) {
    files.push({ path: p, role, url: `https://huggingface.co/${REAL_REPO}/resolve/${commit}/${p}`, bytes: statSync(path.join(dir, p)).size, sha256: await sha256OfFile(path.join(dir, p)) });
  }
  return {
    id: 'sd-turbo',
    task: 'walk',
    title: 'SD-Turbo (one-step text to image)',
    embedded: false,
    licence: 'Stability AI Non-Commercial Research Community License',
    licenceUrl,
    licenceMustAccept: true,
    source: `https://huggingface.co/${REAL_REPO} (ORT-web export of https://huggingface.co/stabilityai/sd-turbo)`,
    io: {
      inputs: [{ name: 'input_ids', dtype: 'int32', shape: [1, 77] }],
      outputs: [{ name: 'sample', dtype: 'float32', layout: 'NCHW', shape: [1, IMAGE.channels, IMAGE.height, IMAGE.width], range: [-1, 1] }],
    },
    variants: [{ name: 'fp16', files }],
    preferred: { webgpu: 'fp16', wasm: 'fp16' },
  };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--real-entry') {
  console.log(JSON.stringify(await realWalkEntry(path.resolve(process.argv[3] ?? '.'), process.argv[4], process.argv[5]), null, 2));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = process.argv[2] ?? 'test-models/sd-turbo-standin';
  for (const [name, info] of Object.entries(makeWalkStandins(outDir))) console.log(`${path.join(outDir, name)}  ${info.bytes} B  sha256 ${info.sha256}`);
}
