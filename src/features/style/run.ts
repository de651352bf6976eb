/** Worker-side pipeline for one image: decode -> fit -> tiles through the model -> stitch. */
import { downscaleArea, fitWithin, planarToRgba, rgbToPlanar, roundUpTo } from '../../lib/pixels';
import { planTiles, TileAccumulator } from '../../lib/tiling';
import { decodeImage } from '../../media/decode/image';
import { runImageModel } from '../../runtime/ort';
import type { Progress, StyleImageRequest, StyleImageResult } from '../../workers/protocol';
import { getSession } from '../../workers/sessions';
import { styleMeta } from './meta';

export interface RunContext {
  onProgress: (progress: Progress) => void;
}

export async function styleImage(request: StyleImageRequest, context: RunContext): Promise<StyleImageResult> {
  const { model, backend } = request;
  const decoded = await decodeImage(request.image, request.imageName);
  const size = fitWithin(decoded.width, decoded.height, request.maxSide);
  const input = downscaleArea(decoded, size.width, size.height);

  const { handle: pending, variant } = getSession({ ...request, ...context });
  const handle = await pending;
  const inputSpec = model.io.inputs[0];
  const outputSpec = model.io.outputs[0];

  const multiple = model.io.multipleOf ?? 1;
  const tiles = planTiles(input.width, input.height, styleMeta.maxTile[backend], styleMeta.tileOverlap);
  const accumulator = new TileAccumulator(input.width, input.height, 3, styleMeta.tileOverlap);
  const started = performance.now();
  context.onProgress({ stage: 'infer', done: 0, total: tiles.length });
  for (const [index, tile] of tiles.entries()) {
      const paddedW = roundUpTo(tile.w, multiple);
    const paddedH = roundUpTo(tile.h, multiple);
    const planar = rgbToPlanar(input, { x: tile.x, y: tile.y, w: tile.w, h: tile.h }, paddedW, paddedH);
    const output = await runImageModel(handle, inputSpec.name, outputSpec.name, planar.data, 3, paddedH, paddedW);
    if (output.length !== planar.data.length) {
      throw new Error(`model returned ${output.length} values for a ${paddedW}x${paddedH} RGB input`);
    }
    accumulator.add(tile, { data: output, channels: 3, width: paddedW, height: paddedH });
    context.onProgress({ stage: 'infer', done: index + 1, total: tiles.length });
  }
  const inferMillis = performance.now() - started;
  const stylised = planarToRgba(accumulator.result(), input);
  return { input, stylised, backend, variant, tiles: tiles.length, inferMillis };
}
