#!/usr/bin/env node
/**
 * Tiny stand-ins for Xenova/vit-gpt2-image-captioning with the REAL input/output names and layouts
 * (../shared/CATALOGUE.md), for tests: the real files are 87-768 MB and cannot be downloaded here.
 *   node scripts/make-caption-standins.mjs [outDir]   (default: test-models/caption/)
 *   node scripts/make-caption-standins.mjs --real-entry <dir> <40-hex commit>
 *     prints the models/manifest.json entry for the REAL Xenova/vit-gpt2-image-captioning from a
 *     local copy of that commit's files (bytes and sha256 measured here, never guessed).
 *
 * encoder_model.onnx: pixel_values float32 [b,3,224,224] -> last_hidden_state [b,197,768], every
 *   value the mean of the photo's normalised pixels.
 * decoder_model_merged.onnx: input_ids int64 [b,seq], encoder_hidden_states [b,197,768],
 *   past_key_values.{0..11}.key/.value [b,12,past,64], use_cache_branch bool [1] -> logits
 *   [b,seq,50257], present.{i}.key/.value [b,12,past+seq,64].
 * vocab.json / merges.txt: GPT-2 byte-level: the 256 byte tokens at GPT-2's ids 0-255, the caption
 *   words (ids from 300 up, invented), <|endoftext|> at 50256.
 *
 * What the decoder computes (so the token sequence is known):
 * - the photo's class from the mean of encoder_hidden_states: dark (< -1/3), mid, bright (> 1/3);
 *   above 0.9 (a white photo) every logit is NaN, to test the NaN stop;
 * - present = concat(past, new) on the time axis, past zeroed when use_cache_branch is false. The
 *   new key/value of layer i has a 1 in its own channel (2i for keys, 2i+1 for values) and the token
 *   id in channel 63, so a test can read the cache;
 * - the position of each input token is counted from the cache: min over all 24 present tensors of
 *   the running sum of their own channel. A past that is missing, stale, zeroed, or another layer's,
 *   counts short and gives a wrong position;
 * - the next token is CAPTIONS[class][position + 1] when the input token is CAPTIONS[class][position]
 *   (the start token 50256 at position 0), and " [cache-error]" otherwise; its logit is 10, every
 *   other 0. After the caption comes 50256.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { encodeModel, node, tensor, valueInfo } from './onnx-writer.mjs';
import { sha256, writeFiles } from './write-files.mjs';

export const LAYERS = 12;
export const HEADS = 12;
export const HEAD_DIM = 64;
export const HIDDEN = 768;
export const ENCODER_SEQ = 197;
export const VOCAB_SIZE = 50257;
export const END = 50256;
/** Longest position the decoder's table knows; later positions repeat the last entry (END). */
export const POSITIONS = 24;

/** byte -> character of GPT-2's byte alphabet (as src/features/caption/worker/bpe.ts). */
function bytesToUnicode() {
  const printable = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Array(256);
  for (const b of printable) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  return table;
}
const BYTE_CHARS = bytesToUnicode();
const asToken = (text) => [...new TextEncoder().encode(text)].map((b) => BYTE_CHARS[b]).join('');

/**
 * The captions, as token pieces: strings are UTF-8 text, arrays raw bytes. "é" (C3 A9) is split
 * into two single-byte tokens and "🐶" (F0 9F 90 B6) into three tokens, as GPT-2 splits them.
 */
const PIECES = [
  ['a', ' dog', ' on', ' the', ' grass'],
  ['a', ' cat', ' sitting', ' in', ' a', ' caf', [0xc3], [0xa9]],
  ['a', ' puppy', [0x20, 0xf0, 0x9f], [0x90], [0xb6], ' on', ' the', ' beach'],
];
/** The captions the stand-ins give for a dark, a mid-grey and a bright photo. */
export const CAPTIONS = ['a dog on the grass', 'a cat sitting in a café', 'a puppy 🐶 on the beach'];
export const ERROR_TOKEN_TEXT = ' [cache-error]';
/** Mean of the normalised pixels ((x/255-0.5)/0.5) that separates the classes, and the NaN threshold. */
export const THRESHOLDS = { dark: -1 / 3, bright: 1 / 3, nan: 0.9 };
/** 8-bit grey levels that land in each class (for test photos): dark, mid, bright, NaN. */
export const GREY_LEVELS = { dark: 40, mid: 128, bright: 210, nan: 250 };

