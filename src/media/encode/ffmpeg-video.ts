/**
 * MP4 (H.264) / WebM (VP9) through ffmpeg.wasm, for browsers whose VideoEncoder lacks both codecs.
 * Frames are gathered into chunks of raw RGBA, each chunk encoded to a segment as soon as it is full
 * (so memory holds one chunk plus compressed segments), then the segments are joined and the
 * source's audio is copied in. ffmpeg reads raw frames at a constant rate, so this path writes the
 * clip's average frame rate: variable frame timing is kept only by the WebCodecs path.
 */
import type { FFmpeg } from '@ffmpeg/ffmpeg';
import { UserError } from '../../lib/errors';
import type { Rgba } from '../../lib/pixels';
import { isFfmpegHang, lastLine, loadFfmpeg, mountFile, RAW_CHUNK_BYTES, runFfmpeg, STALL_MS, watched, type Watch } from '../ffmpeg';
import type { VideoContainer } from './video';
import type { EncodedVideo, FrameWriter } from './writer';

const DIR = '/encode';
const AUDIO_MOUNT = '/audio-source';

const VIDEO_ARGS: Record<VideoContainer, string[]> = {
  mp4: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p'],
  webm: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-crf', '32', '-b:v', '0', '-pix_fmt', 'yuv420p'],
};
/** Used only when the source's audio codec cannot be copied into the container. */
const AUDIO_ARGS: Record<VideoContainer, string[]> = { mp4: ['-c:a', 'aac', '-b:a', '160k'], webm: ['-c:a', 'libopus', '-b:a', '128k'] };
const MIME: Record<VideoContainer, string> = { mp4: 'video/mp4', webm: 'video/webm' };

/** Every ffmpeg.wasm call here is watched (see runFfmpeg): a core that stops responding is terminated. */
function encoding(container: VideoContainer): Watch {
  return {
    stallMs: STALL_MS.work,
    doing: `writing the ${container.toUpperCase()} video`,
    advice: 'Try again, or choose another output format (GIF does not need ffmpeg.wasm).',
  };
}

export interface FfmpegAudio {
  file: Blob;
  name: string;
  /** Source-timeline range whose audio goes with the frames. */
  start: number;
  end: number;
}

export class FfmpegVideoWriter implements FrameWriter {
  private chunk: Uint8Array;
  private framesInChunk = 0;
  private frames = 0;
  private readonly segments: string[] = [];

  private constructor(
    private readonly ffmpeg: FFmpeg,
    private readonly container: VideoContainer,
    private readonly width: number,
    private readonly height: number,
    private readonly fps: number,
    private readonly audio: FfmpegAudio | null,
  ) {
    this.chunk = new Uint8Array(Math.max(1, Math.floor(RAW_CHUNK_BYTES / (width * height * 4))) * width * height * 4);
  }

  static async create(appRoot: string, container: VideoContainer, width: number, height: number, fps: number, audio: FfmpegAudio | null): Promise<FfmpegVideoWriter> {
    const ffmpeg = await loadFfmpeg(appRoot);
    await watched(ffmpeg, () => ffmpeg.createDir(DIR), encoding(container)).catch((error: unknown) => {
      if (isFfmpegHang(ffmpeg, error)) throw error; // else it exists from an earlier job
    });
    return new FfmpegVideoWriter(ffmpeg, container, width, height, fps, audio);
  }

  async add(image: Rgba): Promise<void> {
    const frameBytes = this.width * this.height * 4;
    this.chunk.set(image.data, this.framesInChunk * frameBytes);
    this.framesInChunk++;
    this.frames++;
    if ((this.framesInChunk + 1) * frameBytes > this.chunk.length) await this.encodeChunk();
  }

  async finish(): Promise<EncodedVideo> {
    if (this.framesInChunk > 0) await this.encodeChunk();
    const list = `${DIR}/segments.txt`;
    const watch = encoding(this.container);
    await watched(this.ffmpeg, () => this.ffmpeg.writeFile(list, this.segments.map((s) => `file '${s}'`).join('\n')), watch);
    const out = `${DIR}/out.${this.container}`;
    const audioInput = this.audio ? await this.audioInput(this.audio) : [];
    const join = (audioArgs: string[]) =>
      runFfmpeg(this.ffmpeg, ['-f', 'concat', '-safe', '0', '-i', list, ...audioInput, '-map', '0:v', ...(this.audio ? ['-map', '1:a:0?'] : []), '-c:v', 'copy', ...audioArgs, '-y', out], watch);
    let result = await join(['-c:a', 'copy']);
    if (result.code !== 0 && this.audio) result = await join(AUDIO_ARGS[this.container]);
    if (result.code !== 0) throw new Error(`ffmpeg.wasm could not write the ${this.container.toUpperCase()} file (${lastLine(result.log)})`);
    const hasAudio = this.audio !== null && /Stream #\d+:\d+.*?: Audio: /.test((await runFfmpeg(this.ffmpeg, ['-i', out], watch)).log);
    const bytes = (await watched(this.ffmpeg, () => this.ffmpeg.readFile(out), watch)) as Uint8Array<ArrayBuffer>;
    await Promise.all([out, list, ...this.segments].map((f) => watched(this.ffmpeg, () => this.ffmpeg.deleteFile(f), watch)));
    if (this.audio) await watched(this.ffmpeg, () => this.ffmpeg.unmount(AUDIO_MOUNT), watch);
    return { blob: new Blob([bytes], { type: MIME[this.container] }), codec: this.container === 'mp4' ? 'avc' : 'vp9', frames: this.frames, hasAudio };
  }

  private async audioInput(audio: FfmpegAudio): Promise<string[]> {
    const path = await mountFile(this.ffmpeg, audio.file, audio.name, AUDIO_MOUNT, encoding(this.container));
    const duration = Number.isFinite(audio.end) ? ['-t', String(audio.end - audio.start)] : [];
    return ['-ss', String(audio.start), ...duration, '-i', path];
  }

  private async encodeChunk(): Promise<void> {
    const raw = `${DIR}/chunk.rgba`;
    const segment = `${DIR}/segment-${this.segments.length}.${this.container}`;
    const watch = encoding(this.container);
    // writeFile moves (transfers) the buffer to ffmpeg.wasm's worker, which leaves it detached here:
    // the next chunk gets a fresh one (writing into the moved one threw from the second chunk on).
    const full = this.chunk;
    this.chunk = new Uint8Array(full.length);
    await watched(this.ffmpeg, () => this.ffmpeg.writeFile(raw, full.subarray(0, this.framesInChunk * this.width * this.height * 4)), watch);
    const { code, log } = await runFfmpeg(this.ffmpeg, [
      '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${this.width}x${this.height}`, '-framerate', String(this.fps), '-i', raw,
      ...VIDEO_ARGS[this.container], '-y', segment,
    ], watch);
    await watched(this.ffmpeg, () => this.ffmpeg.deleteFile(raw), watch);
    if (code !== 0) throw new UserError(`ffmpeg.wasm could not encode the video (${lastLine(log)}). Try another format.`);
    this.segments.push(segment);
    this.framesInChunk = 0;
  }
}
