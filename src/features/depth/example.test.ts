/**
 * A synthetic scene with a known depth (a ray-traced floor, wall and spheres), drawn through the
 * depth task's own colour maps and 3D-photo warp: checks that the 3D photo fills what the near sphere
 * uncovers with what was behind it, and (with DEPTH_DOCS=1) writes docs/depth-example.png, the
 * README's depth example: the scene; its depth in turbo, inferno and grey; the 3D photo's frames with
 * the camera at the left and at the right. The depth there is the scene's true inverse depth, not a
 * model's output.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { Rgba } from '../../lib/pixels';
import { applyColormap } from './colormap';
import { normalise } from './postprocess';
import { cameraOffset, PARALLAX_DEFAULTS, warpFrame } from './worker/parallax';

interface Sphere { c: [number, number, number]; r: number; rgb: [number, number, number] }
const SPHERES: Sphere[] = [
  { c: [-0.9, -0.45, 3.2], r: 0.55, rgb: [230, 70, 60] },
  { c: [0.55, -0.6, 2.2], r: 0.4, rgb: [60, 150, 230] },
  { c: [1.4, -0.2, 5.5], r: 0.8, rgb: [250, 200, 60] },
];
const WALL_Z = 8;
const FLOOR_Y = -1;

/** A pinhole camera at the origin looking down +z: colour and inverse depth (1/z) per pixel. */
function scene(width: number, height: number): { image: Rgba; inverseDepth: Float32Array } {
  const data = new Uint8ClampedArray(width * height * 4);
  const inverseDepth = new Float32Array(width * height);
  const light = [-0.5, 0.8, -0.4];
  const ln = Math.hypot(...light);
  const focal = 0.9 * width;
  for (let py = 0; py < height; py++)
    for (let px = 0; px < width; px++) {
      const d = [(px + 0.5 - width / 2) / focal, -(py + 0.5 - height / 2) / focal, 1];
      let t = Infinity;
      let rgb: number[] = [0, 0, 0];
      // Back wall: a soft vertical gradient with stripes.
      const tw = WALL_Z / d[2];
      if (tw < t) {
        t = tw;
        const x = d[0] * tw;
        const stripe = Math.floor(x * 2 + 100) % 2 ? 1 : 0.9;
        rgb = [170 * stripe, 180 * stripe, 200 * stripe];
      }
      if (d[1] < 0) {
        const tf = FLOOR_Y / d[1];
        if (tf < t) {
          t = tf;
          const x = d[0] * tf;
          const z = d[2] * tf;
          const check = (Math.floor(x * 1.5 + 100) + Math.floor(z * 1.5)) % 2;
          rgb = check ? [90, 110, 80] : [200, 205, 190];
        }
      }
      for (const s of SPHERES) {
        const oc = s.c.map((v) => -v);
        const b = d[0] * oc[0] + d[1] * oc[1] + d[2] * oc[2];
        const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        const c = oc[0] * oc[0] + oc[1] * oc[1] + oc[2] * oc[2] - s.r * s.r;
        const disc = b * b - dd * c;
        if (disc < 0) continue;
        const ts = (-b - Math.sqrt(disc)) / dd;
        if (ts > 0 && ts < t) {
          t = ts;
          const n = [d[0] * ts - s.c[0], d[1] * ts - s.c[1], d[2] * ts - s.c[2]].map((v) => v / s.r);
          const lambert = Math.max(0, (n[0] * light[0] + n[1] * light[1] + n[2] * light[2]) / ln);
          rgb = s.rgb.map((v) => v * (0.25 + 0.75 * lambert));
        }
      }
      const i = py * width + px;
      data.set([...rgb.map(Math.round), 255], i * 4);
      inverseDepth[i] = 1 / (d[2] * t); // 1 / z
    }
  return { image: { data, width, height }, inverseDepth };
}

function paste(target: Rgba, source: Rgba, x0: number, y0: number): void {
  for (let y = 0; y < source.height; y++)
    target.data.set(source.data.subarray(y * source.width * 4, (y + 1) * source.width * 4), ((y0 + y) * target.width + x0) * 4);
}

describe('the synthetic depth scene', () => {
  const width = 320, height = 240;
  const { image, inverseDepth } = scene(width, height);
  const depth = normalise(inverseDepth);

  it('has its nearest point on the near blue sphere and its farthest on the wall', () => {
    let near = 0;
    for (let i = 0; i < depth.length; i++) if (depth[i] > depth[near]) near = i;
    expect(Array.from(image.data.subarray(near * 4, near * 4 + 3)).every((v, c) => (c === 2 ? v > 60 : true))).toBe(true);
    expect(Math.min(...depth)).toBe(0);
  });

  it('3D photo: what the near sphere uncovers is filled from behind it, never with the sphere', () => {
    const offset = cameraOffset(0, { ...PARALLAX_DEFAULTS, amplitude: 0.05 }, width); // camera to the side: dx > 0, dy = 0
    const frame = warpFrame(image, depth, offset);
    let opaque = 0;
    for (let i = 3; i < frame.data.length; i += 4) if (frame.data[i] === 255) opaque++;
    expect(opaque).toBe(width * height);
    const isSphere = (rgba: Uint8ClampedArray, i: number) => rgba[i * 4 + 2] > rgba[i * 4] + 30;
    // Each row of the near sphere: its left edge moves right by s px, uncovering s px of what was behind it.
    let uncovered = 0;
    let sphereThere = 0;
    for (let y = 0; y < height; y++) {
      let left = -1;
      for (let x = 0; x < width && left < 0; x++) if (depth[y * width + x] > 0.6 && isSphere(image.data, y * width + x)) left = x;
      if (left < 0) continue;
      const shift = Math.round((depth[y * width + left] - 0.5) * offset.dx);
      for (let x = left; x < left + shift - 1; x++) {
        uncovered++;
        if (isSphere(frame.data, y * width + x)) {
          sphereThere++;
        }
      }
    }
    expect(uncovered).toBeGreaterThan(100);
    expect(sphereThere).toBe(0);
  });

  it.skipIf(!process.env.DEPTH_DOCS)('writes docs/depth-example.png (DEPTH_DOCS=1)', () => {
    const gap = 8;
    // Camera at the left and at the right of its circle: the 3D photo's two extreme frames.
    const frames = [12, 0].map((k) => warpFrame(image, depth, cameraOffset(k, { ...PARALLAX_DEFAULTS, amplitude: 0.04 }, width)));
    const sheet: Rgba = { data: new Uint8ClampedArray((3 * width + 2 * gap) * (2 * height + gap) * 4).fill(255), width: 3 * width + 2 * gap, height: 2 * height + gap };
    paste(sheet, image, 0, 0);
    paste(sheet, applyColormap(depth, width, height, 'turbo'), width + gap, 0);
    paste(sheet, applyColormap(depth, width, height, 'inferno'), 2 * (width + gap), 0);
    paste(sheet, applyColormap(depth, width, height, 'grey'), 0, height + gap);
    paste(sheet, frames[0], width + gap, height + gap);
    paste(sheet, frames[1], 2 * (width + gap), height + gap);
    const png = new PNG({ width: sheet.width, height: sheet.height });
    png.data = Buffer.from(sheet.data);
    writeFileSync(path.resolve(import.meta.dirname, '../../../docs/depth-example.png'), PNG.sync.write(png));
  });
});
