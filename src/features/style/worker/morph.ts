/**
 * Worker-side pipeline of a style morph: decode -> fit -> the blend model once per mix -> GIF (one
 * palette shared by every frame, so colours never jump) or MP4 (the browser's VideoEncoder, ffmpeg.wasm
 * where it has none). Ping-pong plays the mixes back down again; each mix is rendered only once.
 */
import { blendRgba, downscaleArea, fitWithin, type Rgba } from '../../../lib/pixels';
import { decodeImage } from '../../../media/decode/image';
import { FfmpegVideoWriter } from '../../../media/encode/ffmpeg-video';
import { GifWriter } from '../../../media/encode/gif';
import { VideoWriter, webCodecsCodec } from '../../../media/encode/video';
import type { FrameWriter } from '../../../media/encode/writer';
import type { WorkerContext } from '../../../workers/protocol';
import { getSession } from '../../../runtime/sessions';
import type { StyleMorphRequest, StyleMorphResult } from '../protocol';
import { stylise } from './stylise';

/** Frame order of a loop over `count` rendered frames: 0..n-1, then back down short of 0 when ping-pong. */
export function morphOrder(count: number, pingPong: boolean): number[] {
  const up = Array.from({ length: count }, (_, i) => i);
  return pingPong && count > 2 ? [...up, ...up.slice(1, -1).reverse()] : up;
}

async function openWriter(request: StyleMorphRequest, width: number, height: number): Promise<FrameWriter> {
  if (request.format !== 'mp4') return new GifWriter({ width: 0, fps: 0, palette: 'shared' }); // fps 0: every frame, timed by its timestamp
  const codec = await webCodecsCodec('mp4', width, height);
  if (codec) return VideoWriter.create('mp4', codec, null);
  return FfmpegVideoWriter.create(request.appRoot, 'mp4', width, height, 1000 / request.frameMillis, null);
}

export async function styleMorph(request: StyleMorphRequest, context: WorkerContext): Promise<StyleMorphResult> {
  const decoded = await decodeImage(request.image, request.imageName);
  const fit = fitWithin(decoded.width, decoded.height, request.maxSide);
  // Video encoders need even sides.
  const size = request.format === 'mp4' ? { width: Math.max(2, fit.width - (fit.width % 2)), height: Math.max(2, fit.height - (fit.height % 2)) } : fit;
  const input = downscaleArea(decoded, size.width, size.height);
  const { handle: pending, variant } = getSession({ ...request, onProgress: context.onProgress });
  const handle = await pending;
  const total = request.frames.length;
  context.onProgress({ stage: 'frames', done: 0, total });
  const rendered: Rgba[] = [];
  for (const [index, extras] of request.frames.entries()) {
    const stylised = await stylise(handle, request.model, input, undefined, extras);
    rendered.push(blendRgba(input, stylised, request.strength));
    context.onProgress({ stage: 'frames', done: index + 1, total });
  }
  const seconds = request.frameMillis / 1000;
  const writer = await openWriter(request, input.width, input.height);
  for (const [k, index] of morphOrder(rendered.length, request.pingPong).entries()) await writer.add(rendered[index], k * seconds, seconds);
  const encoded = await writer.finish();
  return { blob: encoded.blob, codec: encoded.codec, frames: encoded.frames, rendered: total, width: input.width, height: input.height, backend: handle.backend, variant };
}
