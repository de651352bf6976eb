/**
 * The op types of an ONNX file, read straight from its protobuf (no runtime needed): the graph's
 * nodes and every subgraph's (If/Loop branches). Field numbers follow onnx/onnx.proto3:
 * ModelProto.graph = 7, GraphProto.node = 1, NodeProto.op_type = 4, NodeProto.attribute = 5,
 * AttributeProto.g = 6, AttributeProto.graphs = 11.
 */
const TEXT = new TextDecoder();

/** [field, wire type, value] for each field of one message: value is the bytes for LEN fields. */
function* fields(bytes) {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) throw new Error('truncated protobuf varint');
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) yield [field, wire, varint()];
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint();
      if (at + length > bytes.length) throw new Error('truncated protobuf field');
      yield [field, wire, bytes.subarray(at, at + length)];
      at += length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}

function graphOps(graph, ops) {
  for (const [field, wire, node] of fields(graph)) {
    if (field !== 1 || wire !== 2) continue;
    for (const [f, w, value] of fields(node)) {
      if (f === 4 && w === 2) ops.add(TEXT.decode(value));
      if (f === 5 && w === 2) for (const [af, aw, sub] of fields(value)) if ((af === 6 || af === 11) && aw === 2) graphOps(sub, ops);
    }
  }
}

/** Sorted op types of an ONNX model's bytes. */
export function opTypes(bytes) {
  const ops = new Set();
  for (const [field, wire, graph] of fields(bytes)) if (field === 7 && wire === 2) graphOps(graph, ops);
  return [...ops].sort();
}