const pieceToken = (piece) => (Array.isArray(piece) ? piece.map((b) => BYTE_CHARS[b]).join('') : asToken(piece));

export function buildVocab() {
  const vocab = {};
  const chars = [...BYTE_CHARS.keys()].sort((a, b) => BYTE_CHARS[a].codePointAt(0) - BYTE_CHARS[b].codePointAt(0)).map((b) => BYTE_CHARS[b]);
  chars.forEach((ch, id) => (vocab[ch] = id));
  const merges = [];
  let next = 300;
  const add = (token) => {
    if (!(token in vocab)) vocab[token] = next++;
    return vocab[token];
  };
  const words = [...new Set([...PIECES.flatMap((pieces) => pieces.map(pieceToken)), asToken(ERROR_TOKEN_TEXT)])];
  for (const word of words) {
    const parts = [...word];
    let acc = parts[0];
    for (const ch of parts.slice(1)) {
      const merge = `${acc} ${ch}`;
      if (!merges.includes(merge)) merges.push(merge);
      acc += ch;
      add(acc);
    }
  }
  vocab['<|endoftext|>'] = END;
  return { vocab, merges: ['#version: 0.2', ...merges].join('\n') + '\n' };
}

/** Token ids of each caption (without start/end), and of the error token. */
export function captionIds() {
  const { vocab } = buildVocab();
  return {
    captions: PIECES.map((pieces) => pieces.map((p) => vocab[pieceToken(p)])),
    error: vocab[asToken(ERROR_TOKEN_TEXT)],
  };
}

export function encoderModel() {
  return encodeModel({
    nodes: [
      node('ReduceMean', ['pixel_values'], ['mean4'], { axes: [1, 2, 3], keepdims: 1 }),
      node('Constant', [], ['mean_shape'], { value_ints: [-1, 1, 1] }),
      node('Reshape', ['mean4', 'mean_shape'], ['mean3']),
      node('Constant', [], ['hidden_shape'], { value_ints: [1, ENCODER_SEQ, HIDDEN] }),
      node('Expand', ['mean3', 'hidden_shape'], ['last_hidden_state']),
    ],
    initializers: [],
    inputs: [valueInfo('pixel_values', ['batch_size', 3, 224, 224])],
    outputs: [valueInfo('last_hidden_state', ['batch_size', ENCODER_SEQ, HIDDEN])],
  });
}

