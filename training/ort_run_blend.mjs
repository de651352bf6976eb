// Runs the blend (multi-style) ONNX model with onnxruntime-node on raw float32 files, for
// export_multistyle.py's checks (there is no Python onnxruntime on this machine).
// usage: node training/ort_run_blend.mjs THREADS model.onnx H W N_STYLES in.f32 weights.f32 out.f32 [in weights out ...]
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [threads, model, h, w, nStyles, ...triples] = process.argv.slice(2);
const floats = (file) => {
  const buf = readFileSync(file);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
};
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: Number(threads) });
for (let i = 0; i < triples.length; i += 3) {
  const input = new ort.Tensor('float32', floats(triples[i]), [1, 3, Number(h), Number(w)]);
  const style_weights = new ort.Tensor('float32', floats(triples[i + 1]), [1, Number(nStyles)]);
  const { output } = await session.run({ input, style_weights });
  writeFileSync(triples[i + 2], Buffer.from(output.data.buffer, output.data.byteOffset, output.data.byteLength));
}
