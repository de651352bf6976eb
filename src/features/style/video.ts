/**
 * Worker-side pipeline for a video: decode -> style model -> encode, one frame at a time. Each
 * stage awaits the next (the encoder's backpressure, then the model, then the decoder), so at
 * most a few frames exist at once, whatever the video's length.
 */
import { UserError } from '../../lib/errors';
import { blendRgba, fitHeight } from '../../lib/pixels';
import { clampTrim } from '../../lib/timeline';
import { GifWriter } from '../../media/encode/gif';
import { VideoWriter } from '../../media/encode/video';
import type { VideoSource } from '../../media/frames';
import { openVideo } from '../../media/open';
import type { PreviewVideoRequest, PreviewVideoResult, StyleVideoRequest, StyleVideoResult } from '../../workers/protocol';
import { getSession } from '../../workers/sessions';
import type { RunContext } from './run';
import { stylise } from './stylise';

/** Decoding errors mid-stream are nearly always a cut-off or damaged file; say so. */
async function* readable<T>(frames: AsyncGenerator<T>, name: string): AsyncGenerator<T> {
  try {
    yield* frames;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new UserError(`"${name}" could not be decoded to the end (${detail}): the file looks damaged or truncated. Try the original file.`, { cause: error });
  }
}

async function open(request: StyleVideoRequest | PreviewVideoRequest): Promise<VideoSource> {
  return openVideo(request.video, request.video.name, request.appRoot);
}

export async function styleVideo(request: StyleVideoRequest, context: RunContext): Promise<StyleVideoResult> {
  const source = await open(request);
  try {
    const { info } = source;
    const size = fitHeight(info.width, info.height, request.height, request.model.io.multipleOf ?? 2);
    const trim = clampTrim(request.trim.start, request.trim.end, info.duration);
    const span = await source.countFrames(trim);
    const { handle: pending, variant } = getSession({ ...request, ...context });
    const handle = await pending;

    const audioInput = request.format === 'gif' ? null : await source.audio();
    const writer =
      request.format === 'gif'
        ? new GifWriter(request.gif)
        : await VideoWriter.create(request.format, size.width, size.height, audioInput && { input: audioInput, trim: { start: span.first, end: trim.end } });

    const started = performance.now();
    let done = 0;
    let outputEnd = 0;
    context.onProgress({ stage: 'frames', done, total: span.count });
    for await (const frame of readable(source.frames(size.width, size.height, trim), request.video.name)) {
      const stylised = await stylise(handle, request.model, frame.image);
      const timestamp = frame.timestamp - span.first;
      await writer.add(blendRgba(frame.image, stylised, request.strength), timestamp, frame.duration);
      outputEnd = timestamp + frame.duration;
      done++;
      context.onProgress({ stage: 'frames', done, total: Math.max(done, span.count) });
    }
    if (done === 0) throw new UserError('The chosen range holds no frames. Widen the trim, or clear it to use the whole video.');
    const seconds = (performance.now() - started) / 1000;
    const encoded = writer instanceof GifWriter ? { blob: writer.finish(), hasAudio: false } : await writer.finish();
    return {
      ...encoded,
      decoder: info.decoder,
      codec: writer instanceof GifWriter ? 'gif' : writer.codec,
      width: size.width,
      height: size.height,
      frames: writer instanceof GifWriter ? writer.frames : done,
      seconds: outputEnd,
      framesPerSecond: done / seconds,
      backend: handle.backend,
      variant,
    };
  } finally {
    source.dispose();
  }
}

/** Stylises the first seconds as fast as the model allows and paints them; fps is the measure. */
export async function previewVideo(request: PreviewVideoRequest, context: RunContext): Promise<PreviewVideoResult> {
  const source = await open(request);
  try {
    const size = fitHeight(source.info.width, source.info.height, request.height, request.model.io.multipleOf ?? 2);
    const trim = clampTrim(0, request.seconds, source.info.duration);
    const { handle: pending } = getSession({ ...request, ...context });
    const handle = await pending;
    const { canvas } = request;
    canvas.width = size.width;
    canvas.height = size.height;
    const context2d = canvas.getContext('2d');
    if (!context2d) throw new Error('no 2D canvas in this worker');
    const total = (await source.countFrames(trim)).count;
    const started = performance.now();
    let done = 0;
    for await (const frame of readable(source.frames(size.width, size.height, trim), request.video.name)) {
      const stylised = await stylise(handle, request.model, frame.image);
      context2d.putImageData(new ImageData(stylised.data as Uint8ClampedArray<ArrayBuffer>, size.width, size.height), 0, 0);
      done++;
      context.onProgress({ stage: 'frames', done, total: Math.max(done, total) });
    }
    return { frames: done, framesPerSecond: done / ((performance.now() - started) / 1000), decoder: source.info.decoder };
  } finally {
    source.dispose();
  }
}
