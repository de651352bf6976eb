import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { heifHeader, hugeJpegHeader, hugePngHeader } from '../../scripts/make-bad-media.mjs';
import { sniffBytes, unreadableImage } from './sniff';

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

describe('sniffBytes: HEIF (AVIF, HEIC) sizes from the primary item ispe', () => {
  it('reads a real AVIF that ffmpeg encodes', () => {
    // The AVIF muxer needs a seekable output: a file, not a pipe.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sniff-')), 'red.avif');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=red:s=48x32', '-frames:v', '1', '-c:v', 'libaom-av1', '-still-picture', '1', '-cpu-used', '8', file]);
    const avif = readFileSync(file);
    rmSync(path.dirname(file), { recursive: true });
    expect(sniffBytes(new Uint8Array(avif))).toEqual({ kind: 'image', format: 'avif', width: 48, height: 32 });
  });

  it('reads a header claiming 30000x30000, which the pixel limit refuses', () => {
    const sniffed = sniffBytes(new Uint8Array(heifHeader({ brand: 'avif', items: [[30000, 30000]] })));
    expect(sniffed).toEqual({ kind: 'image', format: 'avif', width: 30000, height: 30000 });
    expect(sniffBytes(new Uint8Array(heifHeader({ brand: 'heic', items: [[4032, 3024]] })))).toEqual({ kind: 'image', format: 'heic', width: 4032, height: 3024 });
  });

  it('takes the primary item through ipma, not the first or largest ispe', () => {
    // A 640x480 photo with a 30000x30000 auxiliary item listed first in ipco: the photo's size counts.
    const header = heifHeader({ brand: 'heic', items: [[640, 480], [30000, 30000]], order: [1, 0] });
    expect(sniffBytes(new Uint8Array(header))).toMatchObject({ width: 640, height: 480 });
    // A grid photo (tiles of 512 listed first): the primary grid's whole size.
    const grid = heifHeader({ brand: 'heic', items: [[8064, 6048], [512, 512], [512, 512]], order: [1, 2, 0] });
    expect(sniffBytes(new Uint8Array(grid))).toMatchObject({ width: 8064, height: 6048 });
  });

  it('without associations the largest ispe stands in', () => {
    const header = heifHeader({ brand: 'avif', items: [[512, 512], [20000, 21000], [64, 64]], ipma: false });
    expect(sniffBytes(new Uint8Array(header))).toMatchObject({ width: 20000, height: 21000 });
  });

  it('truncated boxes and sizes past the end give no size or the size there is, and never throw', () => {
    const whole = heifHeader({ brand: 'avif', items: [[30000, 30000]] });
    const ispe = whole.indexOf('ispe', 0, 'latin1');
    const seen = new Set<string>();
    for (let length = 0; length <= whole.length; length++) {
      const sniffed = sniffBytes(new Uint8Array(whole.subarray(0, length)));
      seen.add(JSON.stringify(sniffed));
      if (length >= 12) expect(sniffed).toMatchObject({ kind: 'image', format: 'avif' });
      // A size is only ever the true one, and only once the ispe's 12 bytes are all there.
      if ('width' in sniffed && sniffed.width !== undefined) {
        expect(sniffed).toMatchObject({ width: 30000, height: 30000 });
        expect(length).toBeGreaterThanOrEqual(ispe + 4 + 12);
      }
    }
    expect(seen.size).toBeGreaterThan(2);
    // meta's size field claims far more than the file: read within the bytes there are.
    const bigMeta = Buffer.from(whole);
    const meta = bigMeta.indexOf('meta', 0, 'latin1') - 4;
    bigMeta.writeUInt32BE(0x7fffffff, meta);
    expect(sniffBytes(new Uint8Array(bigMeta))).toMatchObject({ format: 'avif', width: 30000, height: 30000 });
    // Sizes too small to be boxes, zero (to the end), 64-bit: no throw, no invented size.
    for (const size of [0, 1, 2, 7, 0xffffffff]) {
      const broken = Buffer.from(whole);
      broken.writeUInt32BE(size, meta);
      const sniffed = sniffBytes(new Uint8Array(broken));
      expect(sniffed).toMatchObject({ kind: 'image', format: 'avif' });
      if ('width' in sniffed && sniffed.width !== undefined) expect(sniffed).toMatchObject({ width: 30000, height: 30000 });
    }
    const ispeBox = Buffer.from(whole);
    ispeBox.writeUInt32BE(9, ispe - 4); // an ispe too short to hold its fields
    expect(sniffBytes(new Uint8Array(ispeBox))).toEqual({ kind: 'image', format: 'avif' });
  });

  it('random bytes after an AVIF ftyp never throw', () => {
    const ftyp = heifHeader().subarray(0, 28);
    let x = 12345;
    for (let i = 0; i < 500; i++) {
      const junk = Buffer.alloc(200);
      for (let k = 0; k < junk.length; k++) {
        x = (x * 1103515245 + 12345) >>> 0;
        junk[k] = x >>> 24;
      }
      // Some boxes with plausible small sizes and the types the parser looks for.
      junk.writeUInt32BE(150, 0);
      junk.write('meta', 4, 'latin1');
      junk.write(['iprp', 'ipco', 'ispe', 'pitm', 'ipma'][i % 5], 12 + (i % 40), 'latin1');
      expect(() => sniffBytes(new Uint8Array(Buffer.concat([ftyp, junk])))).not.toThrow();
    }
  });
});

describe('unreadableImage', () => {
  it('names HEIC as a format to convert, not a damaged file; anything else gets the general sentence', () => {
    expect(unreadableImage('"IMG_0042.HEIC"', sniffBytes(new Uint8Array(heifHeader({ brand: 'heic', items: [[4032, 3024]] }))))).toMatch(
      /^"IMG_0042\.HEIC" is a HEIC photo, which this browser cannot open\. Convert it to JPEG first/,
    );
    expect(unreadableImage('"x.avif"', sniffBytes(new Uint8Array(heifHeader())))).toMatch(/^Could not read "x\.avif" as an image: it may be damaged/);
    expect(unreadableImage('"x.jpg"', { kind: 'unknown' })).toMatch(/^Could not read "x\.jpg" as an image/);
  });
});
