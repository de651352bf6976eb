import type { Planar } from './pixels';

export interface Tile {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Evenly spaced spans of at most `maxSpan` covering [0, size), neighbours overlapping by >= `overlap`. */
function spans(size: number, maxSpan: number, overlap: number): Array<[number, number]> {
  if (size <= maxSpan) return [[0, size]];
  const count = Math.ceil((size - overlap) / (maxSpan - overlap));
  const span = Math.ceil((size + (count - 1) * overlap) / count);
  const result: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const start = Math.round((i * (size - span)) / (count - 1));
    result.push([start, span]);
  }
  return result;
}

/** Tiles small enough for the GPU; the overlap lets `TileAccumulator` feather away the seams. */
export function planTiles(width: number, height: number, maxTile: number, overlap: number): Tile[] {
  if (overlap * 2 >= maxTile) throw new Error('overlap must be less than half the tile size');
  const tiles: Tile[] = [];
  for (const [y, h] of spans(height, maxTile, overlap)) {
    for (const [x, w] of spans(width, maxTile, overlap)) tiles.push({ x, y, w, h });
  }
  return tiles;
}

/** Weight ramps from ~0 to 1 across the overlap on every side that has a neighbour. */
function ramp(position: number, start: number, length: number, total: number, overlap: number): number {
  let weight = 1;
  if (start > 0) weight = Math.min(weight, (position - start + 0.5) / overlap);
  if (start + length < total) weight = Math.min(weight, (start + length - position - 0.5) / overlap);
  return Math.max(1e-3, Math.min(1, weight));
}

/** Blends tile outputs into one planar image with linear feathering, normalised by the weight sum. */
export class TileAccumulator {
  private readonly sum: Float32Array;
  private readonly weights: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly channels: number,
    private readonly overlap: number,
  ) {
    this.sum = new Float32Array(channels * width * height);
    this.weights = new Float32Array(width * height);
  }

  /** `output` is the model's result for `tile`, possibly padded wider/taller (stride padding). */
  add(tile: Tile, output: Planar): void {
    const plane = this.width * this.height;
    const outPlane = output.width * output.height;
    for (let ty = 0; ty < tile.h; ty++) {
      const wy = ramp(tile.y + ty, tile.y, tile.h, this.height, this.overlap);
      for (let tx = 0; tx < tile.w; tx++) {
        const w = wy * ramp(tile.x + tx, tile.x, tile.w, this.width, this.overlap);
        const d = (tile.y + ty) * this.width + tile.x + tx;
        const s = ty * output.width + tx;
        for (let c = 0; c < this.channels; c++) this.sum[c * plane + d] += w * output.data[c * outPlane + s];
        this.weights[d] += w;
      }
    }
  }

  result(): Planar {
    const plane = this.width * this.height;
    const data = new Float32Array(this.sum.length);
    for (let c = 0; c < this.channels; c++) {
      for (let i = 0; i < plane; i++) data[c * plane + i] = this.sum[c * plane + i] / this.weights[i];
    }
    return { data, channels: this.channels, width: this.width, height: this.height };
  }
}
