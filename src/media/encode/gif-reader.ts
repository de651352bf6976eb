/**
 * A small GIF reader: the structure (screen, global and local colour tables, loop block, frame
 * delays) and the LZW-decoded pixels of each frame. Written for tests that must check what the GIF
 * writer made (frame count, size, loop flag, one palette, pixels), and small enough to read.
 * Interlaced frames are reported, not de-interlaced: our writer never makes them. `frameRgba`
 * composites what a viewer shows: a frame's transparent pixels keep what the frames before left
 * (disposal 0/1; disposal 2 clears the frame's area to the background before the next one).
 */

export interface GifFrame {
  left: number;
  top: number;
  width: number;
  height: number;
  /** From the graphic control block, in milliseconds (GIF stores 1/100 s). */
  delayMs: number;
  disposal: number;
  /** The graphic control block's transparent colour index, or null without one. */
  transparentIndex: number | null;
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
  let control: { delayMs: number; disposal: number; transparentIndex: number | null } = { delayMs: 0, disposal: 0, transparentIndex: null };
  for (;;) {
    const block = u8();
    if (block === 0x3b) return gif; // trailer
    if (block === 0x21) {
      const label = u8();
      const data = subBlocks();
      if (label === 0xf9) control = { delayMs: (data[1] | (data[2] << 8)) * 10, disposal: (data[0] >> 2) & 7, transparentIndex: data[0] & 1 ? data[3] : null };
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
    control = { delayMs: 0, disposal: 0, transparentIndex: null };
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

/** Frame `index` as a viewer shows it (RGBA, screen size), compositing the frames before it. */
export function frameRgba(gif: GifFile, index: number): Uint8ClampedArray {
  const screen = new Uint8ClampedArray(gif.width * gif.height * 4);
  for (let i = 3; i < screen.length; i += 4) screen[i] = 255;
  for (let f = 0; f <= index; f++) {
    const frame = gif.frames[f];
    const palette = frame.localPalette ?? gif.globalPalette;
    if (!palette) throw new Error(`GIF frame ${f} has no colour table`);
    const { indices, transparentIndex } = frame;
    for (let y = 0; y < frame.height; y++) {
      for (let x = 0; x < frame.width; x++) {
        const k = indices[y * frame.width + x];
        if (k === transparentIndex) continue;
        const sx = frame.left + x;
        const sy = frame.top + y;
        if (sx >= gif.width || sy >= gif.height) continue;
        const colour = palette[k] ?? [0, 0, 0];
        const o = (sy * gif.width + sx) * 4;
        screen[o] = colour[0];
        screen[o + 1] = colour[1];
        screen[o + 2] = colour[2];
      }
    }
    if (f < index && frame.disposal === 2) {
      for (let y = frame.top; y < Math.min(gif.height, frame.top + frame.height); y++) {
        for (let x = frame.left; x < Math.min(gif.width, frame.left + frame.width); x++) screen.fill(0, (y * gif.width + x) * 4, (y * gif.width + x) * 4 + 3);
      }
    }
  }
  return screen;
}

/** Every frame as a viewer shows it, in one pass (frameRgba for each index, without recompositing). */
export function framesRgba(gif: GifFile): Uint8ClampedArray[] {
  const out: Uint8ClampedArray[] = [];
  const single: GifFile = { ...gif, frames: [] };
  let screen: Uint8ClampedArray | null = null;
  for (const [i, frame] of gif.frames.entries()) {
    // Composite this frame over the last screen: a one-frame GIF whose "previous" state is `screen`.
    single.frames = [frame];
    const next = frameRgba(single, 0);
    if (screen && i > 0) {
      const { indices, transparentIndex } = frame;
      const prevDisposal = gif.frames[i - 1].disposal;
      for (let p = 0; p < indices.length; p++) {
        if (indices[p] !== transparentIndex) continue;
        const o = p * 4;
        if (prevDisposal === 2) next.fill(0, o, o + 3);
        else next.set(screen.subarray(o, o + 3), o);
      }
    }
    out.push(next);
    screen = next;
  }
  return out;
}
