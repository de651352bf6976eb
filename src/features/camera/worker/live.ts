/**
 * The camera worker's methods. Each call carries one frame (an ImageBitmap at the processing size,
 * moved here) and the current settings, so style, strength, mode and colour map change from one
 * frame to the next without a restart; sessions stay warm in the runtime's cache. The page keeps
 * at most one frame in flight, so nothing queues here.
 */
import { UserError } from '../../../lib/errors';
import type { Rgba } from '../../../lib/pixels';
import { getSession } from '../../../runtime/sessions';
import type { WorkerContext, WorkerImpl } from '../../../workers/protocol';
import { openDepthSession } from '../../depth/worker/session';
import { styleMeta } from '../../style/meta';
import { GpuStyler } from '../../style/worker/gpu-styler';
import type { AudioChunk, CameraFrameRequest, CameraFrameResult, CameraMethods, RecordStartRequest } from '../protocol';
import { LiveDepth, LiveStyle } from './paint';
import { ClipRecorder } from './recorder';

let canvas: OffscreenCanvas | null = null;
let context2d: OffscreenCanvasRenderingContext2D | null = null;

function surface(width: number, height: number): OffscreenCanvasRenderingContext2D {
  if (!canvas || !context2d) {
    canvas = new OffscreenCanvas(width, height);
    context2d = canvas.getContext('2d', { willReadFrequently: true });
    if (!context2d) throw new Error('no 2D canvas in this worker');
  }
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return context2d;
}

function pixelsOf(frame: ImageBitmap): Rgba {
  const ctx = surface(frame.width, frame.height);
  ctx.drawImage(frame, 0, 0);
  const image = ctx.getImageData(0, 0, frame.width, frame.height);
  return { data: image.data, width: image.width, height: image.height };
}

/** The WebGPU single-pass styler for one model and size, rebuilt when either changes. */
let gpu: { key: string; styler: GpuStyler } | null = null;
let gpuFailed = false;

async function gpuStyle(request: CameraFrameRequest, frame: ImageBitmap): Promise<{ image: Rgba; variant: string } | null> {
  if (request.backend !== 'webgpu' || gpuFailed || request.strength <= 0) return null;
  const max = styleMeta.maxTile.webgpu;
  const multiple = request.model.io.multipleOf ?? 1;
  if (frame.width > max || frame.height > max || frame.width % multiple || frame.height % multiple) return null;
  const { handle, variant } = getSession({ ...request, onProgress: undefined });
  const session = await handle;
  if (session.backend !== 'webgpu') return null;
  const steady = request.steady ?? false;
  const key = `${session.key}:${frame.width}x${frame.height}:${steady}`;
  try {
    if (gpu?.key !== key) {
      gpu?.styler.dispose();
      gpu = { key, styler: await GpuStyler.create(session, request.model, frame.width, frame.height, steady) };
    }
    const video = new VideoFrame(frame, { timestamp: 0 });
    try {
      return { image: await gpu.styler.stylise(video, 0, request.strength), variant };
    } finally {
      video.close();
    }
  } catch (error) {
    // A device that refuses the route (no copyExternalImageToTexture from this frame…) gets the CPU one.
    console.warn('camera: WebGPU route failed, using the CPU route', error);
    gpuFailed = true;
    gpu?.styler.dispose();
    gpu = null;
    return null;
  }
}

const depth = new LiveDepth();
const style = new LiveStyle();

async function paint(request: CameraFrameRequest, frame: ImageBitmap, context: WorkerContext): Promise<{ image: Rgba; variant: string; backend: CameraFrameResult['backend']; onGpu: boolean }> {
  if (request.mode === 'depth') {
    if (!request.depthKind) throw new Error('a depth frame needs the model kind');
    const handle = await openDepthSession({ ...request, kind: request.depthKind, download: request.download ?? false }, context);
    const image = await depth.paint(handle.session, handle.names, request.depthKind, handle.session.key, pixelsOf(frame), request.colormap ?? 'turbo');
    return { image, variant: handle.variant, backend: handle.session.backend, onGpu: false };
  }
  const onGpu = await gpuStyle(request, frame);
  if (onGpu) return { ...onGpu, backend: 'webgpu', onGpu: true };
  const { handle, variant } = getSession({ ...request, onProgress: context.onProgress });
  const session = await handle;
  const image = await style.paint(session, request.model, pixelsOf(frame), request.strength, request.steady ?? false);
  return { image, variant, backend: session.backend, onGpu: false };
}

let recorder: ClipRecorder | null = null;
/**
 * Frames and microphone runs go to the recorder on two separate chains, each in arrival order: the
 * muxer interleaves the two tracks, so an audio run waiting for video must not hold the next frame
 * back (one chain for both slowed recording with sound to half the frame rate here).
 */
let videoChain: Promise<unknown> = Promise.resolve();
let audioChain: Promise<unknown> = Promise.resolve();
/** The first failure of either chain, reported when the recording stops. */
let recordError: unknown = null;
function after(chain: Promise<unknown>, work: () => Promise<unknown>): Promise<unknown> {
  return chain.then(work).catch((error: unknown) => {
    recordError ??= error;
  });
}
let framesPerSecond = 15;

async function cameraFrame(request: CameraFrameRequest, context: WorkerContext): Promise<CameraFrameResult> {
  const { frame } = request;
  try {
    const started = performance.now();
    const painted = await paint(request, frame, context);
    const inferMillis = performance.now() - started;
    framesPerSecond = 0.8 * framesPerSecond + 0.2 * (1000 / Math.max(inferMillis, 1));
    const { recordAt } = request;
    if (recordAt !== undefined && recorder) {
      const active = recorder;
      // At most one frame waits for the encoder: this frame's model run overlapped the last one's encode.
      const previous = videoChain;
      videoChain = after(previous, () => active.add(painted.image, recordAt));
      await previous;
    }
    const ctx = surface(painted.image.width, painted.image.height);
    ctx.putImageData(new ImageData(painted.image.data as Uint8ClampedArray<ArrayBuffer>, painted.image.width, painted.image.height), 0, 0);
    const out = canvas!.transferToImageBitmap();
    context.transfer(out);
    return { frame: out, backend: painted.backend, variant: painted.variant, inferMillis, onGpu: painted.onGpu };
  } finally {
    frame.close();
  }
}

async function cameraRecordStart(request: RecordStartRequest) {
  if (recorder) throw new UserError('A recording is already running.');
  recordError = null;
  const started = await ClipRecorder.start({ ...request, fps: framesPerSecond });
  recorder = started.recorder;
  return started.result;
}

async function cameraAudio(request: AudioChunk) {
  const active = recorder;
  if (!active) return false;
  audioChain = after(audioChain, () => active.addAudio(request));
  await audioChain;
  return true;
}

async function cameraRecordStop() {
  const active = recorder;
  if (!active) throw new UserError('No recording is running.');
  recorder = null;
  await Promise.all([videoChain, audioChain]);
  if (recordError) throw recordError;
  return active.stop();
}

export const cameraMethods: WorkerImpl<CameraMethods> = { cameraFrame, cameraRecordStart, cameraAudio, cameraRecordStop };
