/**
 * Group 3: the original ClipMorph server pipeline (bench/clipmorph_server.py: ffmpeg JPEG frames ->
 * PyTorch CPU per frame -> JPEG -> ffmpeg libx264 + audio) on the same clip, tier and weights as
 * the video group. The report divides our fps (video group) by this fps.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { log, median, round, spawnAsync, tmpDir, root } from '../lib/common.mjs';
import { skiClip } from '../lib/clips.mjs';
import { styleForTier } from '../lib/styles.mjs';

export const title = 'Original ClipMorph server pipeline (PyTorch CPU + ffmpeg), same machine';

const TIERS = ['realtime', 'quality'];

export async function serverRun({ tier, clip, frames }) {
  const style = styleForTier(tier);
  const ckpt = path.join(root, 'training/runs/main/ckpt.pt');
  const args = ['bench/clipmorph_server.py', '--input', clip, '--output', path.join(tmpDir, `server-${tier}.mp4`), '--frames', String(frames), '--threads', String(os.cpus().length)];
  if (style?.standIn) args.push('--onnx', style.onnx);
  else if (style) args.push('--onnx', style.onnx, '--style-id', style.id, ...(existsSync(ckpt) ? ['--ckpt', ckpt] : []));
  else args.push('--tier', tier);
  const { stdout } = await spawnAsync('/usr/bin/python3', args);
  return { ...JSON.parse(stdout.trim().split('\n').pop()), style: style?.id ?? null };
}

export function serverRow(tier, clip, frames, runs) {
  const last = runs.at(-1);
  return {
    tier, style: last.style, clip: path.basename(clip), frames, width: last.width, height: last.height, weights: last.weights, architecture: last.architecture,
    fps: round(median(runs.map((r) => r.fps)), 3), inferFps: round(median(runs.map((r) => r.inferFps)), 3), runs: runs.map((r) => r.seconds),
  };
}

export async function measure({ args, results, fresh }) {
  const notes = [
    'fps = frames / (extract + inference + encode) seconds; the model load and one warm-up pass are left out (the server kept its model loaded).',
    `Median of ${args.videoRuns} runs; torch.set_num_threads(${os.cpus().length}).`,
  ];
  // Run together with the video group, the server runs were interleaved with its jobs: report those.
  if (fresh?.has('video') && results.groups.video?.server?.length) {
    return { rows: results.groups.video.server, notes: [...notes, 'These runs were made inside the video group, interleaved with the browser jobs.'] };
  }
  const rows = [];
  for (const tier of TIERS) {
    const frames = args.videoFrames[tier];
    const clip = skiClip(frames);
    const runs = [];
    for (let i = 0; i < args.videoRuns; i++) {
      log(`server ${tier}: run ${i + 1}, ${frames} frames`);
      runs.push(await serverRun({ tier, clip, frames }));
    }
    rows.push(serverRow(tier, clip, frames, runs));
    log(`server ${tier}: ${rows.at(-1).fps} fps (inference only ${rows.at(-1).inferFps})`);
  }
  return { rows, notes };
}
