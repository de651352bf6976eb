#!/usr/bin/env node
/**
 * Bad and unusual media for the reliability tests (issue 16), made at test time with Debian's ffmpeg
 * from the shared media (`../shared/media` beside the project). Everything is tiny: at most 1 s and
 * 320 px, so the browser test that drops them stays quick.
 *
 *   node scripts/make-bad-media.mjs [outDir]     (default .cache/bad-media)
 *
 * `makeBadMedia(dir)` returns the cases: { name, mime, file, expect } where `expect` says what the
 * app must do with it (see e2e/bad-media.spec.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sharedMedia = path.resolve(root, '../shared/media');

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A deterministic byte flipper (xorshift32) so a "bit-flipped" file is the same on every run. */
function flipBits(bytes, seed, count, from) {
  const out = Buffer.from(bytes);
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  for (let i = 0; i < count; i++) {
    const at = from + (next() % (out.length - from));
    out[at] ^= 1 << (next() % 8);
  }
  return out;
}

/** A CRC-32 for PNG chunks. */
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG signature and IHDR claiming `width` x `height`, followed by a few bytes of image data. */
export function hugePngHeader(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real small JPEG whose SOF0 frame header is rewritten to claim `width` x `height`. */
export function hugeJpegHeader(jpeg, width, height) {
  const out = Buffer.from(jpeg);
  for (let i = 2; i + 9 < out.length; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1];
    const length = out.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + length;
  }
  throw new Error('no SOF marker in the JPEG');
}

/** An ISO-BMFF box; `version` makes it a full box (version/flags before the payload). */
function box(type, payload, version) {
  const body = version === undefined ? payload : Buffer.concat([Buffer.from([version, 0, 0, 0]), payload]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + body.length);
  return Buffer.concat([size, Buffer.from(type, 'latin1'), body]);
}

const u16 = (v) => Buffer.from([v >> 8, v & 255]);
const u32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};

/**
 * A hand-made HEIF header (AVIF or HEIC by `brand`): ftyp, then meta with hdlr, pitm (primary item
 * 1), iprp > ipco holding one `ispe` per item and ipma tying item n to property n. `items`: each
 * item's [width, height], the primary first; `order` lists the properties' places in ipco (so the
 * primary's need not come first); `ipma: false` leaves the associations out. A few bytes of mdat
 * follow: enough to sniff, nothing a browser can decode.
 */
export function heifHeader({ brand = 'avif', items = [[30000, 30000]], order, ipma = true } = {}) {
  const places = order ?? items.map((_, i) => i);
  const ipco = box('ipco', Buffer.concat(places.map((i) => box('ispe', Buffer.concat([u32(items[i][0]), u32(items[i][1])]), 0))));
  const entries = items.map((_, i) => Buffer.concat([u16(i + 1), Buffer.from([1, 0x80 | (places.indexOf(i) + 1)])]));
  const iprp = box('iprp', Buffer.concat([ipco, ...(ipma ? [box('ipma', Buffer.concat([u32(items.length), ...entries]), 0)] : [])]));
  const hdlr = box('hdlr', Buffer.concat([u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), Buffer.from([0])]), 0);
  const meta = box('meta', Buffer.concat([hdlr, box('pitm', u16(1), 0), iprp]), 0);
  const ftyp = box('ftyp', Buffer.concat([Buffer.from(brand, 'latin1'), u32(0), Buffer.from(`${brand}mif1miaf`, 'latin1')]));
  return Buffer.concat([ftyp, meta, box('mdat', Buffer.from([0x12, 0, 0x0a, 0x0a, 0, 0, 0, 0]))]);
}

/**
 * 2 s of ski.mov at 128x72, 24 fps (48 frames, a key frame every 12, AAC audio, index at the front)
 * written to `dir`/clip48.mp4, and a copy named `name` whose video packet `at` has an impossible
 * length field: Chromium's decoder fails there, the packets before it are whole. Returns the clip's
 * path and bytes.
 */
export function damagedClip(dir, at, name) {
  mkdirSync(dir, { recursive: true });
  const clip = path.join(dir, 'clip48.mp4');
  ffmpeg(['-i', path.join(sharedMedia, 'ski.mov'), '-t', '2', '-vf', 'scale=128:72,fps=24', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '12', '-c:a', 'aac', '-b:a', '32k', '-movflags', '+faststart', clip]);
  const bytes = readFileSync(clip);
  const packets = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pos', '-of', 'csv=p=0', clip], { encoding: 'utf8' }).trim().split('\n').map(Number);
  const broken = Buffer.from(bytes);
  broken.writeUInt32BE(0xffffffff, packets[at]);
  writeFileSync(path.join(dir, name), broken);
  return { clip, bytes, damaged: path.join(dir, name) };
}

