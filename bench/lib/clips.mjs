/** Video clips the video, server and memory groups feed the app, generated with Debian ffmpeg. */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { run, sharedDir, tmpDir } from './common.mjs';

const clipsDir = path.join(tmpDir, 'clips');

/**
 * The first `frames` frames of ski.mov (852x480, 25 fps, H.264/AAC), same container, re-encoded
 * without B-frames so that a stream copy into AVI (the ffmpeg.wasm path) keeps exact frame timing.
 */
export function skiClip(frames) {
  mkdirSync(clipsDir, { recursive: true });
  const file = path.join(clipsDir, `ski-${frames}f.mov`);
  if (!existsSync(file)) {
    run('ffmpeg', ['-v', 'error', '-y', '-i', path.join(sharedDir, 'media/ski.mov'), '-frames:v', String(frames),
      '-t', String(frames / 25), '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-bf', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file]);
  }
  return file;
}

/** A synthetic 1080p clip (testsrc2 + sine), H.264/AAC MP4, `seconds` long at `fps`. */
export function syntheticClip(seconds, fps) {
  mkdirSync(clipsDir, { recursive: true });
  const file = path.join(clipsDir, `testsrc2-1080p-${seconds}s-${fps}fps.mp4`);
  if (!existsSync(file)) {
    run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=${fps}:duration=${seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file]);
  }
  return file;
}
