// Runs a style ONNX model with onnxruntime-node on raw float32 NCHW files, so the Python export can
// check its graphs against torch without a Python onnxruntime (there is none on this machine).
// usage: node training/ort_run.mjs THREADS model.onnx H W in1.f32 out1.f32 [in2.f32 out2.f32 ...]
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [threads, model, h, w, ...pairs] = process.argv.slice(2);
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: Number(threads) });
for (let i = 0; i < pairs.length; i += 2) {
  const buf = readFileSync(pairs[i]);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const input = new ort.Tensor('float32', data, [1, 3, Number(h), Number(w)]);
  const { output } = await session.run({ input });
  writeFileSync(pairs[i + 1], Buffer.from(output.data.buffer, output.data.byteOffset, output.data.byteLength));
}
