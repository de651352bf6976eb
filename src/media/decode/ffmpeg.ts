/**
 * Fallback path: ffmpeg.wasm demuxes and decodes what the browser cannot (HEVC, ProRes, AVI,
 * MPEG-4 Part 2, animated GIF...). ffmpeg.wasm cannot stream its output, so the trim is decoded
 * in chunks of a few seconds of raw RGBA at the processing size: memory stays bounded for any length.
 */
import type { FFmpeg } from '@ffmpeg/ffmpeg';
import { ALL_FORMATS, BufferSource as BytesSource, Input } from 'mediabunny';
import { DecodeDamageError, UserError } from '../../lib/errors';
import { inTrim, type Trim } from '../../lib/timeline';
import { isFfmpegHang, lastLine, loadFfmpeg, mountFile, RAW_CHUNK_BYTES, resetFfmpeg, runFfmpeg, STALL_MS, watched, type Watch } from '../ffmpeg';
import type { RgbaFrame, VideoSource } from '../frames';
import { audioNote, noVideoTrack } from './webcodecs';
import { audioOnly, chunkDecodeArgs, demuxArgs, eachChunk, implausibleDuration, parseFfmpegProbe, parseReportedTime, parseShowinfoTimes, unknownVideoCodec, type ChunkRequest, type FfmpegProbe } from './ffmpeg-probe';

const MOUNT = '/in';

/** Bounds for ffmpeg.wasm reading `name`: `open` while the file is probed, `work` while it is decoded. */
function reading(name: string, phase: keyof typeof STALL_MS): Watch {
  return { stallMs: STALL_MS[phase], doing: `reading "${name}"`, advice: 'Try the original file, or re-save it as MP4.' };
}

/**
 * Runs ffmpeg on the user's file. A damaged file can crash the ffmpeg.wasm core itself (a WASM trap,
 * "memory access out of bounds", found by the fuzzer on damaged AVIs): the crashed instance is
 * dropped and the user reads what happened instead of "Something went wrong". A core that stops
 * responding is terminated by the watch (see runFfmpeg) and its sentence passed on as it is.
 */
async function run(ffmpeg: FFmpeg, args: string[], watch: Watch, name: string): Promise<{ code: number; log: string }> {
  let result: { code: number; log: string };
  try {
    result = await runFfmpeg(ffmpeg, args, watch);
  } catch (error) {
    if (isFfmpegHang(ffmpeg, error)) throw error;
    await resetFfmpeg();
    throw crashed(name, error instanceof Error ? error.message : String(error), error);
  }
  return result;
}

/** ffmpeg's last words, without the "Aborted()" ffmpeg.wasm prints whenever ffmpeg exits with an error. */
function reason(log: string): string {
  return lastLine(log.replace(/^Aborted\(\)\s*$/gm, '').trim() || 'no output');
}

function crashed(name: string, detail: string, cause?: unknown): UserError {
  return new UserError(`"${name}" crashed the ffmpeg.wasm decoder (${detail}): the file looks damaged. Try the original file, or re-save it as MP4.`, { cause });
}

export async function openWithFfmpeg(file: Blob, name: string, appRoot: string): Promise<VideoSource> {
  const ffmpeg = await loadFfmpeg(appRoot);
  const path = await mountFile(ffmpeg, file, name, MOUNT, reading(name, 'open'));
  const { log } = await run(ffmpeg, ['-i', path], reading(name, 'open'), name);
  const probed = parseFfmpegProbe(log);
  const unknownCodec = unknownVideoCodec(log);
  if (!probed || unknownCodec) {
    await watched(ffmpeg, () => ffmpeg.unmount(MOUNT), reading(name, 'open'));
    if (unknownCodec) {
      throw new UserError(
        `"${name}" uses a video codec this app cannot decode (${unknownCodec}). Convert it to MP4 (H.264) first, for example with HandBrake or ffmpeg.`,
      );
    }
    if (audioOnly(log)) throw noVideoTrack(name);
    throw new UserError(
      `Could not read "${name}" as a video: it looks damaged or truncated (an interrupted download or copy?), or it is not a video. Try the original file, or re-save it as MP4.`,
    );
  }
  const probe = implausibleDuration(probed, file.size) ? await measuredDuration(ffmpeg, path, name, probed) : probed;
  return {
    info: { decoder: 'ffmpeg', width: probe.width, height: probe.height, duration: probe.duration, ...(probe.audioTracks > 1 ? { note: audioNote(probe.audioTracks, 1) } : {}) },
    countFrames: async (trim) => ({
      count: Math.max(1, Math.round((Math.min(trim.end, probe.duration) - trim.start) * probe.fps)),
      exact: false,
      first: trim.start,
    }),
    frames: (width, height, trim) => frames(ffmpeg, path, name, probe, width, height, trim),
    audio: () => (probe.hasAudio ? extractAudio(ffmpeg, path, name) : Promise.resolve(null)),
    dispose: () => void ffmpeg.unmount(MOUNT).catch(() => undefined),
  };
}

