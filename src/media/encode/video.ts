/**
 * MP4 (H.264) and WebM (VP9) through the browser's VideoEncoder and mediabunny's muxer. The source's
 * audio is copied packet for packet where the container allows it (AAC into MP4, Opus into WebM)
 * and converted otherwise, by a composable mediabunny Conversion that shares the output.
 */
import {
  BufferTarget,
  Conversion,
  getFirstEncodableVideoCodec,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  VideoSample,
  VideoSampleSource,
  WebMOutputFormat,
  type AudioSampleSource,
  type Input,
  type VideoCodec,
} from 'mediabunny';
import type { Rgba } from '../../lib/pixels';
import type { Trim } from '../../lib/timeline';
import type { EncodedVideo, FrameWriter } from './writer';

export type VideoContainer = 'mp4' | 'webm';

/** First choice is what every player opens; the others keep the job working where it is missing. */
const CODECS: Record<VideoContainer, VideoCodec[]> = { mp4: ['avc', 'vp9', 'av1'], webm: ['vp9', 'vp8', 'av1'] };

export interface AudioSource {
  input: Input;
  /** Source-timeline range to take; its start becomes the output's zero, like the video's first frame. */
  trim: Trim;
}

/** The codec this browser's VideoEncoder offers for `container` at this size, or null. */
export function webCodecsCodec(container: VideoContainer, width: number, height: number): Promise<VideoCodec | null> {
  return getFirstEncodableVideoCodec(CODECS[container], { width, height });
}

export class VideoWriter implements FrameWriter {
  private frames = 0;

  private constructor(
    private readonly output: Output,
    private readonly target: BufferTarget,
    private readonly video: VideoSampleSource,
    private readonly audioDone: Promise<boolean>,
    private readonly codec: VideoCodec,
    private readonly mimeType: string,
    private readonly liveAudio: AudioSampleSource | null = null,
  ) {}

  /**
   * `liveAudio`: audio the caller encodes as it arrives (a microphone), added to the same output
   * while frames are added; closed by finish().
   */
  static async create(container: VideoContainer, codec: VideoCodec, audio: AudioSource | null, liveAudio: AudioSampleSource | null = null): Promise<VideoWriter> {
    const target = new BufferTarget();
    const format = container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat();
    const output = new Output({ format, target });
    const video = new VideoSampleSource({ codec, quality: QUALITY_HIGH });
    output.addVideoTrack(video);
    if (liveAudio) output.addAudioTrack(liveAudio);
    const conversion = audio ? await audioConversion(audio, output) : null;
    await output.start();
    // Runs alongside the video; the muxer interleaves the two.
    const audioDone = conversion ? conversion.execute().then(() => true) : Promise.resolve(liveAudio !== null);
    audioDone.catch(() => undefined); // awaited in finish(); a cancelled job never gets there
    return new VideoWriter(output, target, video, audioDone, codec, format.mimeType, liveAudio);
  }

  async add(image: Rgba, timestamp: number, duration: number): Promise<void> {
    const sample = new VideoSample(image.data, { format: 'RGBA', codedWidth: image.width, codedHeight: image.height, timestamp, duration });
    try {
      await this.video.add(sample);
      this.frames++;
    } finally {
      sample.close();
    }
  }

  async finish(): Promise<EncodedVideo> {
    this.video.close();
    this.liveAudio?.close();
    const hasAudio = await this.audioDone;
    await this.output.finalize();
    return { blob: new Blob([this.target.buffer!], { type: this.mimeType }), codec: this.codec, frames: this.frames, hasAudio };
  }
}

async function audioConversion({ input, trim }: AudioSource, output: Output): Promise<Conversion | null> {
  const conversion = await Conversion.init({
    input,
    output,
    composable: true,
    showWarnings: false,
    video: { discard: true },
    trim: { start: trim.start, end: Number.isFinite(trim.end) ? trim.end : undefined },
  });
  // No audio track survives (an audio codec neither copyable nor encodable here): the video still ships.
  return conversion.isValid && conversion.utilizedTracks.length > 0 ? conversion : null;
}
