/** Worker-side 3D photo: decode -> fit -> depth -> parallax frames -> looping GIF, one frame held at a time. */
import { downscaleArea, fitWithin } from '../../../lib/pixels';
import { decodeImage } from '../../../media/decode/image';
import { GifWriter } from '../../../media/encode/gif';
import type { WorkerContext } from '../../../workers/protocol';
import { normalise } from '../postprocess';
import type { Depth3dRequest, Depth3dResult } from '../protocol';
import { estimateDepth } from './estimate';
import { parallaxFrames } from './parallax';
import { openDepthSession } from './session';

export async function depthPhoto3d(request: Depth3dRequest, context: WorkerContext): Promise<Depth3dResult> {
  const decoded = await decodeImage(request.image, request.imageName);
  const size = fitWithin(decoded.width, decoded.height, request.maxSide);
  const image = downscaleArea(decoded, size.width, size.height);
  const { session, names, variant } = await openDepthSession(request, context);
  context.onProgress({ stage: 'infer', done: 0, total: 1 });
  const result = await estimateDepth(session, names, request.kind, image);
  const depth = normalise(result.map.data, result.range);
  const writer = new GifWriter({ width: 0, fps: 0 }); // every frame, timed by its timestamp
  const seconds = request.frameMillis / 1000;
  context.onProgress({ stage: 'frames', done: 0, total: request.frames });
  let index = 0;
  for (const frame of parallaxFrames(image, depth, { frames: request.frames, amplitude: request.amplitude, path: 'circle' })) {
    await writer.add(frame, index * seconds, seconds);
    index++;
    context.onProgress({ stage: 'frames', done: index, total: request.frames });
  }
  const encoded = await writer.finish();
  return { blob: encoded.blob, frames: encoded.frames, width: image.width, height: image.height, backend: session.backend, variant };
}
