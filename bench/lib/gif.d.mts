export type GifFormat = 'rgb565' | 'rgb444';
export interface Gifenc {
  GIFEncoder(): { writeFrame(index: Uint8Array, width: number, height: number, options: object): void; finish(): void; bytes(): Uint8Array };
  quantize(rgba: Uint8ClampedArray, colours: number, options?: { format?: GifFormat }): number[][];
  applyPalette(rgba: Uint8ClampedArray, palette: number[][], format?: GifFormat): Uint8Array;
}
export function encodeGif(gifenc: Gifenc, frames: Uint8ClampedArray[], width: number, height: number, format?: GifFormat): number;
export function splitFrames(bytes: Uint8Array, width: number, height: number): Uint8ClampedArray[];
