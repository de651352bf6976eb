/**
 * Group 2: end to end video in the built app, through the UI: ski.mov frames (852x480, processed at
 * the original size) decoded, stylised on WASM and encoded to MP4 with the audio. Two decode paths:
 * WebCodecs (the .mov) and ffmpeg.wasm (the same H.264 + AAC streams copied into AVI, a container
 * the WebCodecs path cannot demux, so the app falls back to ffmpeg.wasm). Encode is WebCodecs in
 * both. fps = frames / (Run click -> download link ready), after a warm-up job on a short clip
 * (session creation, ffmpeg.wasm load); the app's own fps figure (decode->encode loop) is kept too.
 * The original server pipeline (group 3) runs interleaved with these jobs, for the ours/server ratio.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, log, median, round, run, serve, tmpDir } from '../lib/common.mjs';
import { skiClip } from '../lib/clips.mjs';
import { chooseHeight, chooseStyle, loadVideo, openStudio, parseVideoCaption, runToDownload } from '../lib/studio.mjs';
import { styleForTier } from '../lib/styles.mjs';
import { serverRow, serverRun } from './server.mjs';

export const title = 'End-to-end video: ski.mov to MP4 in the browser (WebCodecs vs ffmpeg.wasm decode)';

export const TIERS = ['realtime', 'quality'];
const WARM_UP_FRAMES = 3;

function asAvi(movClip) {
  const file = movClip.replace(/\.mov$/, '.avi');
  if (!existsSync(file)) run('ffmpeg', ['-v', 'error', '-y', '-i', movClip, '-c', 'copy', '-r', '25', file]);
  return file;
}

/**
 * The tiers with a trained model, plus the tiny test stand-in (as the user's own .onnx): its model
 * time is near zero, so its row is the pipeline alone (decode, pixel conversions, encode, mux).
 */
export function videoStyles() {
  const styles = TIERS.map((tier) => ({ tier, ...styleForTier(tier) })).filter((s) => s.id);
  return [...styles, { tier: 'pipeline only', id: 'tiny stand-in', customFile: path.join(tmpDir, 'test-models/tiny-style.onnx') }];
}

/**
 * One page per decode path, warmed up with a short job; returns a runner for timed jobs. `steady`:
 * the steady-strokes box (on by default in the app; off for the pipeline-only row that prices it).
 */
async function openPath(browser, appUrl, style, [label, clip, warm, steady = true]) {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openStudio(context, appUrl);
  const decoder = await loadVideo(page, warm);
  if (decoder !== label) throw new Error(`expected the ${label} path, the app chose ${decoder}`);
  await chooseStyle(page, style);
  await chooseHeight(page, 0);
  await page.getByTestId('format-mp4').check();
  await page.getByTestId('video-steady').setChecked(steady);
  const name = `${label}${steady ? '' : ', steady off'}`;
  log(`video ${style.tier} ${name}: warm-up (${WARM_UP_FRAMES} frames)`);
  await runToDownload(page);
  const timed = [];
  return {
    label, clip, context, timed, steady,
    async job() {
      await loadVideo(page, clip);
      if (style.customFile) await chooseStyle(page, style);
      await page.getByTestId('video-steady').setChecked(steady);
      const { millis, caption } = await runToDownload(page);
      const facts = parseVideoCaption(caption);
      timed.push({ millis, ...facts, fps: facts.frames / (millis / 1000) });
      log(`video ${style.tier} ${name}: ${facts.frames} frames in ${millis} ms (${facts.appFps} fps in the app)`);
    },
  };
}

export async function measure({ args }) {
  const browser = await launchBrowser();
  const server = await serve(path.join(tmpDir, 'app'));
  const rows = [];
  const serverRows = [];
  const runs = args.videoRuns;
  try {
    for (const style of videoStyles()) {
      const frames = args.videoFrames[style.tier] ?? args.videoFrames.realtime; // the stand-in: as many as realtime
      const mov = skiClip(frames);
      const warmMov = skiClip(WARM_UP_FRAMES);
      const paths = [];
      try {
        const specs = [['webcodecs', mov, warmMov], ['ffmpeg', asAvi(mov), asAvi(warmMov)]];
        // The pipeline alone with steady strokes off too: what the filter (and its motion search) costs a frame.
        if (style.tier === 'pipeline only') specs.push(['webcodecs', mov, warmMov, false]);
        for (const spec of specs) paths.push(await openPath(browser, server.url, style, spec));
        // The original server pipeline on the same clip, interleaved with our jobs (none for the
        // pipeline-only row: the server has no such mode).
        const serverRuns = [];
        const runners = paths.map((p) => () => p.job());
        if (!style.customFile || style.standIn) {
          runners.push(async () => {
            const result = await serverRun({ tier: style.tier, clip: mov, frames });
            serverRuns.push(result);
            log(`video ${style.tier} server: ${result.fps} fps`);
          });
        }
        // Rotate who goes first each round, so no runner always follows the same one.
        for (let r = 0; r < runs; r++) {
          for (let j = 0; j < runners.length; j++) await runners[(j + r) % runners.length]();
        }
        const serverFps = serverRuns.length ? median(serverRuns.map((x) => x.fps)) : null;
        if (serverRuns.length) serverRows.push(serverRow(style.tier, mov, frames, serverRuns));
        for (const p of paths) {
          const last = p.timed.at(-1);
          const fps = median(p.timed.map((t) => t.fps));
          rows.push({
            tier: style.tier, style: style.id, path: p.label, steady: p.steady, clip: path.basename(p.clip), frames: last.frames, width: last.width, height: last.height,
            hasAudio: last.hasAudio, fps: round(fps, 3), appFps: round(median(p.timed.map((t) => t.appFps)), 3), runsMs: p.timed.map((t) => t.millis),
            serverFps: round(serverFps, 3), oursOverServer: serverFps ? round(fps / serverFps, 3) : null,
          });
        }
      } finally {
        for (const p of paths) await p.context.close();
      }
    }
    return {
      rows,
      server: serverRows,
      notes: [
        `Per tier, the WebCodecs job, the ffmpeg.wasm job and the original server pipeline (bench/clipmorph_server.py, group "server") run in rotation, ${runs} rounds, median per row; each browser path first gets a ${WARM_UP_FRAMES}-frame warm-up job in its own page. ?backend=wasm, processing height "Original" (852x480), MP4 output (H.264 via WebCodecs) with the AAC audio.`,
        'fps = frames / wall time from the Run click to the download link; appFps = the figure the app shows (its decode->model->encode loop, without job start-up and the final mux).',
        'The ffmpeg.wasm row feeds the same H.264/AAC streams in an AVI container (stream copy), which the WebCodecs path cannot demux. The "pipeline only" rows use the tiny stand-in model (as the user\'s own .onnx): what the app spends per frame outside the model.',
        'Steady strokes (src/media/steady.ts, following the camera\'s motion, src/media/motion.ts) are on in every row, as in the app, except the pipeline-only row marked "steady strokes off", run in the same rotation: their cost a frame is the difference of those two rows.',
      ],
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
