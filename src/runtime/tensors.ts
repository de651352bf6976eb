/**
 * Typed tensors as they cross the runtime's boundary: plain, structured-cloneable data, so a task can
 * build them in a worker, keep them, or send them to the page. Every element type the coming models
 * need is here: float32 images, float16 I/O of fp16 graphs, int64 token ids and timesteps, int32 CLIP
 * ids, bool flags (the merged decoder's `use_cache_branch`), uint8 images.
 */
export type TensorType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8';

export interface TensorDataOf {
  float32: Float32Array;
  /** IEEE half floats as their 16-bit patterns (what ORT-web takes where Float16Array is missing). */
  float16: Uint16Array;
  int64: BigInt64Array;
  int32: Int32Array;
  /** One byte per element, 0 or 1. */
  bool: Uint8Array;
  uint8: Uint8Array;
}

export type TensorData = TensorDataOf[TensorType];

export interface HostTensor<T extends TensorType = TensorType> {
  type: T;
  dims: readonly number[];
  data: TensorDataOf[T];
}

/** Where a run leaves an output: copied to the CPU, or left in a GPU buffer for the next GPU step. */
export type OutputLocation = 'cpu' | 'gpu-buffer';

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

function check<T extends TensorType>(type: T, data: TensorDataOf[T], dims: readonly number[]): HostTensor<T> {
  if (!dims.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`tensor dims must be whole numbers >= 0, got [${dims.join(',')}]`);
  const expected = elementCount(dims);
  if (data.length !== expected) throw new Error(`a ${type} tensor of dims [${dims.join(',')}] needs ${expected} values, got ${data.length}`);
  return { type, dims: [...dims], data };
}

export function float32(data: Float32Array | readonly number[], dims: readonly number[]): HostTensor<'float32'> {
  return check('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
}

/** From float32 values, converted to half precision (round to nearest even). */
export function float16(data: Float32Array | readonly number[], dims: readonly number[]): HostTensor<'float16'> {
  const source = data instanceof Float32Array ? data : Float32Array.from(data);
  return check('float16', toHalfBits(source), dims);
}

export function int64(data: BigInt64Array | readonly (number | bigint)[], dims: readonly number[]): HostTensor<'int64'> {
  return check('int64', data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v)), dims);
}

export function int32(data: Int32Array | readonly number[], dims: readonly number[]): HostTensor<'int32'> {
  return check('int32', data instanceof Int32Array ? data : Int32Array.from(data), dims);
}

export function bool(data: Uint8Array | readonly boolean[], dims: readonly number[]): HostTensor<'bool'> {
  return check('bool', data instanceof Uint8Array ? data : Uint8Array.from(data, (v) => (v ? 1 : 0)), dims);
}

export function uint8(data: Uint8Array | readonly number[], dims: readonly number[]): HostTensor<'uint8'> {
  return check('uint8', data instanceof Uint8Array ? data : Uint8Array.from(data), dims);
}

/** An all-zero tensor of any type: e.g. the zero-length past key/values of a decoder's first step. */
export function zeros<T extends TensorType>(type: T, dims: readonly number[]): HostTensor<T> {
  const n = elementCount(dims);
  const make: { [K in TensorType]: (n: number) => TensorDataOf[K] } = {
    float32: (k) => new Float32Array(k),
    float16: (k) => new Uint16Array(k),
    int64: (k) => new BigInt64Array(k),
    int32: (k) => new Int32Array(k),
    bool: (k) => new Uint8Array(k),
    uint8: (k) => new Uint8Array(k),
  };
  return check(type, make[type](n) as TensorDataOf[T], dims);
}

/** Values of a float tensor as float32 (float16 widened), for code that only wants numbers. */
export function toFloat32(tensor: HostTensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return fromHalfBits(tensor.data as Uint16Array);
  throw new Error(`expected a float tensor, got ${tensor.type}`);
}

const scratch = new DataView(new ArrayBuffer(4));

export function toHalfBits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = halfBits(values[i]);
  return out;
}

function halfBits(value: number): number {
  scratch.setFloat32(0, value);
  const x = scratch.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> signed zero
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = sign | (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent: still right
  return half;
}

export function fromHalfBits(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    out[i] =
      exponent === 0
        ? sign * mantissa * 2 ** -24
        : exponent === 0x1f
          ? mantissa
            ? NaN
            : sign * Infinity
          : sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}
