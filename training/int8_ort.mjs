// ONNX Runtime helpers for training/quantize_int8.py (there is no Python onnxruntime here).
//
//   node training/int8_ort.mjs dump MODEL H W IN.f32 OUT_PREFIX
//     onnxruntime-node, one thread: runs MODEL (whose extra graph outputs are the tensors to
//     calibrate) and writes every output as OUT_PREFIX.<index>.f32, in graph-output order.
//
//   node training/int8_ort.mjs native FP32 INT8 H W IN1.f32 OUT1 [IN2.f32 OUT2 ...]
//     onnxruntime-node, one thread: both models on each input (OUTn.fp32.f32, OUTn.int8.f32), for the
//     second check of the verdict (training/int8.test.ts runs the same).
//
//   node training/int8_ort.mjs bench FP32 INT8 REPS H W IN1.f32 OUT1 [IN2.f32 OUT2 ...]
//     onnxruntime-web's WASM backend (the build the app runs when WebGPU is missing), one thread,
//     graphOptimizationLevel 'all' like src/runtime/ort.ts. Runs the two models alternately (the
//     order flips each repetition so neither always runs on a warmer cache), after a warm-up run
//     of each, and prints JSON { fp32: [[ms per rep] per image], int8: [...] }. The
//     warm-up outputs go to OUTn.fp32.f32 and OUTn.int8.f32.
//
// STYLE_WEIGHTS=w0,w1,... in the environment adds a float32 [1,n] feed named STYLE_WEIGHTS_INPUT
// (default style_weights): the multi-style quality model's one-hot style row.
//
// Why one thread: onnxruntime-web's threaded WASM build cannot start in Node (it fetches its own
// script to spawn pthread workers, and Node's fetch has no file: URLs); the browser figures with
// the app's thread count come from `npm run bench -- --only int8`.
import { readFileSync, writeFileSync } from 'node:fs';

const [mode, ...rest] = process.argv.slice(2);

function readInput(file, h, w) {
  const buf = readFileSync(file);
  return { data: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), dims: [1, 3, Number(h), Number(w)] };
}

/** The style-weights feed of a multi-style model, when STYLE_WEIGHTS is set. */
function extraFeeds(ort) {
  const weights = process.env.STYLE_WEIGHTS;
  if (!weights) return {};
  const data = Float32Array.from(weights.split(',').map(Number));
  return { [process.env.STYLE_WEIGHTS_INPUT ?? 'style_weights']: new ort.Tensor('float32', data, [1, data.length]) };
}

function write(file, tensor) {
  const data = tensor.data;
  writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

if (mode === 'dump') {
  const { default: ort } = await import('onnxruntime-node');
  const [model, h, w, input, prefix] = rest;
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const x = readInput(input, h, w);
  const outputs = await session.run({ input: new ort.Tensor('float32', x.data, x.dims), ...extraFeeds(ort) });
  session.outputNames.forEach((name, i) => write(`${prefix}.${i}.f32`, outputs[name]));
} else if (mode === 'native') {
  // Its int8 kernels round differently from the WASM build's, so the verdict must hold here too.
  const { default: ort } = await import('onnxruntime-node');
  const [fp32File, int8File, h, w, ...pairs] = rest;
  for (const [name, file] of [['fp32', fp32File], ['int8', int8File]]) {
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
    for (let i = 0; i < pairs.length; i += 2) {
      const x = readInput(pairs[i], h, w);
      const { output } = await session.run({ input: new ort.Tensor('float32', x.data, x.dims), ...extraFeeds(ort) });
      write(`${pairs[i + 1]}.${name}.f32`, output);
    }
    await session.release();
  }
} else if (mode === 'bench') {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const [fp32File, int8File, reps, h, w, ...pairs] = rest;
  const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };
  const sessions = {
    fp32: await ort.InferenceSession.create(readFileSync(fp32File), options),
    int8: await ort.InferenceSession.create(readFileSync(int8File), options),
  };
  const times = { fp32: [], int8: [] };
  for (let i = 0; i < pairs.length; i += 2) {
    const x = readInput(pairs[i], h, w);
    const feeds = { input: new ort.Tensor('float32', x.data, x.dims), ...extraFeeds(ort) };
    times.fp32.push([]);
    times.int8.push([]);
    for (const name of ['fp32', 'int8']) {
      const { output } = await sessions[name].run(feeds);
      write(`${pairs[i + 1]}.${name}.f32`, output);
    }
    for (let rep = 0; rep < Number(reps); rep++) {
      for (const name of rep % 2 ? ['int8', 'fp32'] : ['fp32', 'int8']) {
        const start = performance.now();
        await sessions[name].run(feeds);
        times[name].at(-1).push(performance.now() - start);
      }
    }
  }
  console.log(JSON.stringify(times));
  process.exit(0); // the WASM runtime keeps the event loop alive
} else {
  console.error('usage: node training/int8_ort.mjs dump|native|bench ... (see the header comment)');
  process.exit(2);
}
