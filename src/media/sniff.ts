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

/** An ISO-BMFF box: its type and where its payload lies, clamped to the bytes there are. */
interface Box {
  type: string;
  start: number;
  end: number;
}

/**
 * The boxes between `from` and `to`. Bounded: a size past `to` (a file cut short, or only its first
 * bytes read) is clamped to `to`; a size too small to hold its own header stops the walk. Never throws.
 */
function boxes(b: Uint8Array, from: number, to: number): Box[] {
  const found: Box[] = [];
  let at = from;
  while (at + 8 <= to && found.length < 1000) {
    let size = u32be(b, at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      const high = u32be(b, at + 8);
      size = high > 0 ? Infinity : u32be(b, at + 12); // beyond 4 GB: past anything read here anyway
      header = 16;
    } else if (size === 0) {
      size = to - at; // to the end of the file
    }
    if (size < header) break;
    found.push({ type: ascii(b, at + 4, 4), start: at + header, end: Math.min(to, at + size) });
    at += size;
  }
  return found;
}

const child = (b: Uint8Array, parent: Box | undefined, type: string, skip = 0): Box | undefined =>
  parent && boxes(b, parent.start + skip, parent.end).find((box) => box.type === type);

/**
 * HEIF/AVIF: the image spatial extents (`ispe`: version/flags, u32 width, u32 height) of the primary
 * item (`pitm`), found through the item property associations (`ipma`) in meta > iprp. When the
 * association cannot be read, the largest `ispe` stands in: a HEIC photo is often a grid of 512 px
 * tiles, each with its own ispe, under one primary item whose ispe is the whole picture's, so the
 * largest is the one a pixel limit must see.
 */
function heifSize(b: Uint8Array): { width?: number; height?: number } {
  const top = { type: 'file', start: 0, end: b.length };
  const meta = child(b, top, 'meta');
  const iprp = child(b, meta, 'iprp', 4);
  const ipco = child(b, iprp, 'ipco');
  if (!meta || !ipco) return {};
  const properties = boxes(b, ipco.start, ipco.end);
  const extents = (box: Box | undefined) =>
    box?.type === 'ispe' && box.end - box.start >= 12 ? { width: u32be(b, box.start + 4), height: u32be(b, box.start + 8) } : undefined;
  const primary = primaryItem(b, child(b, meta, 'pitm', 4));
  if (primary !== undefined && iprp) {
    for (const ipma of boxes(b, iprp.start, iprp.end).filter((box) => box.type === 'ipma')) {
      for (const index of associations(b, ipma, primary)) {
        const size = extents(properties[index - 1]);
        if (size) return size;
      }
    }
  }
  let largest: { width: number; height: number } | undefined;
  for (const box of properties) {
    const size = extents(box);
    if (size && (!largest || size.width * size.height > largest.width * largest.height)) largest = size;
  }
  return largest ?? {};
}

/** pitm: version/flags, then the item ID (u16 in version 0, u32 after). */
function primaryItem(b: Uint8Array, pitm: Box | undefined): number | undefined {
  if (!pitm) return undefined;
  const version = b[pitm.start];
  const length = pitm.end - pitm.start;
  if (version === 0 && length >= 6) return u16be(b, pitm.start + 4);
  if (version > 0 && length >= 8) return u32be(b, pitm.start + 4);
  return undefined;
}

/** The 1-based ipco indices `ipma` associates with `item` (empty when it is cut short before them). */
function associations(b: Uint8Array, ipma: Box, item: number): number[] {
  if (ipma.end - ipma.start < 8) return [];
  const version = b[ipma.start];
  const wide = (b[ipma.start + 3] & 1) === 1;
  const count = u32be(b, ipma.start + 4);
  let at = ipma.start + 8;
  for (let entry = 0; entry < count; entry++) {
    const idSize = version < 1 ? 2 : 4;
    if (at + idSize + 1 > ipma.end) return [];
    const id = idSize === 2 ? u16be(b, at) : u32be(b, at);
    const n = b[at + idSize];
    at += idSize + 1;
    const indices: number[] = [];
    for (let k = 0; k < n; k++) {
      if (at + (wide ? 2 : 1) > ipma.end) return [];
      indices.push(wide ? u16be(b, at) & 0x7fff : b[at] & 0x7f);
      at += wide ? 2 : 1;
    }
    if (id === item) return indices;
  }
  return [];
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
    return IMAGE_BRANDS.test(brand) ? { kind: 'image', format: brand.startsWith('av') ? 'avif' : 'heic', ...heifSize(b) } : { kind: 'video', format: 'mp4' };
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

/**
 * Why an image the browser could not decode was refused, for `name` (quoted by the caller): a HEIC
 * photo (an iPhone's default) is no damaged file, only one most browsers cannot open, so say that.
 */
export function unreadableImage(name: string, sniffed: Sniffed): string {
  if (sniffed.kind === 'image' && sniffed.format === 'heic') {
    return `${name} is a HEIC photo, which this browser cannot open. Convert it to JPEG first (on an iPhone: Settings › Camera › Formats › Most Compatible; on a Mac: open it in Preview and export as JPEG), or use Safari.`;
  }
  return `Could not read ${name} as an image: it may be damaged, or in a format this browser cannot open. Try a PNG, JPEG or WebP file.`;
}