/** The probe with its duration measured by reading every video packet (see implausibleDuration). */
async function measuredDuration(ffmpeg: FFmpeg, path: string, name: string, probe: FfmpegProbe): Promise<FfmpegProbe> {
  const { log } = await run(ffmpeg, demuxArgs(path), reading(name, 'open'), name);
  const measured = parseReportedTime(log);
  return measured !== null && measured > 0 && measured < probe.duration ? { ...probe, duration: measured } : probe;
}

async function* frames(ffmpeg: FFmpeg, path: string, name: string, probe: FfmpegProbe, width: number, height: number, trim: Trim): AsyncGenerator<RgbaFrame> {
  const frameBytes = width * height * 4;
  const chunkSeconds = Math.min(10, Math.max(0.5, RAW_CHUNK_BYTES / (frameBytes * probe.fps)));
  const origin = await firstFrameTime(ffmpeg, path, name, probe);
  const out = '/frames.rgba';
  for (const { from, to } of eachChunk(trim, probe.duration, chunkSeconds)) {
    const request = { path, origin, from, to, width, height, out, seek: true };
    let { bytes, times } = await decodeChunk(ffmpeg, request, name);
    const seeked = chunkDecodeArgs(request)[0] === '-ss';
    if (times.length === 0 && seeked) ({ bytes, times } = await decodeChunk(ffmpeg, { ...request, seek: false }, name));
    // An empty piece: a gap in the stream, or the data ended before the duration its header claims (a
    // damaged AVI header said 429496730 s for 0.2 s of frames: millions of empty pieces, each a run).
    if (times.length === 0 && !(await framesFrom(ffmpeg, path, name, origin + from))) return;
    const count = Math.min(times.length, Math.floor(bytes.length / frameBytes));
    for (let i = 0; i < count; i++) {
      if (!inTrim(times[i], trim)) continue;
      const next = i + 1 < times.length ? times[i + 1] : Math.min(to, times[i] + 1 / probe.fps);
      const data = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset + i * frameBytes, frameBytes);
      yield { image: { data, width, height }, timestamp: times[i], duration: Math.max(1e-3, next - times[i]) };
    }
  }
}

/** Raw RGBA of one chunk and each frame's time from the first frame (showinfo keeps VFR timing). */
async function decodeChunk(ffmpeg: FFmpeg, request: ChunkRequest, name: string): Promise<{ bytes: Uint8Array; times: number[] }> {
  const watch = reading(name, 'work');
  const { code, log } = await run(ffmpeg, chunkDecodeArgs(request), watch, name);
  // Damage, not the end of the job: after good pieces the caller keeps the frames before it.
  if (code !== 0) {
    const why = reason(log);
    throw new DecodeDamageError(`ffmpeg.wasm could not decode "${name}" (${why}): the file looks damaged. Try the original file, or re-save it as MP4.`, `ffmpeg.wasm: ${why}`);
  }
  const bytes = (await watched(ffmpeg, () => ffmpeg.readFile(request.out), watch)) as Uint8Array;
  await watched(ffmpeg, () => ffmpeg.deleteFile(request.out), watch);
  return { bytes, times: parseShowinfoTimes(log).map((t) => t - request.origin) };
}

/** Whether any frame shows at or after `time` on ffmpeg's clock (decodes from the start up to the first such frame). */
async function framesFrom(ffmpeg: FFmpeg, path: string, name: string, time: number): Promise<boolean> {
  const args = ['-copyts', '-i', path, '-an', '-sn', '-vf', `select='gte(t\\,${time})',showinfo`, '-frames:v', '1', '-f', 'null', '-'];
  return parseShowinfoTimes((await run(ffmpeg, args, reading(name, 'work'), name)).log).length > 0;
}

/** When the first frame shows on ffmpeg's clock; the container start when nothing decodes. */
async function firstFrameTime(ffmpeg: FFmpeg, path: string, name: string, probe: FfmpegProbe): Promise<number> {
  const { log } = await run(ffmpeg, ['-copyts', '-i', path, '-an', '-sn', '-frames:v', '1', '-vf', 'showinfo', '-f', 'null', '-'], reading(name, 'work'), name);
  const first = parseShowinfoTimes(log)[0];
  return first !== undefined && first >= probe.start ? first : probe.start;
}

/**
 * Copies the audio stream as it is into Matroska (which holds almost any codec); the encoder then
 * copies it on into the output, or converts it where the output container cannot hold it.
 */
async function extractAudio(ffmpeg: FFmpeg, path: string, name: string): Promise<Input | null> {
  const out = '/audio.mka';
  const watch = reading(name, 'work');
  const { code } = await run(ffmpeg, ['-i', path, '-vn', '-sn', '-map', '0:a:0', '-c:a', 'copy', '-y', out], watch, name);
  if (code !== 0) return null;
  const bytes = (await watched(ffmpeg, () => ffmpeg.readFile(out), watch)) as Uint8Array;
  await watched(ffmpeg, () => ffmpeg.deleteFile(out), watch);
  return new Input({ source: new BytesSource(bytes), formats: ALL_FORMATS });
}
