/** The parts of gifenc (MIT, no bundled types) this app uses. */
declare module 'gifenc' {
  export type Palette = number[][];
  export interface GifEncoder {
    /**
     * The first frame writes the logical screen, `palette` as the global colour table and, unless
     * `repeat` is -1, the loop block (0 = forever). A later frame with a `palette` gets it as a
     * local table; without one it uses the global table.
     */
    writeFrame(index: Uint8Array, width: number, height: number, options: { palette?: Palette; delay: number; repeat?: number; transparent?: boolean; transparentIndex?: number; dispose?: number }): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(): GifEncoder;
  export type ColorFormat = 'rgb565' | 'rgb444' | 'rgba4444';
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, options?: { format?: ColorFormat }): Palette;
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: Palette, format?: ColorFormat): Uint8Array;
}
