import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hugeJpegHeader, hugePngHeader } from '../../scripts/make-bad-media.mjs';
import { sniffBytes } from './sniff';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('sniffBytes', () => {
  it('reads the size a PNG header claims without decoding', () => {
    expect(sniffBytes(new Uint8Array(hugePngHeader(20000, 20001)))).toEqual({ kind: 'image', format: 'png', width: 20000, height: 20001 });
  });

  it('reads the size from a JPEG frame header, past APP segments', () => {
    const jpeg = execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=red:s=48x32', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'mjpeg', '-']);
    expect(sniffBytes(new Uint8Array(jpeg))).toMatchObject({ kind: 'image', format: 'jpeg', width: 48, height: 32 });
    expect(sniffBytes(new Uint8Array(hugeJpegHeader(jpeg, 30000, 24000)))).toMatchObject({ width: 30000, height: 24000 });
  });

  it('tells containers apart by content, not name', () => {
    const mp4 = new Uint8Array(32);
    mp4.set(bytes('\0\0\0\x20ftypisom'));
    expect(sniffBytes(mp4)).toEqual({ kind: 'video', format: 'mp4' });
    mp4.set(bytes('heic'), 8);
    expect(sniffBytes(mp4)).toMatchObject({ kind: 'image', format: 'heic' });
    expect(sniffBytes(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 0, 0, 0]))).toMatchObject({ kind: 'video', format: 'matroska' });
    const ts = new Uint8Array(376);
    ts[0] = ts[188] = 0x47;
    expect(sniffBytes(ts)).toMatchObject({ kind: 'video', format: 'mpeg-ts' });
    expect(sniffBytes(bytes('GIF89a\x40\x01\xf0\x00'))).toEqual({ kind: 'image', format: 'gif', width: 320, height: 240 });
  });

  it('calls text text (even starting with G or a TS-like pattern) and random bytes unknown', () => {
    expect(sniffBytes(bytes('These are my holiday notes.\n'))).toEqual({ kind: 'text' });
    expect(sniffBytes(bytes('G'.repeat(400)))).toEqual({ kind: 'text' });
    expect(sniffBytes(new Uint8Array([0, 1, 2, 3, 250, 0, 7]))).toEqual({ kind: 'unknown' });
    expect(sniffBytes(new Uint8Array(0))).toEqual({ kind: 'unknown' });
  });
});
