/**
 * Fast path: mediabunny demuxes (MP4/MOV, WebM/MKV, MPEG-TS, ...) and the browser's VideoDecoder
 * decodes. Returns null when either cannot handle the file, so the caller can fall back to ffmpeg.
 */
import { ALL_FORMATS, BlobSource, CanvasSink, EncodedPacketSink, Input, VideoSampleSink, type InputAudioTrack, type InputVideoTrack } from 'mediabunny';
import { isCancelled, UserError } from '../../lib/errors';
import { inTrim, type Trim } from '../../lib/timeline';
import type { DecodedFrame, FrameSpan, RgbaFrame, VideoSource } from '../frames';

export async function openWithWebCodecs(file: Blob, name = 'this file'): Promise<VideoSource | null> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  let audioOnly = false;
  try {
    const track = await input.getPrimaryVideoTrack();
    if (track && (await track.canDecode())) return await webCodecsSource(input, track);
    audioOnly = !track && (await input.getAudioTracks()).length > 0;
  } catch {
    // Not a container mediabunny knows, or a damaged one: ffmpeg gets its chance and says which.
  }
  input.dispose();
  if (audioOnly) throw noVideoTrack(name);
  return null;
}

export function noVideoTrack(name: string): UserError {
  return new UserError(`"${name}" has no video track (only audio). Drop a video or a photo.`);
}

/** What the result will keep when a file holds several audio tracks, said in the video's caption. */
export function audioNote(count: number, kept: number, isDefault = false): string | undefined {
  if (count < 2) return undefined;
  return `${count} audio tracks: ${kept === 1 ? 'the first' : `track ${kept}${isDefault ? ' (the default)' : ''}`} is kept`;
}

async function webCodecsSource(input: Input, track: InputVideoTrack): Promise<VideoSource> {
  const duration = await track.computeDuration();
  const audioTracks = await input.getAudioTracks();
  const primaryAudio = await readableAudio(input);
  const note =
    audioTracks.length > 0 && !primaryAudio
      ? 'its audio track is damaged and is left out'
      : primaryAudio
        ? audioNote(audioTracks.length, audioTracks.indexOf(primaryAudio) + 1, (await primaryAudio.getDisposition()).default)
        : undefined;
  return {
    info: { decoder: 'webcodecs', width: await track.getDisplayWidth(), height: await track.getDisplayHeight(), duration, ...(note ? { note } : {}) },
    countFrames: (trim) => countFrames(track, trim),
    frames: (width, height, trim) => resuming((start, lowLatency) => frames(track, width, height, { ...trim, start }, lowLatency), trim),
    videoFrames: (trim) => resuming((start, lowLatency) => videoFrames(track, { ...trim, start }, lowLatency), trim),
    audio: async () => (primaryAudio ? input : null),
    dispose: () => input.dispose(),
  };
}

/**
 * The audio track the output will copy, or null when there is none or its index is damaged (then
 * the video is still processed, without sound, and the caption says so). Reads packet metadata only.
 */
async function readableAudio(input: Input): Promise<InputAudioTrack | null> {
  try {
    const track = await input.getPrimaryAudioTrack();
    if (!track) return null;
    await track.getDecoderConfig();
    await track.computeDuration();
    for await (const _packet of new EncodedPacketSink(track).packets(undefined, undefined, { metadataOnly: true }));
    return track;
  } catch {
    return null;
  }
}

/**
 * Reads packet metadata only (no decoding), so counting a long video is quick. Packets before the
 * first key frame (a stream cut mid-GOP, e.g. MPEG-TS) cannot be decoded and are not counted, so
 * such a file is not reported as truncated.
 */
async function countFrames(track: InputVideoTrack, trim: Trim): Promise<FrameSpan> {
  let count = 0;
  let first = Infinity;
  let keySeen = false;
  for await (const packet of new EncodedPacketSink(track).packets(undefined, undefined, { metadataOnly: true })) {
    keySeen ||= packet.type === 'key';
    if (!keySeen || !inTrim(packet.timestamp, trim)) continue;
    count++;
    first = Math.min(first, packet.timestamp);
  }
  return { count, exact: true, first: Number.isFinite(first) ? first : trim.start };
}

