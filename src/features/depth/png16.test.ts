import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { crc32, depthPngText, encodePng16Grey } from './png16';

/** The PNG's chunks, in order, read by hand (type and body). */
function chunks(png: Uint8Array): { type: string; body: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; body: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    out.push({ type: String.fromCharCode(...png.subarray(at + 4, at + 8)), body: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

describe('crc32', () => {
  it('gives the check value of CRC-32/ISO-HDLC for "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789')) ^ 0xffffffff).toBe(0xcbf43926 | 0);
  });
});

describe('encodePng16Grey', () => {
  it('writes a 16-bit greyscale PNG that pngjs decodes to the same values (odd size, extremes, ramps)', async () => {
    const width = 37, height = 11;
    const values = new Uint16Array(width * height);
    for (let i = 0; i < values.length; i++) values[i] = (i * 2749 + ((i * i) % 997)) % 65536;
    values[0] = 0;
    values[1] = 65535;
    values[2] = 256;
    values[3] = 255;
    const png = await encodePng16Grey(values, width, height);
    const decoded = PNG.sync.read(Buffer.from(png), { skipRescale: true });
    expect(decoded.width).toBe(width);
    expect(decoded.height).toBe(height);
    expect(decoded.depth).toBe(16);
    expect(decoded.color).toBe(false);
    // pngjs expands grey to RGBA; with skipRescale its samples stay 16-bit.
    const data = decoded.data as unknown as Uint16Array;
    for (let i = 0; i < values.length; i++) {
      if (data[i * 4] !== values[i] || data[i * 4 + 1] !== values[i]) throw new Error(`pixel ${i}: ${data[i * 4]} != ${values[i]}`);
    }
    const header = chunks(png)[0];
    expect(header.type).toBe('IHDR');
    expect(Array.from(header.body.subarray(8))).toEqual([16, 0, 0, 0, 0]);
  });

  it('compresses a smooth depth map well below its raw 2 bytes per pixel', async () => {
    const width = 256, height = 256;
    const values = Uint16Array.from({ length: width * height }, (_, i) => Math.round(((i % width) / (width - 1)) * 65535));
    const png = await encodePng16Grey(values, width, height);
    expect(png.length).toBeLessThan(width * height * 2 * 0.1);
    const decoded = PNG.sync.read(Buffer.from(png), { skipRescale: true });
    expect((decoded.data as unknown as Uint16Array)[255 * 4]).toBe(65535);
  });

  it('carries what the values mean in tEXt chunks', async () => {
    const png = await encodePng16Grey(new Uint16Array(4), 2, 2, depthPngText('Depth Anything V2 Small'));
    const texts = chunks(png).filter((c) => c.type === 'tEXt').map((c) => new TextDecoder('latin1').decode(c.body));
    const description = texts.find((t) => t.startsWith('Description\0'));
    expect(description).toMatch(/65535 is the nearest point/);
    expect(description).toMatch(/0 the farthest/);
    expect(description).toMatch(/Depth Anything V2 Small/);
    expect(chunks(png).map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'tEXt', 'IDAT', 'IEND']);
  });

  it('refuses values that do not fill the size', async () => {
    await expect(encodePng16Grey(new Uint16Array(5), 2, 2)).rejects.toThrow(/needs 4 values/);
    await expect(encodePng16Grey(new Uint16Array(0), 0, 0)).rejects.toThrow(/needs a size/);
  });
});
