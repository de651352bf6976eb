/**
 * The shape every video decoder gives the pipeline: upright RGBA frames at the processing size, one
 * at a time, with their source timestamps. Pulling the next frame is what makes the decoder work,
 * so a slow model slows decoding down and memory stays bounded whatever the video's length.
 */
import type { Input } from 'mediabunny';
import type { Rgba } from '../lib/pixels';
import type { Trim } from '../lib/timeline';

export type DecoderPath = 'webcodecs' | 'ffmpeg';

export interface RgbaFrame {
  image: Rgba;
  /** Seconds on the source's timeline. */
  timestamp: number;
  duration: number;
}

export interface VideoInfo {
  decoder: DecoderPath;
  /** Upright display size: rotation applied, non-square pixels made square. */
  width: number;
  height: number;
  duration: number;
}

export interface FrameSpan {
  /** Frames starting inside the trim, from the container's index, or estimated from the frame rate. */
  count: number;
  exact: boolean;
  /** Timestamp of the first frame in the trim: the output's zero. */
  first: number;
}

export interface VideoSource {
  info: VideoInfo;
  countFrames(trim: Trim): Promise<FrameSpan>;
  frames(width: number, height: number, trim: Trim): AsyncGenerator<RgbaFrame>;
  /** A demuxable input holding the source's audio (the source itself, or a copy ffmpeg extracted), or null. */
  audio(): Promise<Input | null>;
  dispose(): void;
}
