/** Picks the decoder: WebCodecs when the browser can demux and decode the file, ffmpeg.wasm otherwise. */
import type { VideoInfo, VideoSource } from './frames';
import { openWithFfmpeg } from './decode/ffmpeg';
import { openWithWebCodecs } from './decode/webcodecs';

export async function openVideo(file: Blob, name: string, appRoot: string): Promise<VideoSource> {
  return (await openWithWebCodecs(file, name)) ?? (await openWithFfmpeg(file, name, appRoot));
}

/** How often a probe says it is alive (see PROBE_SILENCE_MS in state/input.ts). */
export const HEARTBEAT_MS = 500;

/**
 * Opens and closes the file to learn its size, duration and decoder. `beat` is called every
 * HEARTBEAT_MS while it works: a damaged file can send a demuxer into an endless synchronous loop
 * (mediabunny 1.61 on a Matroska element whose size field is zeroed), which stops the beats, and
 * the page then terminates this worker instead of waiting forever.
 */
export async function probeVideo(file: File, appRoot: string, beat: () => void = () => undefined): Promise<VideoInfo> {
  const timer = setInterval(beat, HEARTBEAT_MS);
  try {
    const source = await openVideo(file, file.name, appRoot);
    source.dispose();
    return source.info;
  } finally {
    clearInterval(timer);
  }
}
