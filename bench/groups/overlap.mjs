/**
 * Issue 17 part 2: the overlapped video pipeline against the same pipeline run strictly in turn
 * (?pipeline=serial), and against the model alone on the same frames. ski.mov's first frames,
 * WASM, MP4 with audio, at 456x256 and 852x480, for the pipeline alone (tiny stand-in model), the
 * realtime tier and the quality tier (the app's "Best quality" for video, the shipped multi-style
 * quality model, ?tiers=all so it is offered whatever the critic says).
 *
 * Figures per row, each the median of the timed jobs:
 * - end-to-end fps = frames / wall time from Run to the download link;
 * - loop fps = frames / the worker's decode-to-encode loop (no job start, no final mux);
 * - model-only fps = frames / the time the model stage took in the serial jobs, where nothing ran
 *   beside it: the model alone over the same frames, in the same worker and session;
 * - overlapped / model-only: the goal is >= 0.9;
 * - the same with the model in a worker of its own (?modelWorker=on; the app's "auto" uses it only
 *   where the CPU has cores beyond ORT's threads, src/features/style/worker/video.ts).
 * The worker reports its per-stage times on its console (clipmorph:video-timing), read here.
 */
import path from 'node:path';
import { launchBrowser, log, median, round, serve, tmpDir } from '../lib/common.mjs';
import { skiClip } from '../lib/clips.mjs';
import { chooseHeight, chooseStyle, loadVideo, openStudio, runToDownload } from '../lib/studio.mjs';
import { styleForTier } from '../lib/styles.mjs';

export const title = 'Overlapped video pipeline: end to end vs model only (issue 17)';

const HEIGHTS = [256, 480];
const MODES = ['serial', 'overlapped', 'model worker'];
const QUERY = { serial: 'pipeline=serial', overlapped: 'modelWorker=off', 'model worker': 'modelWorker=on' };

function models(args) {
  const realtime = styleForTier('realtime');
  const frames = args.overlapFrames;
  return [
    { tier: 'pipeline only', label: 'tiny stand-in', customFile: path.join(tmpDir, 'test-models/tiny-style.onnx'), frames: { 256: frames.realtime, 480: frames.realtime } },
    { tier: 'realtime', label: realtime.id, id: realtime.id, frames: { 256: frames.realtime, 480: frames.realtime } },
    // The app's Best quality for video: the chosen built-in style through the quality model.
    { tier: 'quality', label: `${realtime.id}, best quality`, id: realtime.id, best: true, frames: { 256: frames.quality, 480: Math.max(2, Math.round(frames.quality / 2)) } },
  ];
}

async function openMode(browser, appUrl, model, mode, height, warmClip) {
  const context = await browser.newContext({ acceptDownloads: true });
  const query = ['backend=wasm', 'tiers=all', QUERY[mode]].join('&');
  const page = await openStudio(context, appUrl, query);
  const timings = [];
  page.on('console', (message) => {
    const text = message.text();
    if (text.startsWith('clipmorph:video-timing ')) timings.push(JSON.parse(text.slice('clipmorph:video-timing '.length)));
  });
  let loaded = null;
  const setUp = async (clip) => {
    if (loaded === clip) return; // same file: the settings (and a Best quality estimate) stand
    loaded = clip;
    await loadVideo(page, clip);
    await chooseStyle(page, model);
    await chooseHeight(page, height);
    await page.getByTestId('format-mp4').check();
    if (model.best) {
      await page.getByTestId('video-best').check();
      await page.getByTestId('video-estimate').and(page.locator('[data-status=done]')).waitFor({ timeout: 10 * 60_000 });
    }
  };
  if (model.best) {
    // The estimate itself warms the session up at this size (one untimed run, one timed).
    await setUp(warmClip);
  } else {
    await setUp(warmClip);
    await runToDownload(page); // warm-up: session, kernels at this size
  }
  return {
    mode,
    context,
    page,
    runs: [],
    async job(clip) {
      await setUp(clip);
      const estimate = model.best ? await page.getByTestId('video-estimate').textContent() : null;
      const before = timings.length;
      const { millis } = await runToDownload(page);
      const timing = timings[before];
      if (!timing) throw new Error('the worker reported no timing (the WebGPU route, or an older build?)');
      this.runs.push({ millis, timing, estimate });
      log(`overlap ${model.tier} ${timing.width}x${timing.height} ${mode}: ${timing.frames} frames, ${millis} ms wall, model ${Math.round(timing.millis.model)} ms, loop ${Math.round(timing.millis.wall)} ms, max in flight ${timing.maxInFlight}`);
    },
  };
}

