/**
 * A small GIF reader: the structure (screen, global and local colour tables, loop block, frame
 * delays) and the LZW-decoded pixels of each frame. Written for tests that must check what the GIF
 * writer made (frame count, size, loop flag, one palette, pixels), and small enough to read.
 * Interlaced frames and disposal are reported, not composited: our writer never makes them.
 */

export interface GifFrame {
  left: number;
  top: number;
  width: number;
  height: number;
  /** From the graphic control block, in milliseconds (GIF stores 1/100 s). */
  delayMs: number;
  disposal: number;
  interlaced: boolean;
  /** The frame's own colour table, or null when it uses the global one. */
  localPalette: number[][] | null;
  /** One palette index per pixel, row by row. */
  indices: Uint8Array;
}

export interface GifFile {
  width: number;
  height: number;
  globalPalette: number[][] | null;
  /** NETSCAPE2.0 loop count (0 = forever), or null without a loop block (plays once). */
  loopCount: number | null;
  frames: GifFrame[];
}

export function readGif(bytes: Uint8Array): GifFile {
  let pos = 0;
  const u8 = () => {
    if (pos >= bytes.length) throw new Error('GIF: unexpected end of file');
    return bytes[pos++];
  };
  const u16 = () => u8() | (u8() << 8);
  const table = (size: number) => Array.from({ length: size }, () => [u8(), u8(), u8()]);
  const subBlocks = (): Uint8Array => {
    const chunks: Uint8Array[] = [];
    for (let n = u8(); n > 0; n = u8()) {
      chunks.push(bytes.subarray(pos, pos + n));
      pos += n;
    }
    const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  };
  const signature = String.fromCharCode(...bytes.subarray(0, 6));
  if (signature !== 'GIF89a' && signature !== 'GIF87a') throw new Error(`not a GIF (starts "${signature}")`);
  pos = 6;
  const width = u16();
  const height = u16();
  const packed = u8();
  u8(); // background colour index
  u8(); // pixel aspect
  const globalPalette = packed & 0x80 ? table(1 << ((packed & 7) + 1)) : null;
  const gif: GifFile = { width, height, globalPalette, loopCount: null, frames: [] };
  let control = { delayMs: 0, disposal: 0 };
  for (;;) {
    const block = u8();
    if (block === 0x3b) return gif; // trailer
    if (block === 0x21) {
      const label = u8();
      const data = subBlocks();
      if (label === 0xf9) control = { delayMs: (data[1] | (data[2] << 8)) * 10, disposal: (data[0] >> 2) & 7 };
      else if (label === 0xff && String.fromCharCode(...data.subarray(0, 11)) === 'NETSCAPE2.0') {
        // The application block's data is the 11-byte identifier, then a sub-block [1, count lo, count hi].
        gif.loopCount = data[12] | (data[13] << 8);
      }
      continue;
    }
    if (block !== 0x2c) throw new Error(`GIF: unknown block 0x${block.toString(16)} at byte ${pos - 1}`);
    const left = u16();
    const top = u16();
    const w = u16();
    const h = u16();
    const flags = u8();
    const localPalette = flags & 0x80 ? table(1 << ((flags & 7) + 1)) : null;
    const minCodeSize = u8();
    const indices = lzwDecode(subBlocks(), minCodeSize, w * h);
    gif.frames.push({ left, top, width: w, height: h, ...control, interlaced: (flags & 0x40) !== 0, localPalette, indices });
    control = { delayMs: 0, disposal: 0 };
  }
}

/** GIF's variable-width LZW (codes least significant bit first, 12 bits at most). */
export function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Int32Array(4096);
  for (let c = 0; c < clear; c++) {
    suffix[c] = c;
    first[c] = c;
    length[c] = 1;
  }
  let size = end + 1;
  let codeSize = minCodeSize + 1;
  let previous = -1;
  let written = 0;
  let bitPos = 0;
  const totalBits = data.length * 8;
  const emit = (code: number) => {
    const n = length[code];
    let c = code;
    for (let k = n - 1; k >= 0; k--) {
      if (written + k < pixels) out[written + k] = suffix[c];
      c = prefix[c];
    }
    written += n;
  };
  while (bitPos + codeSize <= totalBits) {
    let code = 0;
    for (let b = 0; b < codeSize; b++, bitPos++) code |= ((data[bitPos >> 3] >> (bitPos & 7)) & 1) << b;
    if (code === clear) {
      size = end + 1;
      codeSize = minCodeSize + 1;
      previous = -1;
      continue;
    }
    if (code === end) break;
    if (previous < 0) {
      emit(code);
      previous = code;
      continue;
    }
    if (code > size) throw new Error(`GIF: bad LZW code ${code} (table has ${size})`);
    const known = code < size;
    if (size < 4096) {
      prefix[size] = previous;
      first[size] = first[previous];
      suffix[size] = known ? first[code] : first[previous];
      length[size] = length[previous] + 1;
      size++;
      if (size === 1 << codeSize && codeSize < 12) codeSize++;
    }
    emit(code);
    previous = code;
  }
  if (written < pixels) throw new Error(`GIF: a frame of ${pixels} pixels decoded to ${written}`);
  return out;
}

/** A frame as RGBA (full frames only: what our writer makes), through its local or the global table. */
export function frameRgba(gif: GifFile, index: number): Uint8ClampedArray {
  const frame = gif.frames[index];
  const palette = frame.localPalette ?? gif.globalPalette;
  if (!palette) throw new Error(`GIF frame ${index} has no colour table`);
  const out = new Uint8ClampedArray(frame.width * frame.height * 4);
  const { indices } = frame;
  for (let p = 0; p < indices.length; p++) {
    const colour = palette[indices[p]] ?? [0, 0, 0];
    out[p * 4] = colour[0];
    out[p * 4 + 1] = colour[1];
    out[p * 4 + 2] = colour[2];
    out[p * 4 + 3] = 255;
  }
  return out;
}
