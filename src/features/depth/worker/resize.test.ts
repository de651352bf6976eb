import { describe, expect, it } from 'vitest';
import type { Rgba } from '../../../lib/pixels';
import { resizeBicubicRgb, resizeBilinear } from './resize';

/** The test image PIL resized: pixel (x, y, c) = (37x + 91y + 53c + 7xy) mod 256, 13x9, opaque. */
function pattern(width = 13, height = 9): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) data[(y * width + x) * 4 + c] = (x * 37 + y * 91 + c * 53 + x * y * 7) % 256;
      data[(y * width + x) * 4 + 3] = 255;
    }
  return { data, width, height };
}

/**
 * Pillow 9.4 (Debian), `Image.frombytes('RGB', (13, 9), pattern).resize((w, h), Image.BICUBIC).tobytes().hex()`:
 * a shrink, an enlargement and one of each, what DPTImageProcessor runs for Depth Anything.
 */
const PIL_BICUBIC: Record<string, string> = {
  '7x5': '44799f82888b70929b8570816485866d738e7cb1668b83767a858c8a8c89887e7d7f7c85828e88847f876fa07993807792867994887a718b7f9880677c8da1688c8e6a98707e7373a387877483608c6f768e5b8d914f888677ae8b6e756276887d8e7c82679d77649a',
  '20x11':
    '002e630a3f74265b913e72b0558fcb6eade28dc5ffa8e8b5bff01ceb4e2da3064e0131660949852c63a14483b8629be37eb3b996cb0cb1e603c2f7223c6fb74d8bd66fb6d797dd57c2953ec72c684a4885256c8f4f848b6e7fa6798ac974a8e08dd36fafae32cc315b6336861a619b428a866dab9c89bdb29bdb65b99f82c762936f8e536e735b8c438d4d6fb74c9d9980b356aa6c719456a04d81c864b49391b481bd75a98e936373913a9f3a6d61479e2666bb7fc02aa17747ae2d78445daf3c93a875b88eac95bdaca2998ec244bb6769a14d70477b50675c79745cb05193da75cc87acc451dc5a839167714889580e428d2968955a9aac8ea4e1a7cd9ab5e02eec5d57b13e7b3c74935f8bca86b29d9dd520d65f3cb72561315c6c436a9a6c83d177bbfda9e998cfff3a689de385c87eb7d513f14244a22d742c699f5793db88c99ab3e41af05b3ebe297135669b5091d886c2b5b0ed26ec7737d7286f4462995194c97cb1e6d2fe4179b04d1d4f6e5467b67ca37a9cc715db4b45a833713a71906390cf9bbea8b3e7334279610e4b9b4f95ad8abd44ba9e02d21f3e713b7f1a71a95888594886964b93c698da717bb9443c6d4a7367968a8f8588bc3ec56f71bc6a946eb48c63b53a818325b9326c736a6f53a17fa98fbbad46809d0f433280c76e6cb4ae688d8ea94e56a1743371bc7b569f8b757076aa4ebe8388c756a0893c846a8153829b53ca6693a63b836e468a4e9fd68e80b4ca53879898cdab5588a9174d47599e5a8bcca794c8c1356c92325540787f47a1c77e7eb8c4275d77586c4493a15eacdfab6299be295e5d40755a85ba6db9eee700358a2f642e7bb07ac8fdcd86bbee1d526962ab65b582ade20d2f63430b43955c9bd4b3ec60a3d72c1e537b408ed1929cd1de1348833368256ca1',
  '5x14':
    '184e8d86c1d0925e492f6bb0a2d8414e829f818a94777e876a738773a77693b4a4785359609cc2a984624869a8a57b5d65889c8e75757b9d9c875e667d6f6f859d9d9376676c84989a8c724885acb59675818e827a5a6e8bc7ad8b927e8f88869780749487778392aa969a63827a7d92837a869c77856885609c6d95735a779892598d698f5b545d9f86748e679b90747d7e5b945f826d8e96648e7ea97b6e966e678e69a98762937b62928662958661947972a78c5a95916d91657a807785907c5e978a5c969f7f8b5293676ea484834d89',
};

function hexBytes(hex: string): number[] {
  return Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

describe('resizeBicubicRgb', () => {
  for (const [size, hex] of Object.entries(PIL_BICUBIC)) {
    it(`matches Pillow's BICUBIC resize to ${size} within one level`, () => {
      const [w, h] = size.split('x').map(Number);
      const ours = Array.from(resizeBicubicRgb(pattern(), w, h));
      const pil = hexBytes(hex);
      expect(ours.length).toBe(pil.length);
      const worst = Math.max(...ours.map((v, i) => Math.abs(v - pil[i])));
      expect(worst).toBeLessThanOrEqual(1);
      // Nearly every byte is identical: the only differences are Pillow's fixed-point rounding.
      const same = ours.filter((v, i) => v === pil[i]).length;
      expect(same / ours.length).toBeGreaterThan(0.97);
    });
  }

  it('keeps a flat colour flat and skips passes whose size does not change', () => {
    const flat: Rgba = { data: new Uint8ClampedArray(6 * 4 * 4).fill(200), width: 6, height: 4 };
    for (let i = 0; i < 24; i++) flat.data.set([10, 120, 240, 255], i * 4);
    const out = resizeBicubicRgb(flat, 17, 3);
    expect(out.length).toBe(17 * 3 * 3);
    for (let i = 0; i < out.length; i += 3) expect([out[i], out[i + 1], out[i + 2]]).toEqual([10, 120, 240]);
    expect(Array.from(resizeBicubicRgb(pattern(), 13, 9))).toEqual(Array.from(pattern().data).filter((_, i) => i % 4 !== 3));
  });
});

describe('resizeBilinear', () => {
  it('matches PyTorch interpolate(bilinear, align_corners=False) on a 2x2 -> 4x4 upsample', () => {
    const out = resizeBilinear(Float32Array.from([0, 1, 2, 3]), 2, 2, 4, 4);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  it('resizes to any aspect: a horizontal ramp stays a ramp, a vertical one stays vertical', () => {
    const w = 10, h = 4;
    const ramp = Float32Array.from({ length: w * h }, (_, i) => i % w);
    const out = resizeBilinear(ramp, w, h, 25, 7);
    expect(out.length).toBe(25 * 7);
    for (let y = 0; y < 7; y++) {
      expect(out[y * 25]).toBe(0);
      expect(out[y * 25 + 24]).toBe(9);
      for (let x = 1; x < 25; x++) expect(out[y * 25 + x]).toBeGreaterThanOrEqual(out[y * 25 + x - 1]);
      expect(out[y * 25 + 12]).toBeCloseTo(out[12], 6); // every row equal
    }
  });

  it('refuses a map whose length does not match its size', () => {
    expect(() => resizeBilinear(new Float32Array(5), 2, 2, 4, 4)).toThrow(/needs 4 values/);
  });
});
