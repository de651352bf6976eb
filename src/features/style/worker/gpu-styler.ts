/**
 * WebGPU route for video frames: decoded VideoFrame -> texture on ORT's device -> compute pass
 * writing the model's planar float input into a GPU buffer -> ORT on the same device (gpu-buffer in and out)
 * -> compute pass blending with the original and packing RGBA -> one readback of what the encoder
 * needs. With a hardware decoder nothing between decoder and model touches the CPU; a software
 * decoder's frames are uploaded once. Frames larger than one tile take the CPU route, which tiles.
 */
import type { Rgba } from '../../../lib/pixels';
import { MotionTracker } from '../../../media/motion';
import { STEADY } from '../../../media/steady';
import type { ModelEntry } from '../../../models/registry';
import type { ModelSession } from '../../../runtime/sessions';

/**
 * Samples the upright, resized frame (rotation 0-3 quarter turns clockwise) into planar RGB, and with
 * `grey` (for steady strokes' motion estimate, media/motion.ts) its mean of R, G and B.
 */
const PREPARE = /* wgsl */ `
struct Params { width: u32, height: u32, quarterTurns: u32, grey: u32 }
@group(0) @binding(0) var frame: texture_2d<f32>;
@group(0) @binding(1) var linear: sampler;
@group(0) @binding(2) var<storage, read_write> planar: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
@group(0) @binding(4) var<storage, read_write> grey: array<f32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.width || id.y >= params.height) { return; }
  let u = (f32(id.x) + 0.5) / f32(params.width);
  let v = (f32(id.y) + 0.5) / f32(params.height);
  var uv = vec2f(u, v);
  if (params.quarterTurns == 1u) { uv = vec2f(v, 1.0 - u); }
  if (params.quarterTurns == 2u) { uv = vec2f(1.0 - u, 1.0 - v); }
  if (params.quarterTurns == 3u) { uv = vec2f(1.0 - v, u); }
  let colour = textureSampleLevel(frame, linear, uv, 0.0);
  let i = id.y * params.width + id.x;
  let plane = params.width * params.height;
  planar[i] = colour.r;
  planar[plane + i] = colour.g;
  planar[2u * plane + i] = colour.b;
  if (params.grey != 0u) { grey[i] = (colour.r + colour.g + colour.b) / 3.0; }
}`;

/**
 * strength * stylised + (1 - strength) * original, packed as RGBA bytes (opaque). With `steady`
 * (flags bit 0) the stylised pixel first keeps part of the previous frame's where the input around it
 * did not change (media/steady.ts, the same rule and constants), the previous frame's input and
 * steadied output first moved by the camera's shift (dy, dx); bit 1: there is a previous frame. The
 * previous steadied output is read from one buffer and this frame's written to the other (a moved
 * read from the buffer being written would race).
 */
const COMPOSE = /* wgsl */ `
struct Params { width: u32, height: u32, strength: f32, flags: u32, dy: i32, dx: i32, pad0: u32, pad1: u32 }
@group(0) @binding(0) var<storage, read> original: array<f32>;
@group(0) @binding(1) var<storage, read> stylised: array<f32>;
@group(0) @binding(2) var<storage, read_write> rgba: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;
@group(0) @binding(4) var<storage, read> previousOriginal: array<f32>;
@group(0) @binding(5) var<storage, read> previousSteadied: array<f32>;
@group(0) @binding(6) var<storage, read_write> steadied: array<f32>;

/** Where pixel (x, y) was in the previous frame: moved back by the shift, clamped to the frame. */
fn before(x: i32, y: i32) -> u32 {
  let bx = clamp(x - params.dx, 0, i32(params.width) - 1);
  let by = clamp(y - params.dy, 0, i32(params.height) - 1);
  return u32(by) * params.width + u32(bx);
}

fn change(x: i32, y: i32, plane: u32) -> f32 {
  let i = u32(y) * params.width + u32(x);
  let j = before(x, y);
  return (abs(original[i] - previousOriginal[j]) + abs(original[plane + i] - previousOriginal[plane + j]) + abs(original[2u * plane + i] - previousOriginal[2u * plane + j])) / 3.0;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let plane = params.width * params.height;
  let i = id.x;
  if (i >= plane) { return; }
  let a = vec3f(original[i], original[plane + i], original[2u * plane + i]);
  var b = clamp(vec3f(stylised[i], stylised[plane + i], stylised[2u * plane + i]), vec3f(0.0), vec3f(1.0));
  if ((params.flags & 1u) != 0u) {
    if ((params.flags & 2u) != 0u) {
      let x = i32(i % params.width);
      let y = i32(i / params.width);
      var sum = 0.0;
      var count = 0.0;
      for (var dy: i32 = -${STEADY.radius}; dy <= ${STEADY.radius}; dy++) {
        for (var dx: i32 = -${STEADY.radius}; dx <= ${STEADY.radius}; dx++) {
          let xx = x + dx;
          let yy = y + dy;
          if (xx >= 0 && xx < i32(params.width) && yy >= 0 && yy < i32(params.height)) {
            sum += change(xx, yy, plane);
            count += 1.0;
          }
        }
      }
      let kept = ${STEADY.keep} * exp(-(sum / count) / ${STEADY.scale});
      let j = before(x, y);
      b = mix(b, vec3f(previousSteadied[j], previousSteadied[plane + j], previousSteadied[2u * plane + j]), kept);
    }
    steadied[i] = b.x;
    steadied[plane + i] = b.y;
    steadied[2u * plane + i] = b.z;
  }
  rgba[i] = pack4x8unorm(vec4f(mix(a, b, params.strength), 1.0));
}`;

