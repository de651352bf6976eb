/** Picks the decoder: WebCodecs when the browser can demux and decode the file, ffmpeg.wasm otherwise. */
import type { VideoInfo, VideoSource } from './frames';
import { openWithFfmpeg } from './decode/ffmpeg';
import { openWithWebCodecs } from './decode/webcodecs';

export async function openVideo(file: Blob, name: string, appRoot: string): Promise<VideoSource> {
  return (await openWithWebCodecs(file, name)) ?? (await openWithFfmpeg(file, name, appRoot));
}

export async function probeVideo(file: File, appRoot: string): Promise<VideoInfo> {
  const source = await openVideo(file, file.name, appRoot);
  source.dispose();
  return source.info;
}
