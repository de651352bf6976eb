/**
 * A minimal ONNX (protobuf) writer: enough to build small float32 graphs for tests without Python.
 * Field numbers follow onnx/onnx.proto3.
 */
const TEXT = new TextEncoder();

class Writer {
  parts = [];
  varint(value) {
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n;
    const bytes = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v > 0n);
    this.parts.push(Uint8Array.from(bytes));
    return this;
  }
  tag(field, wire) {
    return this.varint((field << 3) | wire);
  }
  int(field, value) {
    return this.tag(field, 0).varint(value);
  }
  float(field, value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.tag(field, 5).parts.push(b);
    return this;
  }
  bytes(field, data) {
    this.tag(field, 2).varint(data.byteLength).parts.push(data);
    return this;
  }
  string(field, text) {
    return this.bytes(field, TEXT.encode(text));
  }
  message(field, writer) {
    return this.bytes(field, writer.finish());
  }
  finish() {
    const total = this.parts.reduce((n, p) => n + p.byteLength, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.byteLength;
    }
    return out;
  }
}

const ELEM = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float16: 10 };

function attribute(name, value) {
  const w = new Writer().string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    return w.int(20, 7); // INTS
  }
  if (typeof value === 'string') return w.bytes(4, TEXT.encode(value)).int(20, 3); // STRING
  if (Number.isInteger(value)) return w.int(3, value).int(20, 2); // INT
  return w.float(2, value).int(20, 1); // FLOAT
}

/** node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }) */
export function node(opType, inputs, outputs, attributes = {}, name = `${opType}_${outputs[0]}`) {
  return { opType, inputs, outputs, attributes, name };
}

/** A float32 initializer. */
export function tensor(name, dims, values) {
  return { name, dims, values: Float32Array.from(values) };
}

/** shape entries: numbers are fixed, strings are symbolic (dynamic) axes. */
export function valueInfo(name, shape, dtype = 'float32') {
  return { name, shape, dtype };
}

function encodeValueInfo(info) {
  const shape = new Writer();
  for (const d of info.shape) {
    const dim = new Writer();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new Writer().int(1, ELEM[info.dtype]).message(2, shape);
  return new Writer().string(1, info.name).message(2, new Writer().message(1, tensorType));
}

export function encodeModel({ nodes, initializers, inputs, outputs, opset = 17, producer = 'clipmorph-web test models' }) {
  const graph = new Writer();
  for (const n of nodes) {
    const w = new Writer();
    for (const i of n.inputs) w.string(1, i);
    for (const o of n.outputs) w.string(2, o);
    w.string(3, n.name).string(4, n.opType);
    for (const [k, v] of Object.entries(n.attributes)) w.message(5, attribute(k, v));
    graph.message(1, w);
  }
  graph.string(2, 'main');
  for (const t of initializers) {
    const w = new Writer();
    for (const d of t.dims) w.int(1, d);
    w.int(2, ELEM.float32).string(8, t.name).bytes(9, new Uint8Array(t.values.buffer));
    graph.message(5, w);
  }
  for (const i of inputs) graph.message(11, encodeValueInfo(i));
  for (const o of outputs) graph.message(12, encodeValueInfo(o));
  return new Writer()
    .int(1, 8) // IR version 8 pairs with opset 17+
    .string(2, producer)
    .message(7, graph)
    .message(8, new Writer().string(1, '').int(2, opset))
    .finish();
}

/** Deterministic pseudo-random numbers (mulberry32) so generated models never change. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
