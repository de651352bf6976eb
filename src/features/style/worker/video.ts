/**
 * Worker-side pipeline for a video: decode -> style model -> encode, one frame at a time. Each
 * stage awaits the next (the encoder's backpressure, then the model, then the decoder), so at
 * most a few frames exist at once, whatever the video's length.
 */
import { UserError } from '../../../lib/errors';
import { blendRgba, fitHeight } from '../../../lib/pixels';
import { clampTrim, type Trim } from '../../../lib/timeline';
import type { RgbaFrame, VideoSource } from '../../../media/frames';
import { openVideo } from '../../../media/open';
import { openWriter, readable } from '../../../media/pipeline';
import type { ModelEntry } from '../../../models/registry';
import type { ModelSession } from '../../../runtime/sessions';
import type { WorkerContext } from '../../../workers/protocol';
import { getSession } from '../../../runtime/sessions';
import { styleMeta } from '../meta';
import type { PreviewVideoRequest, PreviewVideoResult, StyleVideoRequest, StyleVideoResult } from '../protocol';
import { GpuStyler } from './gpu-styler';
import { stylise } from './stylise';

async function open(request: StyleVideoRequest | PreviewVideoRequest): Promise<VideoSource> {
  return openVideo(request.video, request.video.name, request.appRoot);
}

/** Processing size: a multiple of the model's stride that is also even, as video encoders need. */
function frameSize(source: VideoSource, height: number, model: ModelEntry): { width: number; height: number } {
  const multiple = model.io.multipleOf ?? 1;
  return fitHeight(source.info.width, source.info.height, height, multiple % 2 === 0 ? multiple : 2 * multiple);
}

/** The WebGPU route applies to WebCodecs frames that fit one tile; everything else goes through the CPU. */
async function gpuStyler(source: VideoSource, handle: ModelSession, model: ModelEntry, size: { width: number; height: number }): Promise<GpuStyler | null> {
  const maxTile = styleMeta.maxTile.webgpu;
  if (handle.backend !== 'webgpu' || !source.videoFrames || size.width > maxTile || size.height > maxTile) return null;
  return GpuStyler.create(handle, model, size.width, size.height);
}

/** Stylised, strength-blended frames at `size`, on the GPU route when there is one. */
async function* stylisedFrames(
  source: VideoSource,
  gpu: GpuStyler | null,
  handle: ModelSession,
  request: StyleVideoRequest,
  size: { width: number; height: number },
  trim: Trim,
): AsyncGenerator<RgbaFrame> {
  if (gpu && source.videoFrames) {
    try {
      for await (const decoded of readable(source.videoFrames(trim), request.video.name)) {
        const image = await gpu.stylise(decoded.frame, decoded.quarterTurns, request.strength);
        yield { image, timestamp: decoded.timestamp, duration: decoded.duration };
      }
    } finally {
      gpu.dispose();
    }
    return;
  }
  for await (const frame of readable(source.frames(size.width, size.height, trim), request.video.name)) {
    const stylised = await stylise(handle, request.model, frame.image);
    yield { ...frame, image: blendRgba(frame.image, stylised, request.strength) };
  }
}

export async function styleVideo(request: StyleVideoRequest, context: WorkerContext): Promise<StyleVideoResult> {
  const source = await open(request);
  try {
    const { info } = source;
    const size = frameSize(source, request.height, request.model);
    const trim = clampTrim(request.trim.start, request.trim.end, info.duration);
    const span = await source.countFrames(trim);
    const { handle: pending, variant } = getSession({ ...request, onProgress: context.onProgress });
    const handle = await pending;
    const writer = await openWriter(request, request.gif, source, size.width, size.height, span, trim);

    const gpu = await gpuStyler(source, handle, request.model, size);
    const started = performance.now();
    let done = 0;
    let outputEnd = 0;
    context.onProgress({ stage: 'frames', done, total: span.count });
    for await (const frame of stylisedFrames(source, gpu, handle, request, size, trim)) {
      const timestamp = frame.timestamp - span.first;
      await writer.add(frame.image, timestamp, frame.duration);
      outputEnd = timestamp + frame.duration;
      done++;
      context.onProgress({ stage: 'frames', done, total: Math.max(done, span.count) });
    }
    if (done === 0) throw new UserError('The chosen range holds no frames. Widen the trim, or clear it to use the whole video.');
    // The index promised more frames than the data held: a file cut short after its index.
    const warning =
      span.exact && done < span.count
        ? `"${request.video.name}" ends early: only ${done} of ${span.count} frames could be read, so the file looks truncated (an interrupted download or copy?). The result holds what could be read; for the whole video, use the original file.`
        : undefined;
    const elapsed = (performance.now() - started) / 1000;
    return {
      ...(await writer.finish()),
      decoder: info.decoder,
      framesOnGpu: gpu !== null,
      width: size.width,
      height: size.height,
      seconds: outputEnd,
      sourceStart: span.first,
      warning,
      framesPerSecond: done / elapsed,
      backend: handle.backend,
      variant,
    };
  } finally {
    source.dispose();
  }
}

/**
 * Plays the first seconds stylised, in real time: each frame is shown at its own time, and frames
 * the model cannot reach in time are dropped, as a player drops them. The stylised frame rate is
 * the measure of how live the style is on this device.
 */
export async function previewVideo(request: PreviewVideoRequest, context: WorkerContext): Promise<PreviewVideoResult> {
  const source = await open(request);
  try {
    const size = frameSize(source, request.height, request.model);
    const trim = clampTrim(0, request.seconds, source.info.duration);
    const { handle: pending } = getSession({ ...request, onProgress: context.onProgress });
    const handle = await pending;
    const { canvas } = request;
    canvas.width = size.width;
    canvas.height = size.height;
    const context2d = canvas.getContext('2d');
    if (!context2d) throw new Error('no 2D canvas in this worker');
    const span = await source.countFrames(trim);
    const started = performance.now();
    const clock = () => (performance.now() - started) / 1000;
    let shown = 0;
    for await (const frame of readable(source.frames(size.width, size.height, trim), request.video.name)) {
      const due = frame.timestamp - span.first;
      if (clock() > due + frame.duration) continue; // too late for this frame
      if (due > clock()) await new Promise((resolve) => setTimeout(resolve, (due - clock()) * 1000));
      const stylised = await stylise(handle, request.model, frame.image);
      context2d.putImageData(new ImageData(stylised.data as Uint8ClampedArray<ArrayBuffer>, size.width, size.height), 0, 0);
      shown++;
      context.onProgress({ stage: 'frames', done: shown, total: span.count });
    }
    return { frames: shown, total: span.count, framesPerSecond: shown / clock(), decoder: source.info.decoder };
  } finally {
    source.dispose();
  }
}
