/** One RGBA image through a style model, in tiles when it is larger than the backend's tile limit. */
import { planarToRgba, rgbToPlanar, roundUpTo, type Rgba } from '../../../lib/pixels';
import { planTiles, TileAccumulator } from '../../../lib/tiling';
import type { Backend, ModelEntry } from '../../../models/registry';
import type { ExtraInput } from '../../../runtime/ort';
import type { ModelSession } from '../../../runtime/sessions';
import { styleMeta } from '../meta';

export function tileCount(width: number, height: number, backend: Backend): number {
  return planTiles(width, height, styleMeta.maxTile[backend], styleMeta.tileOverlap).length;
}

/** `extraInputs` (a blend model's style weights) go with every tile, so all tiles get the same style. */
export async function stylise(
  handle: Pick<ModelSession, 'run' | 'backend'>,
  model: ModelEntry,
  input: Rgba,
  onTile?: (done: number, total: number) => void,
  extraInputs: readonly ExtraInput[] = [],
): Promise<Rgba> {
  const multiple = model.io.multipleOf ?? 1;
  const inputName = model.io.inputs[0].name;
  const outputName = model.io.outputs[0].name;
  const extras = Object.fromEntries(extraInputs.map((t) => [t.name, { type: 'float32' as const, dims: t.dims, data: t.data }]));
  const tiles = planTiles(input.width, input.height, styleMeta.maxTile[handle.backend], styleMeta.tileOverlap);
  const accumulator = new TileAccumulator(input.width, input.height, 3, styleMeta.tileOverlap);
  for (const [index, tile] of tiles.entries()) {
    const paddedW = roundUpTo(tile.w, multiple);
    const paddedH = roundUpTo(tile.h, multiple);
    const planar = rgbToPlanar(input, { x: tile.x, y: tile.y, w: tile.w, h: tile.h }, paddedW, paddedH);
    const outputs = await handle.run({ [inputName]: { type: 'float32', dims: [1, 3, paddedH, paddedW], data: planar.data }, ...extras }, { outputs: [outputName] });
    const output = outputs[outputName].data;
    if (!(output instanceof Float32Array)) throw new Error(`expected a float32 output "${outputName}", got ${outputs[outputName].type}`);
    if (output.length !== planar.data.length) {
      throw new Error(`model returned ${output.length} values for a ${paddedW}x${paddedH} RGB input`);
    }
    accumulator.add(tile, { data: output, channels: 3, width: paddedW, height: paddedH });
    onTile?.(index + 1, tiles.length);
  }
  return planarToRgba(accumulator.result(), input);
}
