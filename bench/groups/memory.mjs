/**
 * Group 4: memory while the app turns a generated 1080p clip (testsrc2 + sine, H.264/AAC MP4) into
 * an MP4, for a 30 s and a 60 s clip: the peak must not grow with the clip's length (the pipeline
 * streams frames; only the output file itself grows). A fresh browser per clip, so each starts alike.
 * To keep the run short the clips have 5 frames/s, the app processes at its default 480p, and the
 * model is the tiny test stand-in (loaded as the user's own .onnx): this measures the pipeline's
 * memory (1080p decode, scaling, frame buffers, encoder, muxer), not a model's.
 */
import path from 'node:path';
import { chromiumArgs, chromiumPath, log, round, serve, tmpDir } from '../lib/common.mjs';
import { syntheticClip } from '../lib/clips.mjs';
import { ownChromiumPids, sampleMemory, treeMemory } from '../lib/memory.mjs';
import { chooseHeight, chooseStyle, loadVideo, openStudio, runToDownload } from '../lib/studio.mjs';
import { chromium } from 'playwright-core';

export const title = 'Peak browser memory, 1080p clip, 30 s vs 60 s';

const FPS = 5;
const LENGTHS = (process.env.BENCH_MEMORY_LENGTHS ?? "30,60").split(",").map(Number);
const HEIGHT = 480;

export async function measure() {
  const server = await serve(path.join(tmpDir, 'app'));
  const style = { id: 'custom', customFile: path.join(tmpDir, 'test-models/tiny-style.onnx') };
  const rows = [];
  try {
    for (const seconds of LENGTHS) {
      const clip = syntheticClip(seconds, FPS);
      const known = new Set(ownChromiumPids());
      const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
      const rootPid = ownChromiumPids().find((pid) => !known.has(pid));
      if (!rootPid) throw new Error('cannot find the chromium process just launched');
      try {
        const context = await browser.newContext();
        const page = await openStudio(context, server.url);
        await loadVideo(page, clip);
        await chooseStyle(page, style);
        await chooseHeight(page, HEIGHT);
        await page.getByTestId('format-mp4').check();
        const before = treeMemory(rootPid);
        const sampler = await sampleMemory(browser, page, rootPid);
        log(`memory: ${seconds} s clip running`);
        const { millis, caption } = await runToDownload(page);
        const { peak, series } = await sampler.stop();
        const size = caption.match(/([\d.]+) (B|KB|MB|GB)\s*$/);
        const outputMiB = size ? (Number(size[1]) * 1024 ** ['B', 'KB', 'MB', 'GB'].indexOf(size[2])) / 2 ** 20 : null;
        log(`memory ${seconds} s: peak RSS ${peak.rssMiB.toFixed(0)} MiB, PSS ${peak.pssMiB.toFixed(0)} MiB, ${millis} ms`);
        rows.push({
          seconds, fps: FPS, frames: seconds * FPS, clip: path.basename(clip), processingHeight: HEIGHT, wallSeconds: round(millis / 1000, 1),
          caption: caption.replace(/^BeforeAfter/, ''),
          beforeRunMiB: { rss: round(before.rssMiB, 0), pss: round(before.pssMiB, 0) },
          peakMiB: { rss: round(peak.rssMiB, 0), pss: round(peak.pssMiB, 0), pageHeap: round(peak.pageHeapMiB, 1), workerHeap: round(peak.workerHeapMiB, 1) },
          pssByTypeAtPeakMiB: Object.fromEntries(Object.entries(peak.pssByTypeAtPeak).map(([k, v]) => [k, round(v, 0)])),
          outputMiB: round(outputMiB, 2), // as the app reports it
          // Coarse series for the report: one sample every ~5 s.
          series: series.filter((_, i) => i % 20 === 0).map((s) => ({ t: round(s.t, 1), pss: round(s.pssMiB, 0), rss: round(s.rssMiB, 0) })),
        });
      } finally {
        await browser.close();
      }
    }
    const [short, long] = rows;
    return {
      rows,
      growth: {
        pssPeak60over30: round(long.peakMiB.pss / short.peakMiB.pss, 3),
        rssPeak60over30: round(long.peakMiB.rss / short.peakMiB.rss, 3),
        pssAboveIdle60over30: round((long.peakMiB.pss - long.beforeRunMiB.pss) / (short.peakMiB.pss - short.beforeRunMiB.pss), 3),
      },
      notes: [
        `Clips: testsrc2 1920x1080 at ${FPS} fps + 440 Hz sine, H.264 (ultrafast) + AAC in MP4, generated with Debian ffmpeg; decoded with WebCodecs; processed at ${HEIGHT}p with the tiny stand-in model on WASM; MP4 output.`,
        'RSS/PSS: summed over the chromium browser process and all descendants, sampled every 250 ms from /proc. pageHeap: CDP Performance.getMetrics JSHeapUsedSize (main thread); workerHeap: CDP Runtime.getHeapUsage summed over the workers (the media worker; ORT\'s pthread workers never answer and hold no JS objects of note). WASM memories and media buffers are outside the JS heap, so RSS/PSS are the figures that matter.',
      ],
    };
  } finally {
    await server.close();
  }
}