/**
 * mediabunny's sinks decode a few frames ahead, and when the decoder fails on a damaged packet they
 * close the frames decoded but not yet handed out and throw. So after a failure decoding starts
 * again just after the last frame handed out (a fresh decoder, from the key frame before it), and the
 * frames between it and the damage still come out: the frames before the damage are not lost to the
 * read-ahead. Once a fresh start hands out no new frame, the first error is thrown (the caller decides
 * whether that is damage: media/pipeline.ts readable()). Each restart hands out at least one new
 * frame or ends the reading, so this ends.
 *
 * Restarts ask for a low-latency decoder (`lowLatency`, WebCodecs' optimizeForLatency): Chrome's
 * software decoder otherwise holds a decoded frame back until it has the next packet (frame
 * threading), so the frame just before a damaged packet was lost with the failure.
 */
export async function* resuming<T extends { timestamp: number; duration: number }>(
  open: (start: number, lowLatency: boolean) => AsyncGenerator<T>,
  trim: Trim,
): AsyncGenerator<T> {
  let start = trim.start;
  let last = -Infinity;
  let next = trim.start;
  /** After a restart: frames up to here were handed out already (only then: timestamps may repeat in a file). */
  let skipThrough = -Infinity;
  let first: { error: unknown } | null = null;
  for (;;) {
    let progressed = false;
    try {
      for await (const item of open(start, first !== null)) {
        if (item.timestamp <= skipThrough) continue;
        skipThrough = -Infinity;
        last = item.timestamp;
        next = item.timestamp + item.duration;
        progressed = true;
        yield item;
      }
      return;
    } catch (error) {
      first ??= { error };
      if (!progressed || isCancelled(error) || error instanceof UserError) throw first.error;
      // Where the last frame handed out ends: a sink starts with the frame showing at `start`.
      start = Math.max(next, last + 1e-6);
      skipThrough = last;
    }
  }
}

/**
 * CPU route: the sink decodes a few frames ahead, applies rotation and pixel aspect, scales on the
 * GPU (canvas drawImage), and each VideoFrame is closed as soon as it is drawn; the pixels are read
 * back for the WASM backend, which needs them in memory. WebGPU takes videoFrames() instead.
 */
async function* frames(track: InputVideoTrack, width: number, height: number, trim: Trim, lowLatency = false): AsyncGenerator<RgbaFrame> {
  const sink = new CanvasSink(track, { width, height, fit: 'fill', ...(lowLatency ? { decoderOptions: { optimizeForLatency: true } } : {}) });
  const end = Number.isFinite(trim.end) ? trim.end : undefined;
  for await (const wrapped of sink.canvases(trim.start, end)) {
    if (!inTrim(wrapped.timestamp, trim)) continue;
    // In a worker the sink draws on OffscreenCanvas.
    const context = (wrapped.canvas as OffscreenCanvas).getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2D canvas in this worker');
    const { data } = context.getImageData(0, 0, width, height);
    yield { image: { data, width, height }, timestamp: wrapped.timestamp, duration: wrapped.duration };
  }
}

async function* videoFrames(track: InputVideoTrack, trim: Trim, lowLatency = false): AsyncGenerator<DecodedFrame> {
  const end = Number.isFinite(trim.end) ? trim.end : undefined;
  for await (const sample of new VideoSampleSink(track, lowLatency ? { optimizeForLatency: true } : {}).samples(trim.start, end)) {
    try {
      if (!inTrim(sample.timestamp, trim)) continue;
      const frame = sample.toVideoFrame();
      try {
        yield { frame, quarterTurns: sample.rotation / 90, timestamp: sample.timestamp, duration: sample.duration };
      } finally {
        frame.close();
      }
    } finally {
      sample.close();
    }
  }
}
