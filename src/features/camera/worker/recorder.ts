/**
 * A clip of the painted frames through the project's encoders (src/media/encode): the browser's
 * VideoEncoder into MP4/WebM, with the microphone encoded alongside when the user allowed it;
 * ffmpeg.wasm where the browser has no VideoEncoder for the container (silent, at the measured
 * frame rate, since that path writes a constant rate).
 *
 * Frames arrive at whatever rate the model manages, so each is written when the next one arrives,
 * with the real gap as its duration: the clip plays at the pace it was filmed.
 */
import { AudioSample, AudioSampleSource, getFirstEncodableAudioCodec, Mp4OutputFormat, WebMOutputFormat, type AudioCodec } from 'mediabunny';
import type { Rgba } from '../../../lib/pixels';
import { FfmpegVideoWriter } from '../../../media/encode/ffmpeg-video';
import { VideoWriter, webCodecsCodec } from '../../../media/encode/video';
import type { FrameWriter } from '../../../media/encode/writer';
import type { AudioChunk, RecordStartRequest, RecordStartResult, RecordStopResult } from '../protocol';

/** A frame's duration when nothing follows it (the last one). */
const LAST_FRAME_SECONDS = 1 / 15;

async function audioCodecFor(format: RecordStartRequest['format'], audio: NonNullable<RecordStartRequest['audio']>): Promise<AudioCodec | null> {
  const container = format === 'mp4' ? new Mp4OutputFormat() : new WebMOutputFormat();
  const wanted = (['aac', 'opus'] as AudioCodec[]).filter((c) => container.getSupportedAudioCodecs().includes(c));
  return getFirstEncodableAudioCodec(wanted, { numberOfChannels: audio.channels, sampleRate: audio.sampleRate, bitrate: 128_000 });
}

export class ClipRecorder {
  private held: { image: Rgba; at: number } | null = null;
  private frames = 0;
  private end = 0;

  private constructor(
    private readonly writer: FrameWriter,
    private readonly audio: AudioSampleSource | null,
    readonly codec: string,
  ) {}

  static async start(request: RecordStartRequest & { fps: number }): Promise<{ recorder: ClipRecorder; result: RecordStartResult }> {
    const codec = await webCodecsCodec(request.format, request.width, request.height);
    if (!codec) {
      const writer = await FfmpegVideoWriter.create(request.appRoot, request.format, request.width, request.height, Math.max(1, Math.round(request.fps)), null);
      const name = request.format === 'mp4' ? 'avc' : 'vp9';
      return { recorder: new ClipRecorder(writer, null, name), result: { codec: name, audioCodec: null } };
    }
    const audioCodec = request.audio ? await audioCodecFor(request.format, request.audio) : null;
    const audio = audioCodec ? new AudioSampleSource({ codec: audioCodec, bitrate: 128_000 }) : null;
    const writer = await VideoWriter.create(request.format, codec, null, audio);
    return { recorder: new ClipRecorder(writer, audio, codec), result: { codec, audioCodec } };
  }

  /** `at`: seconds since the recording started. */
  async add(image: Rgba, at: number): Promise<void> {
    const previous = this.held;
    this.held = { image, at };
    if (previous) await this.write(previous, Math.max(at - previous.at, 0.001));
  }

  async addAudio(chunk: AudioChunk): Promise<void> {
    if (!this.audio) return;
    const sample = new AudioSample({ data: chunk.data, format: 'f32-planar', numberOfChannels: chunk.channels, sampleRate: chunk.sampleRate, timestamp: chunk.timestamp });
    try {
      await this.audio.add(sample);
    } finally {
      sample.close();
    }
  }

  async stop(): Promise<RecordStopResult> {
    if (this.held) await this.write(this.held, LAST_FRAME_SECONDS);
    this.held = null;
    const encoded = await this.writer.finish();
    return { blob: encoded.blob, codec: encoded.codec, frames: this.frames, hasAudio: encoded.hasAudio, seconds: this.end };
  }

  private async write(frame: { image: Rgba; at: number }, duration: number): Promise<void> {
    await this.writer.add(frame.image, frame.at, duration);
    this.frames++;
    this.end = frame.at + duration;
  }
}