export function decoderModel() {
  const { captions, error } = captionIds();
  const table = new Float32Array(captions.length * POSITIONS).fill(END);
  captions.forEach((ids, c) => ids.forEach((id, p) => (table[c * POSITIONS + p + 1] = id)));
  const nodes = [];
  const initializers = [
    tensor('zero', [], [0]),
    tensor('one', [], [1]),
    tensor('t_dark', [], [THRESHOLDS.dark]),
    tensor('t_bright', [], [THRESHOLDS.bright]),
    tensor('t_nan', [], [THRESHOLDS.nan]),
    tensor('positions', [], [POSITIONS]),
    tensor('last_position', [], [POSITIONS - 2]),
    tensor('error_token', [], [error]),
    tensor('table', [table.length], table),
    tensor('onehot_values', [2], [0, 10]),
  ];
  const c = (name, ints) => nodes.push(node('Constant', [], [name], Array.isArray(ints) ? { value_ints: ints } : { value_int: ints }));
  c('axes_1_3', [1, 3]);
  c('axes_1', [1]);
  c('axis_time', 2);
  c('shape_rows', [0, -1]);
  c('shape_b11', [-1, 1, 1]);
  c('big', [2 ** 53 - 1]);
  c('one_i', [1]);
  c('two_i', [2]);
  c('zero_i', [0]);
  c('depth', VOCAB_SIZE);
  // ids as floats, a [b,1,s,1] tensor of ones, the id placed in channel 63
  nodes.push(node('Cast', ['input_ids'], ['ids_f'], { to: 1 }));
  nodes.push(node('Mul', ['ids_f', 'zero'], ['zeros_bs']));
  nodes.push(node('Add', ['zeros_bs', 'one'], ['ones_bs']));
  nodes.push(node('Unsqueeze', ['ones_bs', 'axes_1_3'], ['ones4']));
  nodes.push(node('Unsqueeze', ['ids_f', 'axes_1_3'], ['ids4']));
  const channel = (j) => Float32Array.from({ length: HEAD_DIM }, (_, k) => (k === j ? 1 : 0));
  initializers.push(tensor('ch63', [1, 1, 1, HEAD_DIM], channel(63)));
  nodes.push(node('Mul', ['ids4', 'ch63'], ['id_part']));
  nodes.push(node('Cast', ['use_cache_branch'], ['ucb_f'], { to: 1 }));
  // -seq as a 1-D int64, to keep the last `seq` time steps
  nodes.push(node('Shape', ['input_ids'], ['ids_shape']));
  nodes.push(node('Slice', ['ids_shape', 'one_i', 'two_i', 'zero_i'], ['seq_len']));
  nodes.push(node('Neg', ['seq_len'], ['neg_seq']));
  const counts = [];
  for (let i = 0; i < LAYERS; i++) {
    for (const [k, kind] of ['key', 'value'].entries()) {
      const j = 2 * i + k;
      const past = `past_key_values.${i}.${kind}`;
      const present = `present.${i}.${kind}`;
      const fp = `fp_${j}`;
      initializers.push(tensor(fp, [1, HEADS, 1, HEAD_DIM], Float32Array.from({ length: HEADS * HEAD_DIM }, (_, x) => (x % HEAD_DIM === j ? 1 : 0))));
      nodes.push(node('Mul', ['ones4', fp], [`mark_${j}`]));
      nodes.push(node('Add', [`mark_${j}`, 'id_part'], [`new_${j}`]));
      nodes.push(node('Mul', [past, 'ucb_f'], [`past_eff_${j}`]));
      nodes.push(node('Concat', [`past_eff_${j}`, `new_${j}`], [present], { axis: 2 }));
      c(`ch_start_${j}`, [0, j]);
      c(`ch_end_${j}`, [1, j + 1]);
      nodes.push(node('Slice', [present, `ch_start_${j}`, `ch_end_${j}`, 'axes_1_3'], [`own_${j}`]));
      nodes.push(node('CumSum', [`own_${j}`, 'axis_time'], [`running_${j}`]));
      c(`time_axis_${j}`, [2]);
      nodes.push(node('Slice', [`running_${j}`, 'neg_seq', 'big', `time_axis_${j}`], [`tail_${j}`]));
      nodes.push(node('Reshape', [`tail_${j}`, 'shape_rows'], [`count_${j}`]));
      counts.push(`count_${j}`);
    }
  }
  nodes.push(node('Min', counts, ['count']));
  nodes.push(node('Sub', ['count', 'one'], ['pos']));
  // class of the photo from the encoder output's mean
  nodes.push(node('ReduceMean', ['encoder_hidden_states'], ['enc_mean'], { axes: [1, 2], keepdims: 0 }));
  nodes.push(node('Greater', ['enc_mean', 't_dark'], ['above_dark']));
  nodes.push(node('Greater', ['enc_mean', 't_bright'], ['above_bright']));
  nodes.push(node('Cast', ['above_dark'], ['above_dark_f'], { to: 1 }));
  nodes.push(node('Cast', ['above_bright'], ['above_bright_f'], { to: 1 }));
  nodes.push(node('Add', ['above_dark_f', 'above_bright_f'], ['klass']));
  nodes.push(node('Unsqueeze', ['klass', 'axes_1'], ['klass2']));
  // the token expected at this position, and the one after it
  nodes.push(node('Min', ['pos', 'last_position'], ['pos_c']));
  nodes.push(node('Mul', ['klass2', 'positions'], ['row_base']));
  nodes.push(node('Add', ['row_base', 'pos_c'], ['idx_cur_f']));
  nodes.push(node('Add', ['idx_cur_f', 'one'], ['idx_next_f']));
  nodes.push(node('Cast', ['idx_cur_f'], ['idx_cur'], { to: 7 }));
  nodes.push(node('Cast', ['idx_next_f'], ['idx_next'], { to: 7 }));
  nodes.push(node('Gather', ['table', 'idx_cur'], ['expected_cur']));
  nodes.push(node('Gather', ['table', 'idx_next'], ['expected_next']));
  nodes.push(node('Equal', ['ids_f', 'expected_cur'], ['on_track']));
  nodes.push(node('Where', ['on_track', 'expected_next', 'error_token'], ['next_f']));
  nodes.push(node('Cast', ['next_f'], ['next_id'], { to: 7 }));
  nodes.push(node('OneHot', ['next_id', 'depth', 'onehot_values'], ['scores'], { axis: -1 }));
  // NaN for a white photo: sqrt(-1) = NaN, sqrt(-0) = -0
  nodes.push(node('Greater', ['enc_mean', 't_nan'], ['too_bright']));
  nodes.push(node('Cast', ['too_bright'], ['too_bright_f'], { to: 1 }));
  nodes.push(node('Neg', ['too_bright_f'], ['minus_flag']));
  nodes.push(node('Sqrt', ['minus_flag'], ['nan_or_zero']));
  nodes.push(node('Reshape', ['nan_or_zero', 'shape_b11'], ['nan3']));
  nodes.push(node('Add', ['scores', 'nan3'], ['logits']));

  const pastShape = ['batch_size', HEADS, 'past_sequence_length', HEAD_DIM];
  const presentShape = ['batch_size', HEADS, 'past_sequence_length + sequence_length', HEAD_DIM];
  const inputs = [valueInfo('input_ids', ['batch_size', 'sequence_length'], 'int64'), valueInfo('encoder_hidden_states', ['batch_size', 'encoder_sequence_length', HIDDEN])];
  const outputs = [valueInfo('logits', ['batch_size', 'sequence_length', VOCAB_SIZE])];
  for (let i = 0; i < LAYERS; i++) {
    for (const kind of ['key', 'value']) {
      inputs.push(valueInfo(`past_key_values.${i}.${kind}`, pastShape));
      outputs.push(valueInfo(`present.${i}.${kind}`, presentShape));
    }
  }
  inputs.push(valueInfo('use_cache_branch', [1], 'bool'));
  return encodeModel({ nodes, initializers, inputs, outputs });
}

