#!/usr/bin/env node
/**
 * Issue 17 part 4: the style-video GIF of ../shared/media/ski.mov (first 2 s, 456x256: the app's
 * default 256p processing size, GIF width "same as video", source rate 25 fps) before and after.
 * Frames are stylised once with onnxruntime-node (starry-night realtime fp32, the app's default
 * style) and cached; then the app's own src/media/encode/gif.ts (bundled here with rolldown) encodes
 * them in several configurations. Each row: bytes, the size estimate shown in the UI
 * (src/lib/timeline.ts estimateGifBytes) against it, and PSNR of the decoded (composited) frames
 * against the stylised frames. Not part of `npm test`.
 *
 *   node bench/profile-gif.mjs [--seconds 2] [--height 256] [--out bench/.tmp/profile-gif.json]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { tmpDir } from './lib/common.mjs';
import { GIF_CONFIGS, measureGifSizes } from './lib/gif-size.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    height: { type: 'string', default: '256' },
    model: { type: 'string', default: 'models/style/starry-night.rt.fp32.onnx' },
    out: { type: 'string', default: path.join(tmpDir, 'profile-gif.json') },
  },
});
const configs = JSON.parse(process.env.GIF_CONFIGS ?? 'null') ?? GIF_CONFIGS;
const result = await measureGifSizes({ seconds: Number(values.seconds), height: Number(values.height), model: values.model, configs });
writeFileSync(values.out, JSON.stringify({ date: new Date().toISOString(), ...result }, null, 1));
