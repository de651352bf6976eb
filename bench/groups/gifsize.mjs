/**
 * Issue 17 part 4 inside `npm run bench`: size, quality and size estimate of the style-video GIF.
 * ski.mov's first 2 s at the app's default 456x256, stylised with onnxruntime-node, encoded by the
 * app's src/media/encode/gif.ts in each configuration and by gif.ts as it was before issue 17
 * (bench/lib/gif-size.mjs). Goals: the default at least 30 % smaller than before at the same or
 * better PSNR against the stylised frames; the estimate the UI shows within ±25 % of the real size
 * (checked on three styles, whose textures compress differently).
 */
import { log, round } from '../lib/common.mjs';
import { GIF_CONFIGS, measureGifSizes } from '../lib/gif-size.mjs';

export const title = 'GIF size and estimate: ski.mov 2 s at 456×256, before and after issue 17';

const EXTRA_STYLES = ['the-scream', 'great-wave'];

const slim = (r) => ({ label: r.label, options: r.options, frames: r.frames, bytes: r.bytes, vsBefore: round(r.vsBefore, 3), psnr: round(r.psnr, 2), transparentFrames: r.transparentFrames, transparentShare: round(r.transparentShare, 3), encodeMs: round(r.encodeMs, 0) });

export async function measure() {
  const main = await measureGifSizes({});
  const defaults = GIF_CONFIGS.filter(([label]) => label.startsWith('before') || label.startsWith('auto ('));
  const styles = [{ style: 'starry-night', estimate: main.estimate, before: main.rows[0], auto: main.rows.find((r) => r.label.startsWith('auto (')) }];
  for (const style of EXTRA_STYLES) {
    log(`gif size: ${style}`);
    const r = await measureGifSizes({ model: `models/style/${style}.rt.fp32.onnx`, configs: defaults });
    styles.push({ style, estimate: r.estimate, before: r.rows[0], auto: r.rows.find((x) => x.label.startsWith('auto (')) });
  }
  return {
    clip: main.clip,
    seconds: main.seconds,
    width: main.width,
    height: main.height,
    rows: main.rows.map(slim),
    estimates: styles.map((s) => ({ style: s.style, estimateBytes: s.estimate, actualBytes: s.auto.bytes, estimateOverActual: round(s.estimate / s.auto.bytes, 3), beforeBytes: s.before.bytes, vsBefore: round(s.auto.bytes / s.before.bytes, 3), psnr: round(s.auto.psnr, 2), psnrBefore: round(s.before.psnr, 2) })),
    notes: [
      'Frames: ski.mov 0–2 s scaled to 456×256 (the app\'s 256p), 50 frames at the source\'s 25 fps, stylised by the realtime fp32 net in onnxruntime-node; each configuration encodes the same frames with src/media/encode/gif.ts (bundled with rolldown), "before" with gif.ts at a2f6253 (a palette per frame, gifenc\'s lookup).',
      'PSNR: every decoded GIF frame composited as a viewer shows it (src/media/encode/gif-reader.ts framesRgba) against the stylised frame, RGB.',
      'Estimate: src/lib/timeline.ts estimateGifBytes, the figure the GIF options show before Run.',
    ],
  };
}