export async function measure({ args }) {
  const browser = await launchBrowser();
  const server = await serve(path.join(tmpDir, 'app'));
  const rows = [];
  try {
    for (const model of models(args)) {
      for (const height of HEIGHTS) {
        const frames = model.frames[height];
        const clip = skiClip(frames);
        const modes = [];
        try {
          for (const mode of MODES) modes.push(await openMode(browser, server.url, model, mode, height, model.best ? clip : skiClip(2)));
          for (let r = 0; r < args.overlapRuns; r++) {
            // Alternate who goes first, so neither mode always follows the other.
            for (let j = 0; j < modes.length; j++) await modes[(j + r) % modes.length].job(clip);
          }
        } finally {
          for (const m of modes) await m.context.close();
        }
        const [serial, overlapped, worker] = modes;
        const fps = (m) => median(m.runs.map((x) => x.timing.frames / (x.millis / 1000)));
        const loopFps = (m) => median(m.runs.map((x) => x.timing.frames / (x.timing.millis.wall / 1000)));
        const modelOnlyFps = median(serial.runs.map((x) => x.timing.frames / (x.timing.millis.model / 1000)));
        const last = overlapped.runs.at(-1).timing;
        const perFrame = (m, key) => median(m.runs.map((x) => x.timing.millis[key] / x.timing.frames));
        const estimateSeconds = (text) => {
          const m = text && /About (?:(\d+) min )?(\d+) s/.exec(text);
          return m ? Number(m[1] ?? 0) * 60 + Number(m[2]) : null;
        };
        rows.push({
          tier: model.tier,
          model: model.label,
          width: last.width,
          height: last.height,
          frames: last.frames,
          serialFps: round(fps(serial), 3),
          overlappedFps: round(fps(overlapped), 3),
          serialLoopFps: round(loopFps(serial), 3),
          overlappedLoopFps: round(loopFps(overlapped), 3),
          modelOnlyFps: round(modelOnlyFps, 3),
          overlappedOverModel: round(fps(overlapped) / modelOnlyFps, 3),
          overlappedLoopOverModel: round(loopFps(overlapped) / modelOnlyFps, 3),
          serialOverModel: round(fps(serial) / modelOnlyFps, 3),
          speedup: round(fps(overlapped) / fps(serial), 3),
          workerFps: round(fps(worker), 3),
          workerOverModel: round(fps(worker) / modelOnlyFps, 3),
          workerModelMs: round(perFrame(worker, 'model'), 1),
          workerUsed: worker.runs.every((x) => x.timing.modelWorker === true),
          maxInFlight: Math.max(...overlapped.runs.map((x) => x.timing.maxInFlight)),
          msPerFrame: Object.fromEntries(['decode', 'pre', 'model', 'post', 'sink'].map((k) => [k, { serial: round(perFrame(serial, k), 1), overlapped: round(perFrame(overlapped, k), 1) }])),
          estimate: model.best
            ? { text: overlapped.runs.at(-1).estimate, seconds: estimateSeconds(overlapped.runs.at(-1).estimate), actualSeconds: round(median(overlapped.runs.map((x) => x.millis / 1000)), 1) }
            : undefined,
          runsMs: { serial: serial.runs.map((x) => x.millis), overlapped: overlapped.runs.map((x) => x.millis), modelWorker: worker.runs.map((x) => x.millis) },
        });
      }
    }
    return {
      rows,
      notes: [
        `ski.mov's first frames (bench/lib/clips.mjs), MP4 (H.264 through WebCodecs) with the AAC audio, ?backend=wasm. Per row a serial page (?pipeline=serial: decode, model, encode strictly in turn, the pipeline before issue 17), an overlapped page with the model in the pipeline's worker (?modelWorker=off, the app's default on this machine) and one with the model in a worker of its own (?modelWorker=on), each warmed up with a 2-frame job at the same size (Best quality: by its own estimate, one untimed and one timed model run), then ${args.overlapRuns} rounds alternating which goes first; medians.`,
        'end-to-end fps = frames / (Run click -> download link); loop fps = frames / the worker\'s decode-to-encode loop (without job start and the final mux); model-only fps = frames / the model stage\'s own time in the serial jobs, where nothing else ran beside it (same frames, same worker and session).',
        'Model worker: ORT\'s WASM run blocks its thread, so only with the model in a worker of its own does the pipeline\'s JavaScript run while the model runs. The app uses it ("auto") only where the CPU has at least 2 cores beyond ORT\'s min(4, cores) threads; on this 2-core machine the last columns show what it does here.',
        'Goal (issue 17): overlapped end-to-end fps >= 0.9 x model-only fps. The quality rows run the app\'s "Best quality" for video (the shipped multi-style quality model); their estimate column is what the app showed before Run, against the wall time of the timed job.',
      ],
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
