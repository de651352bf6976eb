/** Worker-side 3D photo: decode -> fit -> depth -> parallax frames -> looping GIF or MP4, one frame held at a time. */
import { downscaleArea, fitWithin } from '../../../lib/pixels';
import { decodeImage } from '../../../media/decode/image';
import { FfmpegVideoWriter } from '../../../media/encode/ffmpeg-video';
import { GifWriter } from '../../../media/encode/gif';
import { VideoWriter, webCodecsCodec } from '../../../media/encode/video';
import type { FrameWriter } from '../../../media/encode/writer';
import type { WorkerContext } from '../../../workers/protocol';
import { normalise } from '../postprocess';
import type { Depth3dRequest, Depth3dResult } from '../protocol';
import { estimateDepth } from './estimate';
import { parallaxFrames } from './parallax';
import { openDepthSession } from './session';

/** GIF, or MP4 through the browser's VideoEncoder (ffmpeg.wasm where it has no H.264/VP9/AV1). */
async function openWriter(request: Depth3dRequest, width: number, height: number): Promise<FrameWriter> {
  if (request.format === 'gif') return new GifWriter({ width: 0, fps: 0 }); // every frame, timed by its timestamp
  const codec = await webCodecsCodec('mp4', width, height);
  if (codec) return VideoWriter.create('mp4', codec, null);
  return FfmpegVideoWriter.create(request.appRoot, 'mp4', width, height, 1000 / request.frameMillis, null);
}

export async function depthPhoto3d(request: Depth3dRequest, context: WorkerContext): Promise<Depth3dResult> {
  const decoded = await decodeImage(request.image, request.imageName);
  const fit = fitWithin(decoded.width, decoded.height, request.maxSide);
  // Video encoders need even sides.
  const size = request.format === 'mp4' ? { width: Math.max(2, fit.width - (fit.width % 2)), height: Math.max(2, fit.height - (fit.height % 2)) } : fit;
  const image = downscaleArea(decoded, size.width, size.height);
  const { session, names, kind, variant } = await openDepthSession(request, context);
  context.onProgress({ stage: 'infer', done: 0, total: 1 });
  const result = await estimateDepth(session, names, kind, image);
  const depth = normalise(result.map.data, result.range);
  const writer = await openWriter(request, image.width, image.height);
  const seconds = request.frameMillis / 1000;
  context.onProgress({ stage: 'frames', done: 0, total: request.frames });
  let index = 0;
  for (const frame of parallaxFrames(image, depth, { frames: request.frames, amplitude: request.amplitude, path: 'circle' })) {
    await writer.add(frame, index * seconds, seconds);
    index++;
    context.onProgress({ stage: 'frames', done: index, total: request.frames });
  }
  const encoded = await writer.finish();
  return { blob: encoded.blob, codec: encoded.codec, frames: encoded.frames, width: image.width, height: image.height, backend: session.backend, variant };
}
