/** Worker-side pipeline of a style morph: decode -> fit -> the blend model once per mix -> GIF. */
import { blendRgba, downscaleArea, fitWithin } from '../../../lib/pixels';
import { decodeImage } from '../../../media/decode/image';
import { GifWriter } from '../../../media/encode/gif';
import type { WorkerContext } from '../../../workers/protocol';
import { getSession } from '../../../runtime/sessions';
import type { StyleMorphRequest, StyleMorphResult } from '../protocol';
import { stylise } from './stylise';

export async function styleMorph(request: StyleMorphRequest, context: WorkerContext): Promise<StyleMorphResult> {
  const decoded = await decodeImage(request.image, request.imageName);
  const size = fitWithin(decoded.width, decoded.height, request.maxSide);
  const input = downscaleArea(decoded, size.width, size.height);
  const { handle: pending, variant } = getSession({ ...request, onProgress: context.onProgress });
  const handle = await pending;
  const seconds = request.frameMillis / 1000;
  const writer = new GifWriter({ width: 0, fps: 0 }); // fps 0: every frame, timed by its timestamp
  const total = request.frames.length;
  context.onProgress({ stage: 'frames', done: 0, total });
  for (const [index, extras] of request.frames.entries()) {
    const stylised = await stylise(handle, request.model, input, undefined, extras);
    await writer.add(blendRgba(input, stylised, request.strength), index * seconds, seconds);
    context.onProgress({ stage: 'frames', done: index + 1, total });
  }
  const encoded = await writer.finish();
  return { blob: encoded.blob, frames: encoded.frames, width: input.width, height: input.height, backend: handle.backend, variant };
}