/** Files as the catalogue names them (onnx/ prefix for the graphs). */
export function captionStandinFiles() {
  const { vocab, merges } = buildVocab();
  const text = new TextEncoder();
  return {
    'onnx/encoder_model.onnx': encoderModel(),
    'onnx/decoder_model_merged.onnx': decoderModel(),
    'vocab.json': text.encode(JSON.stringify(vocab)),
    'merges.txt': text.encode(merges),
  };
}

export const CATALOGUE_REPO = 'clipmorph-test/tiny-vit-gpt2-standin';
/** Not a real commit of any repository: the pin the stand-in's URLs use. */
export const CATALOGUE_COMMIT = 'c0ffee0ddba11ca5cade5eedfacade0b0a7f00d2';
export const CATALOGUE_ID = 'tiny-vit-gpt2-standin';
const ROLES = { 'onnx/encoder_model.onnx': 'encoder', 'onnx/decoder_model_merged.onnx': 'decoder', 'vocab.json': 'vocab', 'merges.txt': 'merges' };

/**
 * The stand-ins as a catalogue model for the model manager (a manifest entry whose files sit at
 * Hugging Face URLs pinned to a made-up commit, served by the tests themselves), shaped as the real
 * Xenova/vit-gpt2-image-captioning entry will be: roles encoder / decoder / vocab / merges.
 */
