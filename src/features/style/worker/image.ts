/** Worker-side pipeline for one image: decode -> fit -> tiles through the model -> stitch. */
import { downscaleArea, fitWithin } from '../../../lib/pixels';
import { decodeImage } from '../../../media/decode/image';
import type { WorkerContext } from '../../../workers/protocol';
import { getSession } from '../../../runtime/sessions';
import type { StyleImageRequest, StyleImageResult } from '../protocol';
import { stylise, tileCount } from './stylise';

export async function styleImage(request: StyleImageRequest, context: WorkerContext): Promise<StyleImageResult> {
  const { backend } = request;
  const decoded = await decodeImage(request.image, request.imageName);
  const size = fitWithin(decoded.width, decoded.height, request.maxSide);
  const input = downscaleArea(decoded, size.width, size.height);

  const { handle: pending, variant } = getSession({ ...request, onProgress: context.onProgress });
  const handle = await pending;
  const tiles = tileCount(input.width, input.height, backend);
  const started = performance.now();
  context.onProgress({ stage: 'infer', done: 0, total: tiles });
  const stylised = await stylise(handle, request.model, input, (done, total) => context.onProgress({ stage: 'infer', done, total }), request.extraInputs);
  const inferMillis = performance.now() - started;
  context.transfer(input.data.buffer, stylised.data.buffer);
  return { input, stylised, backend, variant, tiles, inferMillis };
}
