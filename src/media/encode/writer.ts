import type { Rgba } from '../../lib/pixels';

export interface EncodedVideo {
  blob: Blob;
  /** "avc", "vp9"... or "gif". */
  codec: string;
  frames: number;
  hasAudio: boolean;
}

/** Where stylised frames go: MP4/WebM through WebCodecs or ffmpeg.wasm, or a GIF. */
export interface FrameWriter {
  /** Resolves when the writer can take another frame: the backpressure that bounds memory. */
  add(image: Rgba, timestamp: number, duration: number): Promise<void>;
  finish(): Promise<EncodedVideo>;
}
