/** Worker-side pipeline for one photo: decode -> the model's preprocessing -> model -> map at the photo's size, normalised. */
import { decodeImage } from '../../../media/decode/image';
import type { WorkerContext } from '../../../workers/protocol';
import { normalise } from '../postprocess';
import type { DepthImageRequest, DepthImageResult } from '../protocol';
import { estimateDepth } from './estimate';
import { openDepthSession } from './session';

export async function depthImage(request: DepthImageRequest, context: WorkerContext): Promise<DepthImageResult> {
  const image = await decodeImage(request.image, request.imageName);
  const { session, names, kind, variant } = await openDepthSession(request, context);
  context.onProgress({ stage: 'infer', done: 0, total: 1 });
  const started = performance.now();
  const result = await estimateDepth(session, names, kind, image);
  const inferMillis = performance.now() - started;
  context.onProgress({ stage: 'infer', done: 1, total: 1 });
  const depth = normalise(result.map.data, result.range);
  context.transfer(depth.buffer);
  return {
    width: image.width,
    height: image.height,
    depth,
    range: result.range,
    modelSize: result.modelSize,
    backend: session.backend,
    variant,
    inferMillis,
  };
}
