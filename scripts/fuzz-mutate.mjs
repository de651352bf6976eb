/**
 * The seeded mutation fuzzer's generator (issue 16): tiny base files made with Debian's ffmpeg from
 * the shared media, and deterministic mutants of them (same seed and count = same bytes, everywhere).
 * e2e/fuzz.spec.ts drops them through the app; `npm run fuzz -- --seed N --count M` runs longer.
 *
 * Operators: bit flips, truncation, splice of two files, header damage (random bytes in the first
 * KiB), box/element header damage (an MP4 box size or type, an EBML element, a PNG/JPEG chunk length
 * rewritten), zeroed ranges and a duplicated range.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedMedia = path.resolve(root, '../shared/media');

/** mulberry32: a small, well-mixed 32-bit PRNG; `int(n)` is uniform enough for fuzzing. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}

/** Base inputs: a fraction of a second at 64 px, so one mutant through the whole pipeline takes well under a second. */
const BASES = [
  { name: 'tiny.mp4', mime: 'video/mp4', args: (m) => ['-i', m('ski.mov'), '-t', '0.2', '-vf', 'scale=64:36', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '3', '-c:a', 'aac', '-ac', '1', '-b:a', '16k', '-movflags', '+faststart'] },
  { name: 'tiny.webm', mime: 'video/webm', args: (m) => ['-i', m('frames.webm'), '-t', '0.2', '-vf', 'scale=64:64', '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '100k', '-g', '3'] },
  { name: 'tiny.ts', mime: 'video/mp2t', args: (m) => ['-i', m('ski.mov'), '-t', '0.2', '-vf', 'scale=64:36', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '3', '-c:a', 'aac', '-ac', '1', '-b:a', '16k', '-f', 'mpegts'] },
  { name: 'tiny.avi', mime: 'video/x-msvideo', args: (m) => ['-i', m('ski.mov'), '-t', '0.2', '-vf', 'scale=64:36', '-c:v', 'mpeg4', '-an'] },
  { name: 'tiny.png', mime: 'image/png', args: (m) => ['-i', m('starry_in.png'), '-vf', 'scale=64:64', '-frames:v', '1'] },
  { name: 'tiny.jpg', mime: 'image/jpeg', args: (m) => ['-i', m('starry_in.png'), '-vf', 'scale=64:64', '-frames:v', '1', '-q:v', '5'] },
];

export function makeBases(dir) {
  mkdirSync(dir, { recursive: true });
  return BASES.map((base) => {
    const file = path.join(dir, base.name);
    if (!existsSync(file)) {
      execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...base.args((n) => path.join(sharedMedia, n)), file], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    return { name: base.name, mime: base.mime, bytes: readFileSync(file) };
  });
}

/** Offsets of container structure: MP4 box headers, EBML element IDs, PNG chunks, JPEG markers. */
export function structureOffsets(bytes) {
  const offsets = [];
  // MP4/MOV boxes: walk the top level and one level into moov/trak/mdia/minf/stbl.
  const walk = (from, to, depth) => {
    for (let at = from; at + 8 <= to && offsets.length < 256; ) {
      const size = bytes.readUInt32BE(at);
      const type = bytes.toString('latin1', at + 4, at + 8);
      if (!/^[a-z0-9 ]{4}$/i.test(type) || size < 8 || at + size > to) break;
      offsets.push(at);
      if (depth < 5 && /^(moov|trak|mdia|minf|stbl|edts|udta)$/.test(type)) walk(at + 8, at + size, depth + 1);
      at += size;
    }
  };
  if (bytes.length >= 8 && bytes.toString('latin1', 4, 8) === 'ftyp') walk(0, bytes.length, 0);
  // PNG chunks (length, type, data, CRC).
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes.toString('latin1', 1, 4) === 'PNG') {
    for (let at = 8; at + 12 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) offsets.push(at);
  }
  // JPEG markers, and EBML IDs of common Matroska elements (EBML, Segment, Tracks, Cluster...).
  for (let at = 0; at + 4 <= bytes.length && offsets.length < 512; at++) {
    if (bytes[0] === 0xff && bytes[at] === 0xff && bytes[at + 1] >= 0xc0 && bytes[at + 1] <= 0xfe) offsets.push(at);
    const id = bytes.readUInt32BE(at);
    if (id === 0x1a45dfa3 || id === 0x18538067 || id === 0x1654ae6b || id === 0x1f43b675 || id === 0x1549a966) offsets.push(at);
  }
  return offsets;
}

const OPERATORS = {
  /** 1-16 single-bit flips anywhere. */
  bitflip(rng, bytes) {
    const out = Buffer.from(bytes);
    for (let n = 1 + rng.int(16); n > 0; n--) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return out;
  },
  /** Cut at a random point (a half-downloaded file). */
  truncate(rng, bytes) {
    return bytes.subarray(0, rng.int(bytes.length));
  },
  /** The head of this file and the tail of another (two downloads written into one file). */
  splice(rng, bytes, other) {
    return Buffer.concat([bytes.subarray(0, rng.int(bytes.length)), other.subarray(rng.int(other.length))]);
  },
  /** 1-8 random bytes written in the first KiB, where the headers are. */
  header(rng, bytes) {
    const out = Buffer.from(bytes);
    for (let n = 1 + rng.int(8); n > 0; n--) out[rng.int(Math.min(1024, out.length))] = rng.int(256);
    return out;
  },
  /** A box/chunk/element header rewritten: its size made 0, tiny, huge or random, or its type garbled. */
  box(rng, bytes) {
    const out = Buffer.from(bytes);
    const offsets = structureOffsets(bytes);
    if (offsets.length === 0) return OPERATORS.header(rng, bytes);
    const at = rng.pick(offsets);
    if (at + 8 > out.length) return out;
    const sizes = [0, 1, 7, 8, 0xffffffff, 0x7fffffff, rng.int(2 ** 32)];
    if (rng.int(3) === 0) out.writeUInt32BE(rng.int(2 ** 32), at + 4);
    else out.writeUInt32BE(rng.pick(sizes) >>> 0, at);
    return out;
  },
  /** A run of 16-4096 bytes zeroed (a sparse or unfinished write). */
  zeros(rng, bytes) {
    const out = Buffer.from(bytes);
    const from = rng.int(out.length);
    out.fill(0, from, Math.min(out.length, from + 16 + rng.int(4080)));
    return out;
  },
  /** A range copied in twice (a resumed download that repeated a piece). */
  repeat(rng, bytes) {
    const from = rng.int(bytes.length);
    const to = Math.min(bytes.length, from + 1 + rng.int(8192));
    return Buffer.concat([bytes.subarray(0, to), bytes.subarray(from, to), bytes.subarray(to)]);
  },
};
export const OPERATOR_NAMES = Object.keys(OPERATORS);

/**
 * `count` mutants for `seed`: each { name, mime, bytes, base, op }. Mutant i depends only on
 * (seed, i), so one can be regenerated alone. Names say how each was made.
 */
export function makeMutants(bases, seed, count, first = 0) {
  const mutants = [];
  for (let i = first; i < first + count; i++) {
    const rng = prng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0);
    const base = rng.pick(bases);
    const op = rng.pick(OPERATOR_NAMES);
    const other = rng.pick(bases);
    let bytes = OPERATORS[op](rng, base.bytes, other.bytes);
    if (bytes.length === 0) bytes = base.bytes.subarray(0, 1);
    const [stem, ext] = base.name.split('.');
    mutants.push({ name: `fuzz-s${seed}-${i}-${op}-${stem}.${ext}`, mime: base.mime, bytes: Buffer.from(bytes), base: base.name, op, index: i });
  }
  return mutants;
}
