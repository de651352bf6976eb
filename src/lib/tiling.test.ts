import { describe, expect, it } from 'vitest';
import { planTiles, TileAccumulator } from './tiling';

describe('planTiles', () => {
  it('uses one tile when the image fits', () => {
    expect(planTiles(800, 600, 1024, 32)).toEqual([{ x: 0, y: 0, w: 800, h: 600 }]);
  });
  it('covers a 6000x4000 photo with tiles no larger than the limit, overlapping enough', () => {
    const tiles = planTiles(6000, 4000, 1024, 32);
    const covered = new Uint8Array(6000 * 4000);
    for (const t of tiles) {
      expect(t.w).toBeLessThanOrEqual(1024);
      expect(t.h).toBeLessThanOrEqual(1024);
      for (let y = t.y; y < t.y + t.h; y++) covered.fill(1, y * 6000 + t.x, y * 6000 + t.x + t.w);
    }
    expect(covered.every((c) => c === 1)).toBe(true);
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    const w = tiles[0].w;
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1] + w - xs[i]).toBeGreaterThanOrEqual(32);
  });
});

describe('TileAccumulator', () => {
  const width = 300;
  const height = 200;
  const value = (x: number, y: number) => (x * 7 + y * 3) / 2000;

  function run(tileOutput: (x: number, y: number, tileIndex: number) => number) {
    const tiles = planTiles(width, height, 128, 16);
    const acc = new TileAccumulator(width, height, 1, 16);
    tiles.forEach((t, i) => {
      const padded = { w: t.w + 2, h: t.h + 1 }; // outputs may be stride-padded
      const data = new Float32Array(padded.w * padded.h);
      for (let y = 0; y < t.h; y++) for (let x = 0; x < t.w; x++) data[y * padded.w + x] = tileOutput(t.x + x, t.y + y, i);
      acc.add(t, { data, channels: 1, width: padded.w, height: padded.h });
    });
    return { tiles, result: acc.result() };
  }

  it('reassembles tiles without seams when every tile agrees', () => {
    const { tiles, result } = run(value);
    expect(tiles.length).toBeGreaterThan(4);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) expect(result.data[y * width + x]).toBeCloseTo(value(x, y), 5);
  });

  it('feathers tiles that disagree, so no hard edge appears at a seam', () => {
    // Each tile is offset by its own constant (what instance norm does to tiles): the largest jump
    // between neighbouring pixels must stay far below the offset difference between tiles.
    const { result } = run((x, y, i) => value(x, y) + (i % 2) * 0.2);
    let worst = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 1; x < width; x++) worst = Math.max(worst, Math.abs(result.data[y * width + x] - result.data[y * width + x - 1]));
    }
    expect(worst).toBeLessThan(0.2 / 8);
  });
});