export function captionCatalogueStandIn({ commit = CATALOGUE_COMMIT } = {}) {
  const files = Object.entries(captionStandinFiles()).map(([p, bytes]) => ({ path: p, role: ROLES[p], bytes: Buffer.from(bytes) }));
  const url = (p) => `https://huggingface.co/${CATALOGUE_REPO}/resolve/${commit}/${p}`;
  const entry = {
    id: CATALOGUE_ID,
    task: 'caption',
    title: 'Tiny ViT-GPT2 (test stand-in)',
    embedded: false,
    licence: 'Apache-2.0',
    licenceUrl: 'https://www.apache.org/licenses/LICENSE-2.0',
    licenceMustAccept: false,
    source: `https://huggingface.co/${CATALOGUE_REPO} (generated by scripts/make-caption-standins.mjs, not on the hub)`,
    io: {
      inputs: [{ name: 'pixel_values', dtype: 'float32', layout: 'NCHW', shape: ['batch_size', 3, 224, 224] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch_size', 'sequence_length', VOCAB_SIZE] }],
    },
    variants: [{ name: 'fp32', files: files.map((f) => ({ path: f.path, role: f.role, url: url(f.path), bytes: f.bytes.byteLength, sha256: sha256(f.bytes) })) }],
    preferred: { webgpu: 'fp32', wasm: 'fp32' },
  };
  return { files, entry, urls: Object.fromEntries(files.map((f) => [url(f.path), f.bytes])) };
}

/** Writes the stand-ins under outDir; returns each file's size and sha256 (for a test manifest). */
export function makeCaptionStandins(outDir) {
  return writeFiles(outDir, captionStandinFiles());
}

export const REAL_REPO = 'Xenova/vit-gpt2-image-captioning';
/** Variant -> its two graphs (CATALOGUE.md); every variant also needs vocab.json and merges.txt. */
export const REAL_VARIANTS = {
  quantized: ['onnx/encoder_model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx'],
  fp16: ['onnx/encoder_model_fp16.onnx', 'onnx/decoder_model_merged_fp16.onnx'],
  fp32: ['onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx'],
};

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
 * out as the repository: onnx/…, vocab.json, merges.txt). Quantized on WASM, fp16 on WebGPU with
 * shader-f16 (the app falls back to fp32 without it), as issue 14 asks.
 */
export async function realCatalogueEntry(dir, commit) {
  if (!/^[0-9a-f]{40}$/.test(commit ?? '')) throw new Error(`the commit must be the 40-hex sha of the hub commit the files came from, got ${commit}`);
  const paths = [...new Set([...Object.values(REAL_VARIANTS).flat(), 'vocab.json', 'merges.txt'])];
  const missing = paths.filter((p) => !existsSync(path.join(dir, p)));
  if (missing.length) throw new Error(`missing in ${dir}: ${missing.join(', ')}`);
  const info = {};
  for (const p of paths) info[p] = { bytes: statSync(path.join(dir, p)).size, sha256: await sha256OfFile(path.join(dir, p)) };
  const file = (p, role) => ({ path: p, role, url: `https://huggingface.co/${REAL_REPO}/resolve/${commit}/${p}`, ...info[p] });
  return {
    id: 'vit-gpt2-image-captioning',
    task: 'caption',
    title: 'ViT-GPT2 image captioning',
    embedded: false,
    licence: 'Apache-2.0',
    licenceUrl: 'https://www.apache.org/licenses/LICENSE-2.0',
    licenceMustAccept: false,
    source: `https://huggingface.co/${REAL_REPO} (ONNX export of https://huggingface.co/nlpconnect/vit-gpt2-image-captioning)`,
    io: {
      inputs: [{ name: 'pixel_values', dtype: 'float32', layout: 'NCHW', shape: ['batch_size', 3, 224, 224], range: [-1, 1] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch_size', 'sequence_length', VOCAB_SIZE] }],
    },
    variants: Object.entries(REAL_VARIANTS).map(([name, [encoder, decoder]]) => ({
      name,
      files: [file(encoder, 'encoder'), file(decoder, 'decoder'), file('vocab.json', 'vocab'), file('merges.txt', 'merges')],
    })),
    preferred: { wasm: 'quantized', webgpu: 'fp16' },
  };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--real-entry') {
  console.log(JSON.stringify(await realCatalogueEntry(path.resolve(process.argv[3] ?? '.'), process.argv[4]), null, 2));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = path.resolve(process.argv[2] ?? 'test-models/caption');
  for (const [name, { bytes, sha256 }] of Object.entries(makeCaptionStandins(outDir))) console.log(`${name}  ${bytes} B  sha256 ${sha256}`);
}
