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

/** A frame straight from the decoder, for the GPU route; closed by the source once the consumer moves on. */
export interface DecodedFrame {
  frame: VideoFrame;
  /** Clockwise quarter turns that make it upright. */
  quarterTurns: number;
  timestamp: number;
  duration: number;
}

export interface VideoInfo {
  decoder: DecoderPath;
  /** Upright display size: rotation applied, non-square pixels made square. */
  width: number;
  height: number;
  duration: number;
  /** Something the user should know about what the result keeps (e.g. which of several audio tracks). */
  note?: string;
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
  /** Decoder output as VideoFrames (WebCodecs only), so WebGPU can take them without a CPU copy. */
  videoFrames?(trim: Trim): AsyncGenerator<DecodedFrame>;
  /** A demuxable input holding the source's audio (the source itself, or a copy ffmpeg extracted), or null. */
  audio(): Promise<Input | null>;
  dispose(): void;
}