/**
 * What the app must do with a case:
 *  - { error: /text/ }                              a clear, specific alert
 *  - { video: { decoder, width, height, frames } }  accepted, then a style run gives this output
 *    (frames: exact count, or [min, max]); `info` text the video's caption must contain; `partial`
 *    the note beside a partial result (data-testid=result-warning: how many frames, up to when), whose
 *    count and time must match the file; `audio` an AAC track; `runError` the alert instead of a result
 *  - { image: { width, height } }                   accepted as a photo, output of this size
 */
export function makeBadMedia(dir = path.join(root, '.cache/bad-media')) {
  mkdirSync(dir, { recursive: true });
  const ski = path.join(sharedMedia, 'ski.mov');
  const starry = path.join(sharedMedia, 'starry_in.png');
  const out = (name) => path.join(dir, name);
  const cases = [];
  const add = (name, mime, expect, file = out(name)) => cases.push({ name, mime, file, expect });

  // Sources: a 1 s, 320x180 H.264 + AAC MP4 (index at the front), and small images.
  const base = out('base.mp4');
  ffmpeg(['-i', ski, '-t', '1', '-vf', 'scale=320:180', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-c:a', 'aac', '-b:a', '32k', '-movflags', '+faststart', base]);
  const png = out('base.png');
  ffmpeg(['-i', starry, '-vf', 'scale=160:-2', png]);
  const jpg = out('base.jpg');
  ffmpeg(['-i', starry, '-vf', 'scale=160:-2', '-q:v', '4', jpg]);
  const baseBytes = readFileSync(base);
  const jpgBytes = readFileSync(jpg);

  // Zero bytes, as an image and as a video.
  writeFileSync(out('empty.png'), Buffer.alloc(0));
  add('empty.png', 'image/png', { error: /"empty\.png" is empty \(0 bytes\)/ });
  writeFileSync(out('empty.mp4'), Buffer.alloc(0));
  add('empty.mp4', 'video/mp4', { error: /"empty\.mp4" is empty \(0 bytes\)/ });

  // Truncated and bit-flipped.
  writeFileSync(out('truncated.jpg'), jpgBytes.subarray(0, 300));
  add('truncated.jpg', 'image/jpeg', { error: /Could not read "truncated\.jpg" as an image/ });
  // Flips in the entropy-coded data: Chromium refuses the whole picture rather than show it damaged.
  writeFileSync(out('bitflip.jpg'), flipBits(jpgBytes, 7, 12, Math.floor(jpgBytes.length / 2)));
  add('bitflip.jpg', 'image/jpeg', { error: /Could not read "bitflip\.jpg" as an image/ });
  // The index survives at the front (faststart); the frames past the cut are gone.
  writeFileSync(out('truncated.mp4'), baseBytes.subarray(0, Math.floor(baseBytes.length * 0.5)));
  add('truncated.mp4', 'video/mp4', { video: { width: 320, height: 180, frames: [1, 24], partial: /"truncated\.mp4" ends early: only \d+ of 25 frames could be read/ } });
  // Cut before the index is complete: nothing to play.
  writeFileSync(out('header-only.mp4'), baseBytes.subarray(0, 600));
  add('header-only.mp4', 'video/mp4', { error: /Could not read "header-only\.mp4" as a video/ });
  writeFileSync(out('bitflip.mp4'), flipBits(baseBytes, 11, 20, Math.floor(baseBytes.length / 3)));
  // Opens (the index is intact), but Chromium's decoder stops at the damaged frames: the frames before
  // them make a partial result, and the note beside it says so (it was an error with no result before).
  add('bitflip.mp4', 'video/mp4', { video: { decoder: 'webcodecs', width: 320, height: 180, frames: [1, 24], audio: true, partial: /"bitflip\.mp4" is damaged after [\d.]+ s: the first \d+ of 25 frames were stylised; the rest could not be decoded/ } });

  // Damaged part-way (issue 16): the frames before the damage make a partial result, said beside it,
  // with the audio up to the same point. A 48-frame clip with AAC (damagedClip), packet 29 broken:
  const { bytes: clipBytes } = damagedClip(dir, 29, 'damaged-at-29.mp4');
  add('damaged-at-29.mp4', 'video/mp4', { video: { decoder: 'webcodecs', width: 128, height: 72, frames: 29, audio: true, partial: /"damaged-at-29\.mp4" is damaged after [\d.]+ s: the first \d+ of 48 frames were stylised/ } });
  // Seeded bit flips in the second half of the media data (the index, at the front, stays whole).
  const mdat = clipBytes.indexOf('mdat', 0, 'latin1') + 4;
  const half = mdat + Math.floor((clipBytes.length - mdat) / 2);
  writeFileSync(out('bitflip-tail.mp4'), flipBits(clipBytes, 5, 24, half));
  add('bitflip-tail.mp4', 'video/mp4', { video: { decoder: 'webcodecs', width: 128, height: 72, frames: [1, 47], audio: true, partial: /"bitflip-tail\.mp4" is damaged after [\d.]+ s: the first \d+ of 48 frames were stylised/ } });
  // Cut at 60 % of the media data: the index still promises 48 frames.
  writeFileSync(out('cut-60.mp4'), clipBytes.subarray(0, mdat + Math.floor((clipBytes.length - mdat) * 0.6)));
  add('cut-60.mp4', 'video/mp4', { video: { decoder: 'webcodecs', width: 128, height: 72, frames: [1, 47], audio: true, partial: /"cut-60\.mp4" ends early: only \d+ of 48 frames could be read \(up to [\d.]+ s\)/ } });

  // Wrong extensions: the content decides.
  writeFileSync(out('video-named.png'), baseBytes);
  add('video-named.png', 'image/png', { video: { decoder: 'webcodecs', width: 320, height: 180, frames: 25 } });
  writeFileSync(out('photo-named.mp4'), readFileSync(png));
  add('photo-named.mp4', 'video/mp4', { image: { width: 160 } });
  writeFileSync(out('text-named.jpg'), Buffer.from('These are my holiday notes, not a photo.\n'.repeat(20)));
  add('text-named.jpg', 'image/jpeg', { error: /"text-named\.jpg" is not an image or a video: it holds text/ });

  // A header claiming a picture far beyond memory: refused before any decoding.
  writeFileSync(out('huge-header.png'), hugePngHeader(20000, 20000));
  add('huge-header.png', 'image/png', { error: /"huge-header\.png" is 20000x20000 pixels \(400 MP\); the limit is 100 MP/ });
  writeFileSync(out('huge-header.jpg'), hugeJpegHeader(jpgBytes, 30000, 24000));
  add('huge-header.jpg', 'image/jpeg', { error: /"huge-header\.jpg" is 30000x24000 pixels \(720 MP\)/ });

  // The same for AVIF (the size read from its ispe property); and a HEIC, which Chromium cannot open at all.
  writeFileSync(out('huge-header.avif'), heifHeader({ brand: 'avif', items: [[30000, 30000]] }));
  add('huge-header.avif', 'image/avif', { error: /"huge-header\.avif" is 30000x30000 pixels \(900 MP\); the limit is 100 MP/ });
  writeFileSync(out('photo.heic'), heifHeader({ brand: 'heic', items: [[4032, 3024]] }));
  add('photo.heic', 'image/heic', { error: /"photo\.heic" is a HEIC photo, which this browser cannot open\. Convert it to JPEG/ });

  // No video track at all.
  ffmpeg(['-i', ski, '-t', '1', '-vn', '-c:a', 'aac', '-b:a', '32k', '-f', 'mp4', out('audio-only.mp4')]);
  add('audio-only.mp4', 'video/mp4', { error: /"audio-only\.mp4" has no video track \(only audio\)/ });

  // A codec nobody here decodes: H.264 stored under an unknown FourCC in AVI.
  // (ffmpeg will not write an unknown tag, so the FourCC is patched in the AVI headers afterwards.)
  ffmpeg(['-i', base, '-an', '-c:v', 'copy', out('unknown-codec.avi')]);
  const avi = readFileSync(out('unknown-codec.avi'));
  const head = avi.subarray(0, 4096);
  for (const tag of ['H264', 'h264', 'avc1']) for (let at = head.indexOf(tag); at >= 0; at = head.indexOf(tag, at + 4)) head.write('QQQQ', at, 'latin1');
  writeFileSync(out('unknown-codec.avi'), avi);
  add('unknown-codec.avi', 'video/x-msvideo', { error: /"unknown-codec\.avi" uses a video codec this app cannot decode \(QQQQ\)/ });
  // HEVC: Chromium on Linux has no HEVC decoder without a platform one; ffmpeg.wasm decodes it.
  ffmpeg(['-i', base, '-an', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=none', '-tag:v', 'hvc1', out('hevc.mp4')]);
  add('hevc.mp4', 'video/mp4', { video: { width: 320, height: 180, frames: 25 } });

  // Odd width and height (VP9 allows them; H.264 4:2:0 does not).
  ffmpeg(['-i', ski, '-t', '1', '-vf', 'scale=317:191,setsar=1', '-an', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k', out('odd-317x191.webm')]);
  add('odd-317x191.webm', 'video/webm', { video: { decoder: 'webcodecs', info: '317×191', frames: 25 } });

  // An edit list: the first 0.4 s of the track are cut by the container, not by re-encoding.
  ffmpeg(['-ss', '0.4', '-i', base, '-c', 'copy', '-movflags', '+faststart', out('edit-list.mp4')]);
  add('edit-list.mp4', 'video/mp4', { video: { decoder: 'webcodecs', width: 320, height: 180, frames: 15 } });

  // MPEG-TS cut mid-GOP: the first packets belong to a GOP whose keyframe is gone.
  const ts = out('base.ts');
  ffmpeg(['-i', base, '-c', 'copy', '-f', 'mpegts', ts]);
  const tsBytes = readFileSync(ts);
  const cut = Math.floor(tsBytes.length / 3 / 188) * 188;
  writeFileSync(out('mid-gop.ts'), tsBytes.subarray(cut));
  add('mid-gop.ts', 'video/mp2t', { video: { width: 320, height: 180, frames: [8, 20] } });

  // Non-square pixels: 320x180 stored, SAR 4:3, shown 427x180 (rounded to even: 426 or 428).
  ffmpeg(['-i', base, '-an', '-vf', 'setsar=4/3', '-c:v', 'libx264', '-preset', 'ultrafast', out('sar-4x3.mp4')]);
  add('sar-4x3.mp4', 'video/mp4', { video: { decoder: 'webcodecs', info: /42[678]×180/, frames: 25 } });

  // Alpha: VP9 with yuva420p in WebM.
  ffmpeg(['-i', base, '-an', '-vf', 'format=yuva420p,colorchannelmixer=aa=0.5', '-c:v', 'libvpx-vp9', '-pix_fmt', 'yuva420p', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k', out('alpha.webm')]);
  add('alpha.webm', 'video/webm', { video: { decoder: 'webcodecs', width: 320, height: 180, frames: 25 } });

  // Two audio tracks: the first (default) is kept, and the UI says so.
  ffmpeg(['-i', base, '-i', ski, '-t', '1', '-map', '0:v', '-map', '0:a', '-map', '1:a', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '32k', '-disposition:a:0', 'default', '-disposition:a:1', '0', out('two-audio.mp4')]);
  add('two-audio.mp4', 'video/mp4', { video: { decoder: 'webcodecs', info: /2 audio tracks: the first is kept/, frames: 25, audio: true } });

  // MKV carrying Annex-B H.264 (start codes in the packets, as some recorders write it).
  ffmpeg(['-i', base, '-an', '-c:v', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264', out('annexb.h264')]);
  ffmpeg(['-r', '25', '-i', out('annexb.h264'), '-c:v', 'copy', out('annexb.mkv')]);
  add('annexb.mkv', 'video/x-matroska', { video: { width: 320, height: 180, frames: 25 } });

  // A phone video with rotation metadata.
  ffmpeg(['-i', base, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out('rotated.mp4')]);
  add('rotated.mp4', 'video/mp4', { video: { decoder: 'webcodecs', info: '180×320', width: 180, height: 320, frames: 25 } });

  // Variable frame rate: 10 frames 40 ms apart, then 100 ms apart.
  ffmpeg(['-i', base, '-t', '1', '-an', '-vf', "setpts='if(lt(N,10),N*0.04,0.4+(N-10)*0.1)/TB'", '-fps_mode', 'passthrough', '-c:v', 'libx264', '-preset', 'ultrafast', out('vfr.mp4')]);
  add('vfr.mp4', 'video/mp4', { video: { decoder: 'webcodecs', width: 320, height: 180, frames: 16 } });

  return cases;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? path.join(root, '.cache/bad-media'));
  for (const c of makeBadMedia(dir)) console.log(`${c.name.padEnd(20)} ${JSON.stringify(c.expect, (_k, v) => (v instanceof RegExp ? String(v) : v))}`);
}
