/**
 * Pieces every task's video pipeline shares (style, depth, …): reading frames with a plain error for
 * damaged files, and opening the output writer (GIF, the browser's VideoEncoder, or ffmpeg.wasm),
 * with the source's audio copied. No models here: the per-frame work stays in each task.
 */
import { UserError } from '../lib/errors';
import type { VideoFormat } from '../lib/filename';
import type { Trim } from '../lib/timeline';
import { FfmpegVideoWriter } from './encode/ffmpeg-video';
import { GifWriter, type GifOptions } from './encode/gif';
import { VideoWriter, webCodecsCodec } from './encode/video';
import type { FrameWriter } from './encode/writer';
import type { FrameSpan, VideoSource } from './frames';

/** Decoding errors mid-stream are nearly always a cut-off or damaged file; say so. */
export async function* readable<T>(frames: AsyncGenerator<T>, name: string): AsyncGenerator<T> {
  try {
    yield* frames;
  } catch (error) {
    if (error instanceof UserError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new UserError(`"${name}" could not be decoded to the end (${detail}): the file looks damaged or truncated. Try the original file.`, { cause: error });
  }
}

export interface OutputRequest {
  appRoot: string;
  video: File;
  format: VideoFormat;
  /** "ffmpeg" skips the browser's VideoEncoder, to use or test the fallback. */
  encoder: 'auto' | 'ffmpeg';
}

/** GIF, else the browser's VideoEncoder, else (or when the request forces it) ffmpeg.wasm; the source's audio kept. */
export async function openWriter(
  request: OutputRequest,
  gif: GifOptions,
  source: VideoSource,
  width: number,
  height: number,
  span: FrameSpan,
  trim: Trim,
): Promise<FrameWriter> {
  if (request.format === 'gif') return new GifWriter(gif);
  const codec = request.encoder === 'ffmpeg' ? null : await webCodecsCodec(request.format, width, height);
  if (codec) {
    const audio = await source.audio();
    return VideoWriter.create(request.format, codec, audio && { input: audio, trim: { start: span.first, end: trim.end } });
  }
  const seconds = Math.min(trim.end, source.info.duration) - span.first;
  const fps = seconds > 0 ? span.count / seconds : 25;
  const audio = { file: request.video, name: request.video.name, start: span.first, end: trim.end };
  return FfmpegVideoWriter.create(request.appRoot, request.format, width, height, fps, audio);
}
