/**
 * A 16-bit greyscale PNG writer (PNG spec, ISO/IEC 15948: IHDR bit depth 16, colour type 0), for the
 * depth export: browsers' canvas encoders only write 8 bits per channel.
 *
 * - Samples are big-endian, each row prefixed with filter type 1 (Sub, 2 bytes per pixel), which
 *   suits smooth depth maps.
 * - The zlib stream comes from the platform's `CompressionStream('deflate')` (RFC 1950 zlib format,
 *   exactly what IDAT holds): in every browser the app supports and in Node 18+, so no deflate of our
 *   own and no dependency.
 * - tEXt chunks carry what the values mean (see `DEPTH_PNG_TEXT`), so a file found later explains
 *   itself; Blender, Nuke and image libraries ignore them.
 */

/** CRC-32 (ISO-HDLC, polynomial 0xEDB88320) as PNG chunks use it. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  let c = crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, (crc32(out.subarray(4, 8 + body.length)) ^ 0xffffffff) >>> 0);
  return out;
}

/** tEXt: Latin-1 keyword (1-79 bytes), a zero byte, Latin-1 text. */
function textChunk(keyword: string, text: string): Uint8Array {
  const latin1 = (s: string) => Uint8Array.from(s, (ch) => {
    const code = ch.charCodeAt(0);
    if (code > 255) throw new Error(`PNG tEXt is Latin-1; "${ch}" is not`);
    return code;
  });
  const k = latin1(keyword);
  const t = latin1(text);
  const body = new Uint8Array(k.length + 1 + t.length);
  body.set(k);
  body.set(t, k.length + 1);
  return chunk('tEXt', body);
}

export async function zlibDeflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Scanlines with filter Sub: each byte minus the byte two to its left (one 16-bit sample back). */
function filteredRows(values: Uint16Array, width: number, height: number): Uint8Array {
  const stride = 1 + width * 2;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    out[row] = 1;
    let prevHi = 0;
    let prevLo = 0;
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      const hi = v >>> 8;
      const lo = v & 0xff;
      out[row + 1 + x * 2] = (hi - prevHi) & 0xff;
      out[row + 2 + x * 2] = (lo - prevLo) & 0xff;
      prevHi = hi;
      prevLo = lo;
    }
  }
  return out;
}

/**
 * A 16-bit greyscale PNG of `values` (row-major, width x height). `text` entries become tEXt chunks
 * (keyword -> text, Latin-1).
 */
export async function encodePng16Grey(values: Uint16Array, width: number, height: number, text: Readonly<Record<string, string>> = {}): Promise<Uint8Array> {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new Error(`a PNG needs a size, got ${width}x${height}`);
  if (values.length !== width * height) throw new Error(`a ${width}x${height} image needs ${width * height} values, got ${values.length}`);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 16; // bit depth
  header[9] = 0; // colour type: greyscale
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method 0 (adaptive, per-row filter bytes)
  header[12] = 0; // no interlace
  const parts = [
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...Object.entries(text).map(([k, t]) => textChunk(k, t)),
    chunk('IDAT', await zlibDeflate(filteredRows(values, width, height))),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * What the depth PNG's values mean, written into the file (tEXt "Description" and "Comment") and
 * repeated in the README.
 */
export function depthPngText(model: string): Record<string, string> {
  return {
    Software: 'ClipMorph Web',
    Description:
      `Relative inverse depth from ${model}, 16-bit greyscale. Bigger is nearer: 65535 is the nearest ` +
      'point of this photo, 0 the farthest. Min-max normalised per image; not metric and not linear ' +
      'in distance (the model gives inverse depth up to an unknown scale and offset).',
  };
}
