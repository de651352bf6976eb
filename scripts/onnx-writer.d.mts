export interface NodeSpec { opType: string; inputs: string[]; outputs: string[]; attributes: Record<string, unknown>; name: string }
export interface TensorSpec { name: string; dims: number[]; values: Float32Array }
/** Element types the writer knows (ONNX TensorProto data types). */
export type ValueType = 'float32' | 'uint8' | 'int32' | 'int64' | 'bool' | 'float16';
export interface ValueInfoSpec { name: string; shape: Array<number | string>; dtype: ValueType }
export function node(opType: string, inputs: string[], outputs: string[], attributes?: Record<string, number | number[] | string>, name?: string): NodeSpec;
export function tensor(name: string, dims: number[], values: ArrayLike<number>): TensorSpec;
export function valueInfo(name: string, shape: Array<number | string>, dtype?: ValueType): ValueInfoSpec;
export function encodeModel(spec: { nodes: NodeSpec[]; initializers: TensorSpec[]; inputs: ValueInfoSpec[]; outputs: ValueInfoSpec[]; opset?: number; producer?: string }): Uint8Array;
export function seededRandom(seed: number): () => number;
