/**
 * The style-video GIF of ../shared/media/ski.mov (first `seconds`, `height` px: the app's default 256p
 * processing size, GIF width "same as video", source rate 25 fps) encoded by the app's own
 * src/media/encode/gif.ts (bundled with rolldown) in several configurations, against gif.ts as it
 * was before issue 17 (commit a2f6253). Frames are stylised once with onnxruntime-node and cached.
 * Each row: bytes, PSNR of the decoded (composited) frames against the stylised frames, and the
 * size estimate the UI shows (src/lib/timeline.ts estimateGifBytes). Used by bench/profile-gif.mjs
 * and the bench's "gifsize" group.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { build } from 'rolldown';
import { log, root, sharedDir, tmpDir } from './common.mjs';

async function bundle() {
  const entry = path.join(tmpDir, 'profile-gif-entry.ts');
  mkdirSync(tmpDir, { recursive: true });
  // "Before" is gif.ts as committed before issue 17 (commit a2f6253), its imports pointed at src/.
  const before = execFileSync('git', ['show', 'a2f6253:src/media/encode/gif.ts'], { cwd: root, encoding: 'utf8' })
    .replaceAll("'../../lib/", `'${path.join(root, 'src/lib')}/`)
    .replace("/// <reference path=\"./gifenc.d.ts\" />", '')
    .replace(/import type .*'\.\/writer';/, '');
  writeFileSync(path.join(tmpDir, 'profile-gif-before.ts'), before.replace('implements FrameWriter', ''));
  writeFileSync(entry, `export { GifWriter as GifWriterBefore } from './profile-gif-before';\nexport { GifWriter } from '../../src/media/encode/gif';\nexport { readGif, framesRgba } from '../../src/media/encode/gif-reader';\nexport { estimateGifBytes, gifFrameCount } from '../../src/lib/timeline';\n`);
  const file = path.join(tmpDir, 'profile-gif-bundle.mjs');
  await build({ input: entry, platform: 'node', logLevel: 'silent', output: { file, format: 'esm' }, write: true });
  return import(`${file}?t=${Date.now()}`);
}

async function stylisedFrames(seconds, height, model) {
  const clip = path.join(sharedDir, 'media/ski.mov');
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', clip], { encoding: 'utf8' })).streams[0];
  // The app's fitHeight(..., 4): height as chosen, width to the aspect, both multiples of 4.
  const width = Math.round((probe.width * height) / probe.height / 4) * 4;
  const cache = path.join(tmpDir, `profile-gif-${path.basename(model, '.onnx')}-${width}x${height}-${seconds}s.raw`);
  const frameBytes = width * height * 4;
  if (!existsSync(cache)) {
    const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', clip, '-t', String(seconds), '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
    const count = raw.length / (width * height * 3);
    const session = await ort.InferenceSession.create(path.join(root, model), { executionProviders: ['cpu'], intraOpNumThreads: 2 });
    const out = new Uint8Array(count * frameBytes);
    for (let f = 0; f < count; f++) {
      const input = new Float32Array(3 * width * height);
      const base = f * width * height * 3;
      for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) input[c * width * height + i] = raw[base + i * 3 + c] / 255;
      const result = await session.run({ input: new ort.Tensor('float32', input, [1, 3, height, width]) });
      const y = result.output.data;
      for (let i = 0; i < width * height; i++) {
        for (let c = 0; c < 3; c++) out[f * frameBytes + i * 4 + c] = Math.max(0, Math.min(255, Math.round(y[c * width * height + i] * 255)));
        out[f * frameBytes + i * 4 + 3] = 255;
      }
    }
    writeFileSync(cache, out);
    log(`stylised ${count} frames of ski.mov at ${width}x${height} -> ${path.relative(root, cache)}`);
  }
  const bytes = readFileSync(cache);
  const frames = [];
  // Each frame in its own buffer, as the app's frames are (gifenc reads a view's whole underlying buffer).
  for (let o = 0; o + frameBytes <= bytes.length; o += frameBytes) frames.push({ width, height, data: new Uint8ClampedArray(bytes.subarray(o, o + frameBytes)) });
  return frames;
}

function psnr(decoded, frames) {
  let se = 0;
  let n = 0;
  for (let f = 0; f < frames.length; f++) {
    const a = decoded[f];
    const b = frames[f].data;
    for (let i = 0; i < b.length; i++) {
      if ((i & 3) === 3) continue;
      const d = a[i] - b[i];
      se += d * d;
      n++;
    }
  }
  return 10 * Math.log10((255 * 255) / (se / n));
}

export const GIF_CONFIGS = [
  ['before: per-frame palettes, gifenc lookup (the old default)', { palette: 'per-frame', transparency: false, lossy: -1, legacy: true }],
  ['per-frame palettes, exact', { palette: 'per-frame', transparency: false, lossy: -1 }],
  ['shared palette (refined), exact, no transparency', { palette: 'shared', transparency: false, lossy: -1 }],
  ['shared palette (refined) + transparency, exact LZW', { lossy: -1 }],
  ['shared palette (refined) + transparency 4 + lossy LZW 4', { tolerance: 4, lossy: 4 }],
  ['auto (new default): shared palette (refined) + transparency 8 + lossy LZW 10', {}],
  ['transparency 8 + lossy LZW 12 (the default until the eighth session)', { lossy: 12 }],
  ['auto + transparency 10 + lossy LZW 16 (smaller still)', { tolerance: 10, lossy: 16 }],
  ['auto + bayer dither', { dither: 'bayer' }],
  ['auto + blue-noise dither', { dither: 'blue-noise' }],
];

export async function measureGifSizes({ seconds = 2, height = 256, model = 'models/style/starry-night.rt.fp32.onnx', configs = GIF_CONFIGS } = {}) {
  const gif = await bundle();
  const frames = await stylisedFrames(seconds, height, model);
  const { width } = frames[0];
  const estimate = gif.estimateGifBytes(width, height, gif.gifFrameCount(Math.ceil(seconds * 25), seconds, 0));
  const rows = [];
  for (const [label, options] of configs) {
    const { legacy, ...rest } = options;
    const writer = legacy ? new gif.GifWriterBefore({ width: 0, fps: 0, palette: 'per-frame' }) : new gif.GifWriter({ width: 0, fps: 0, ...rest });
    const started = performance.now();
    for (const [i, frame] of frames.entries()) await writer.add(frame, i / 25, 1 / 25);
    const result = await writer.finish();
    const ms = performance.now() - started;
    const bytes = new Uint8Array(await result.blob.arrayBuffer());
    const parsed = gif.readGif(bytes);
    const decoded = gif.framesRgba(parsed);
    const transparentShare = parsed.frames.reduce((n, f) => n + (f.transparentIndex === null ? 0 : f.indices.filter((k) => k === f.transparentIndex).length), 0) / (parsed.frames.length * width * height);
    const row = { label, options, frames: result.frames, bytes: bytes.length, transparentFrames: writer.transparentFrames ?? 0, transparentShare, psnr: psnr(decoded, frames), encodeMs: ms };
    rows.push(row);
    log(`${label.padEnd(64)} ${(row.bytes / 1e6).toFixed(3)} MB  PSNR ${row.psnr.toFixed(2)} dB  transparent frames ${row.transparentFrames}/${row.frames} (${(transparentShare * 100).toFixed(0)} % of pixels)  ${(ms / 1000).toFixed(1)} s`);
  }
  const before = rows[0].bytes;
  for (const r of rows) r.vsBefore = r.bytes / before;
  const auto = rows.find((r) => r.label.startsWith('auto')) ?? rows[0];
  log(`estimate ${(estimate / 1e6).toFixed(3)} MB vs auto ${(auto.bytes / 1e6).toFixed(3)} MB: ${((estimate / auto.bytes - 1) * 100).toFixed(1)} %`);
  return { clip: 'ski.mov', seconds, width, height, model, estimate, rows };
}
