/** Sorted op types of an ONNX model's bytes, subgraphs included. */
export function opTypes(bytes: Uint8Array): string[];
