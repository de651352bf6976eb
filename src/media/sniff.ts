/**
 * What a file is by its first bytes, whatever its name says, and for images the size their header
 * claims (read without decoding anything). Pure, for tests.
 */
export type Sniffed =
  | { kind: 'image'; format: 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic'; width?: number; height?: number }
  | { kind: 'video'; format: string }
  | { kind: 'text' }
  | { kind: 'unknown' };

const ascii = (b: Uint8Array, at: number, length: number) => String.fromCharCode(...b.subarray(at, at + length));
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);

/** JPEG: the first start-of-frame marker's size (SOF0..SOF15, not DHT/JPG/DAC). */
function jpegSize(b: Uint8Array): { width?: number; height?: number } {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return {};
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    at += 2 + u16be(b, at + 2);
  }
  return {};
}

function webpSize(b: Uint8Array): { width?: number; height?: number } {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X' && b.length >= 30) return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  if (chunk === 'VP8 ' && b.length >= 30) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return {};
}

const IMAGE_BRANDS = /^(avif|avis|heic|heix|heim|heis|hevc|mif1|msf1)$/;

/** Mostly printable text (UTF-8 allowed), no NUL bytes: a note, a page, JSON, a log. */
function isText(b: Uint8Array): boolean {
  const sample = b.subarray(0, 512);
  if (sample.length === 0) return false;
  let printable = 0;
  for (const c of sample) {
    if (c === 0) return false;
    if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128) printable++;
  }
  return printable === sample.length;
}

export function sniffBytes(b: Uint8Array): Sniffed {
  if (b.length >= 24 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') {
    return { kind: 'image', format: 'png', ...(ascii(b, 12, 4) === 'IHDR' ? { width: u32be(b, 16), height: u32be(b, 20) } : {}) };
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', format: 'jpeg', ...jpegSize(b) };
  if (b.length >= 10 && ascii(b, 0, 4) === 'GIF8') return { kind: 'image', format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
  if (b.length >= 16 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return { kind: 'image', format: 'webp', ...webpSize(b) };
  if (b.length >= 16 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'AVI ') return { kind: 'video', format: 'avi' };
  if (b.length >= 26 && ascii(b, 0, 2) === 'BM' && u32be(b, 6) === 0 && [12, 40, 52, 56, 108, 124].includes(u16le(b, 14))) {
    return { kind: 'image', format: 'bmp', width: u16le(b, 18) | (u16le(b, 20) << 16), height: Math.abs(new DataView(b.buffer, b.byteOffset).getInt32(22, true)) };
  }
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4).trim();
    return IMAGE_BRANDS.test(brand) ? { kind: 'image', format: brand.startsWith('av') ? 'avif' : 'heic' } : { kind: 'video', format: 'mp4' };
  }
  if (isText(b)) return { kind: 'text' };
  if (b.length >= 8 && /^(moov|mdat|wide|free|skip|pnot)$/.test(ascii(b, 4, 4))) return { kind: 'video', format: 'mov' };
  if (b.length >= 4 && u32be(b, 0) === 0x1a45dfa3) return { kind: 'video', format: 'matroska' };
  if (b.length >= 4 && ascii(b, 0, 4) === 'OggS') return { kind: 'video', format: 'ogg' };
  if (b.length >= 3 && ascii(b, 0, 3) === 'FLV') return { kind: 'video', format: 'flv' };
  if (b.length >= 4 && u32be(b, 0) === 0x000001ba) return { kind: 'video', format: 'mpeg-ps' };
  if (b.length >= 189 && b[0] === 0x47 && b[188] === 0x47) return { kind: 'video', format: 'mpeg-ts' };
  if (b.length >= 16 && u32be(b, 0) === 0x3026b275) return { kind: 'video', format: 'asf' };
  return { kind: 'unknown' };
}
