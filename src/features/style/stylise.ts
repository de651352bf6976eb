/** One RGBA image through a style model, in tiles when it is larger than the backend's tile limit. */
import { planarToRgba, rgbToPlanar, roundUpTo, type Rgba } from '../../lib/pixels';
import { planTiles, TileAccumulator } from '../../lib/tiling';
import type { Backend, ModelEntry } from '../../models/registry';
import { runImageModel, type ExtraInput, type SessionHandle } from '../../runtime/ort';
import { styleMeta } from './meta';

export function tileCount(width: number, height: number, backend: Backend): number {
  return planTiles(width, height, styleMeta.maxTile[backend], styleMeta.tileOverlap).length;
}

/** `extraInputs` (a blend model's style weights) go with every tile, so all tiles get the same style. */
export async function stylise(
  handle: SessionHandle,
  model: ModelEntry,
  input: Rgba,
  onTile?: (done: number, total: number) => void,
  extraInputs: readonly ExtraInput[] = [],
): Promise<Rgba> {
  const multiple = model.io.multipleOf ?? 1;
  const tiles = planTiles(input.width, input.height, styleMeta.maxTile[handle.backend], styleMeta.tileOverlap);
  const accumulator = new TileAccumulator(input.width, input.height, 3, styleMeta.tileOverlap);
  for (const [index, tile] of tiles.entries()) {
    const paddedW = roundUpTo(tile.w, multiple);
    const paddedH = roundUpTo(tile.h, multiple);
    const planar = rgbToPlanar(input, { x: tile.x, y: tile.y, w: tile.w, h: tile.h }, paddedW, paddedH);
    const output = await runImageModel(handle, model.io.inputs[0].name, model.io.outputs[0].name, planar.data, 3, paddedH, paddedW, extraInputs);
    if (output.length !== planar.data.length) {
      throw new Error(`model returned ${output.length} values for a ${paddedW}x${paddedH} RGB input`);
    }
    accumulator.add(tile, { data: output, channels: 3, width: paddedW, height: paddedH });
    onTile?.(index + 1, tiles.length);
  }
  return planarToRgba(accumulator.result(), input);
}
