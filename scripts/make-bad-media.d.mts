export const sharedMedia: string;
export function hugePngHeader(width: number, height: number): Buffer;
export function hugeJpegHeader(jpeg: Uint8Array, width: number, height: number): Buffer;
export function heifHeader(options?: { brand?: string; items?: [number, number][]; order?: number[]; ipma?: boolean }): Buffer;
export function damagedClip(dir: string, at: number, name: string): { clip: string; bytes: Buffer; damaged: string };
export type BadMediaExpect =
  | { error: RegExp }
  | { image: { width: number } }
  | {
      video: {
        decoder?: 'webcodecs' | 'ffmpeg';
        info?: string | RegExp;
        width?: number;
        height?: number;
        frames?: number | [number, number];
        runError?: RegExp;
        audio?: boolean;
        /** The note beside a partial result (data-testid=result-warning). */
        partial?: RegExp;
      };
    };
export interface BadMediaCase {
  name: string;
  mime: string;
  file: string;
  expect: BadMediaExpect;
}
export function makeBadMedia(dir?: string): BadMediaCase[];
