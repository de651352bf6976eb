/**
 * The chunked ffmpeg decode plan run through the native ffmpeg CLI (the same 5.1 line as
 * ffmpeg.wasm's core) on files whose timing is awkward: every frame must come out exactly once,
 * timed from the first frame.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkDecodeArgs, parseFfmpegProbe, parseShowinfoTimes, planChunks } from './ffmpeg-probe';

const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'ffmpeg-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(args: string[]): string {
  return spawnSync('ffmpeg', ['-hide_banner', ...args], { encoding: 'utf8' }).stderr;
}

/** What frames() in ffmpeg.ts does, minus the wasm: decode each planned chunk, keep the frame times. */
function decodeTimes(path: string, trim = { start: 0, end: Infinity }, chunkSeconds = 2): number[] {
  const probe = parseFfmpegProbe(ffmpeg(['-i', path]))!;
  const origin = parseShowinfoTimes(ffmpeg(['-copyts', '-i', path, '-an', '-frames:v', '1', '-vf', 'showinfo', '-f', 'null', '-']))[0];
  return planChunks(trim, probe.duration, chunkSeconds).flatMap(({ from, to }) => {
    const args = chunkDecodeArgs({ path, origin, from, to, width: 32, height: 24, out: join(dir, 'out.rgba'), seek: true });
    return parseShowinfoTimes(ffmpeg(args)).map((t) => t - origin);
  });
}

function makeClip(name: string, codecArgs: string[]): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25', '-t', '10', ...codecArgs, '-g', '60', '-y', path]);
  return path;
}

describe.skipIf(!hasFfmpeg)('chunked ffmpeg decode', () => {
  it.each([
    ['H.264 with B-frames in AVI', 'h264-bframes.avi', ['-c:v', 'libx264', '-bf', '2', '-pix_fmt', 'yuv420p']],
    ['MPEG-4 Part 2 with B-frames in AVI', 'mpeg4-bframes.avi', ['-c:v', 'mpeg4', '-bf', '2', '-q:v', '4']],
    ['H.264 in MP4', 'h264.mp4', ['-c:v', 'libx264', '-bf', '2', '-pix_fmt', 'yuv420p']],
  ])('%s: all 250 frames once, the first at 0', (_label, name, codecArgs) => {
    const times = decodeTimes(makeClip(name, codecArgs));
    expect(times).toHaveLength(250);
    expect(times[0]).toBeCloseTo(0, 6);
    expect(new Set(times.map((t) => t.toFixed(3))).size).toBe(250);
    expect(times.at(-1)).toBeCloseTo(9.96, 2);
  });

  it('a trim in the middle of a B-frame AVI keeps exactly its frames', () => {
    const times = decodeTimes(join(dir, 'h264-bframes.avi'), { start: 3, end: 7 });
    expect(times).toHaveLength(100);
    expect(times[0]).toBeCloseTo(3, 6);
  });
});
