/**
 * The GIF encode loop timed by the gif group, shared verbatim by the browser page and node so both
 * sides run the same code: per frame gifenc quantize (256 colours) + applyPalette + writeFrame.
 * `format` is gifenc's colour-bin format ('rgb565' is its default; 'rgb444' bins coarser, quantizes ~10x
 * faster). `gifenc` is passed in because node and the page resolve the package differently.
 */
export function encodeGif(gifenc, frames, width, height, format = 'rgb565') {
  const gif = gifenc.GIFEncoder();
  for (const rgba of frames) {
    const palette = gifenc.quantize(rgba, 256, { format });
    const index = gifenc.applyPalette(rgba, palette, format);
    gif.writeFrame(index, width, height, { palette, delay: 40 });
  }
  gif.finish();
  return gif.bytes().byteLength;
}

/** Splits raw RGBA bytes (ffmpeg -f rawvideo -pix_fmt rgba) into one Uint8ClampedArray per frame. */
export function splitFrames(bytes, width, height) {
  const size = width * height * 4;
  const frames = [];
  for (let offset = 0; offset + size <= bytes.byteLength; offset += size) {
    frames.push(new Uint8ClampedArray(bytes.buffer, bytes.byteOffset + offset, size));
  }
  return frames;
}
