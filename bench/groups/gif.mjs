/**
 * Group 6: GIF encode speed for 480p frames (real ski.mov frames, 852x480): gifenc quantize +
 * applyPalette + writeFrame, in the bench page's worker vs node, same code (bench/lib/gif.mjs).
 * Timed with gifenc's default colour bins (rgb565) and with rgb444, whose quantize is ~10x faster.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as gifenc from 'gifenc';
import { launchBrowser, log, median, round, run, serve, sharedDir, tmpDir } from '../lib/common.mjs';
import { encodeGif, splitFrames } from '../lib/gif.mjs';
import { openBenchPage } from './latency.mjs';

export const title = 'GIF encode (gifenc), browser vs node';

const WIDTH = 852;
const HEIGHT = 480;
const FRAMES = 8;
const FORMATS = ['rgb565', 'rgb444'];

function rawFrames() {
  const dir = path.join(tmpDir, 'page/data');
  const file = path.join(dir, `ski-480p-${FRAMES}.rgba`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    run('ffmpeg', ['-v', 'error', '-y', '-i', path.join(sharedDir, 'media/ski.mov'), '-frames:v', String(FRAMES), '-f', 'rawvideo', '-pix_fmt', 'rgba', file]);
  }
  return file;
}

export async function measure({ args }) {
  const file = rawFrames();
  const frames = splitFrames(new Uint8Array(readFileSync(file)), WIDTH, HEIGHT);
  const inNode = (format) => {
    const started = performance.now();
    const bytes = encodeGif(gifenc.default ?? gifenc, frames, WIDTH, HEIGHT, format);
    return { millis: performance.now() - started, bytes };
  };
  const browser = await launchBrowser();
  const server = await serve(path.join(tmpDir, 'page'));
  const rows = [];
  try {
    const page = await openBenchPage(browser, server.url);
    const inPage = (format) =>
      page.evaluate(([u, w, h, f]) => window.bench.gif(u, w, h, f), [`data/${path.basename(file)}`, WIDTH, HEIGHT, format]);
    for (const format of FORMATS) {
      await inPage(format);
      inNode(format);
      const browserRuns = [];
      const nodeRuns = [];
      let bytes = {};
      for (let i = 0; i < Math.min(args.runs, 3); i++) {
        const b = await inPage(format);
        const n = inNode(format);
        browserRuns.push(b.millis);
        nodeRuns.push(n.millis);
        bytes = { browser: b.bytes, node: n.bytes };
      }
      const browserFps = (frames.length * 1000) / median(browserRuns);
      const nodeFps = (frames.length * 1000) / median(nodeRuns);
      log(`gif ${format}: browser ${browserFps.toFixed(2)} fps, node ${nodeFps.toFixed(2)} fps`);
      rows.push({
        format, browserFps: round(browserFps), nodeFps: round(nodeFps), ratio: round(browserFps / nodeFps),
        browserRunsMs: browserRuns.map((v) => round(v, 0)), nodeRunsMs: nodeRuns.map((v) => round(v, 0)), gifBytes: bytes,
      });
    }
    return {
      frames: frames.length, width: WIDTH, height: HEIGHT, rows,
      notes: [`${frames.length} frames of ski.mov (852x480 RGBA), a 256-colour palette per frame, median of ${Math.min(args.runs, 3)} runs after a warm-up; browser side in a worker of the bench page, ratio = browser fps / node fps.`],
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