export class GpuStyler {
  private constructor(
    private readonly handle: ModelSession,
    private readonly model: ModelEntry,
    private readonly device: GPUDevice,
    readonly width: number,
    readonly height: number,
    private readonly prepare: GPUComputePipeline,
    private readonly compose: GPUComputePipeline,
    private readonly sampler: GPUSampler,
    private readonly planar: GPUBuffer,
    private readonly rgba: GPUBuffer,
    private readonly readback: GPUBuffer,
    private readonly prepareParams: GPUBuffer,
    private readonly composeParams: GPUBuffer,
    /** The previous frame's input and the steadied stylised outputs (planar, used in turn), for `steady`. */
    private readonly previousOriginal: GPUBuffer,
    private readonly steadied: readonly [GPUBuffer, GPUBuffer],
    /** The frame's grey copy and its readback, for the camera's motion (media/motion.ts). */
    private readonly grey: GPUBuffer,
    private readonly greyReadback: GPUBuffer,
    private readonly steady: boolean,
  ) {}

  /** `steady`: keep strokes from flipping where the picture holds still (media/steady.ts). */
  static async create(handle: ModelSession, model: ModelEntry, width: number, height: number, steady = false): Promise<GpuStyler> {
    const device = (await handle.ort.env.webgpu.device) as GPUDevice; // ORT's own device: its buffers are only valid there
    const pipeline = (code: string) => device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    const pixels = width * height;
    const buffer = (size: number, usage: GPUBufferUsageFlags) => device.createBuffer({ size, usage });
    return new GpuStyler(
      handle,
      model,
      device,
      width,
      height,
      pipeline(PREPARE),
      pipeline(COMPOSE),
      device.createSampler({ magFilter: 'linear', minFilter: 'linear' }),
      buffer(3 * pixels * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST),
      buffer(pixels * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
      buffer(pixels * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
      buffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
      buffer(32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
      buffer(steady ? 3 * pixels * 4 : 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
      [buffer(steady ? 3 * pixels * 4 : 16, GPUBufferUsage.STORAGE), buffer(steady ? 3 * pixels * 4 : 16, GPUBufferUsage.STORAGE)],
      buffer(steady ? pixels * 4 : 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
      buffer(steady ? pixels * 4 : 16, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST),
      steady,
    );
  }

  /** Whether a previous frame is in previousOriginal / steadied[written ^ 1]. */
  private hasPrevious = false;
  /** Which steadied buffer the next frame writes. */
  private written = 0;
  private readonly motion = new MotionTracker();

  private texture: GPUTexture | null = null;
  /** Cleared after the first refusal, so a CPU-backed stream does not throw on every frame. */
  private gpuCopy = true;

  /**
   * The frame as a texture. When the decoder's frame is on the GPU, copyExternalImageToTexture
   * copies it there (importExternalTexture would save even that copy, but rejects CPU-backed frames).
   * Software decoders (as on this project's test machines) give CPU frames, which must be uploaded.
   */
  private async upload(frame: VideoFrame): Promise<GPUTexture> {
    if (this.gpuCopy) {
      try {
        const texture = this.textureOf(frame.displayWidth, frame.displayHeight);
        this.device.queue.copyExternalImageToTexture({ source: frame }, { texture }, [frame.displayWidth, frame.displayHeight]);
        return texture;
      } catch {
        this.gpuCopy = false;
      }
    }
    // copyTo writes the visible rectangle, with its own row stride.
    const { width, height } = frame.visibleRect ?? { width: frame.codedWidth, height: frame.codedHeight };
    const pixels = new Uint8Array(frame.allocationSize({ format: 'RGBA' }));
    const [plane] = await frame.copyTo(pixels, { format: 'RGBA' });
    const texture = this.textureOf(width, height);
    this.device.queue.writeTexture({ texture }, pixels, { offset: plane.offset, bytesPerRow: plane.stride }, [width, height]);
    return texture;
  }

  private textureOf(width: number, height: number): GPUTexture {
    if (!this.texture || this.texture.width !== width || this.texture.height !== height) {
      this.texture?.destroy();
      this.texture = this.device.createTexture({
        size: [width, height],
        format: 'rgba8unorm',
        usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT,
      });
    }
    return this.texture;
  }

  /** Styles one decoded frame; the caller still owns (and closes) `frame`. */
  async stylise(frame: VideoFrame, quarterTurns: number, strength: number): Promise<Rgba> {
    const { device, width, height } = this;
    device.queue.writeBuffer(this.prepareParams, 0, new Uint32Array([width, height, quarterTurns, this.steady ? 1 : 0]));
    const prepare = device.createBindGroup({
      layout: this.prepare.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: (await this.upload(frame)).createView() },
        { binding: 1, resource: this.sampler },
        { binding: 2, resource: { buffer: this.planar } },
        { binding: 3, resource: { buffer: this.prepareParams } },
        { binding: 4, resource: { buffer: this.grey } },
      ],
    });
    const pixels = width * height;
    this.dispatch(this.prepare, prepare, Math.ceil(width / 8), Math.ceil(height / 8), this.steady ? (encoder) => encoder.copyBufferToBuffer(this.grey, 0, this.greyReadback, 0, pixels * 4) : undefined);
    // The camera's motion is found on the CPU while the model runs.
    const shift = this.steady ? this.shiftOfFrame() : null;

    const { ort, session } = this.handle;
    const input = ort.Tensor.fromGpuBuffer(this.planar, { dataType: 'float32', dims: [1, 3, height, width] });
    let outputs: Awaited<ReturnType<typeof session.run>>;
    try {
      outputs = await session.run({ [this.model.io.inputs[0].name]: input });
    } catch (error) {
      await shift?.catch(() => undefined); // leave the readback unmapped for the next frame
      throw error;
    }
    const output = outputs[this.model.io.outputs[0].name];
    try {
      const [dy, dx] = shift ? await shift : [0, 0];
      const params = new ArrayBuffer(32);
      new Uint32Array(params, 0, 2).set([width, height]);
      new Float32Array(params, 8, 1)[0] = strength;
      new Uint32Array(params, 12, 1)[0] = (this.steady ? 1 : 0) | (this.hasPrevious ? 2 : 0);
      new Int32Array(params, 16, 2).set([dy, dx]);
      device.queue.writeBuffer(this.composeParams, 0, params);
      const compose = device.createBindGroup({
        layout: this.compose.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.planar } },
          { binding: 1, resource: { buffer: output.gpuBuffer as GPUBuffer } },
          { binding: 2, resource: { buffer: this.rgba } },
          { binding: 3, resource: { buffer: this.composeParams } },
          { binding: 4, resource: { buffer: this.previousOriginal } },
          { binding: 5, resource: { buffer: this.steadied[this.written ^ 1] } },
          { binding: 6, resource: { buffer: this.steadied[this.written] } },
        ],
      });
      this.dispatch(this.compose, compose, Math.ceil((width * height) / 64), 1, (encoder) => {
        encoder.copyBufferToBuffer(this.rgba, 0, this.readback, 0, width * height * 4);
        // This frame's input is the next one's previous (read by the pass above, so copied after it).
        if (this.steady) encoder.copyBufferToBuffer(this.planar, 0, this.previousOriginal, 0, 3 * width * height * 4);
      });
      this.hasPrevious = this.steady;
      if (this.steady) this.written ^= 1;
      await this.readback.mapAsync(GPUMapMode.READ);
      const data = new Uint8ClampedArray(this.readback.getMappedRange().slice(0));
      this.readback.unmap();
      return { data, width, height };
    } finally {
      output.dispose();
    }
  }

  /** This frame's shift from the previous one, from the grey copy the prepare pass wrote. */
  private async shiftOfFrame(): Promise<[number, number]> {
    await this.greyReadback.mapAsync(GPUMapMode.READ);
    let data: Float32Array;
    try {
      data = new Float32Array(this.greyReadback.getMappedRange().slice(0));
    } finally {
      this.greyReadback.unmap();
    }
    return this.motion.next({ data, width: this.width, height: this.height });
  }

  dispose(): void {
    this.texture?.destroy();
    for (const buffer of [this.planar, this.rgba, this.readback, this.prepareParams, this.composeParams, this.previousOriginal, ...this.steadied, this.grey, this.greyReadback]) buffer.destroy();
  }

  private dispatch(pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, x: number, y: number, then?: (encoder: GPUCommandEncoder) => void): void {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y);
    pass.end();
    then?.(encoder);
    this.device.queue.submit([encoder.finish()]);
  }
}
