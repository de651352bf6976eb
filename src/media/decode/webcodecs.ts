/**
 * Fast path: mediabunny demuxes (MP4/MOV, WebM/MKV, MPEG-TS, ...) and the browser's VideoDecoder
 * decodes. Returns null when either cannot handle the file, so the caller can fall back to ffmpeg.
 */
import { ALL_FORMATS, BlobSource, CanvasSink, EncodedPacketSink, Input, VideoSampleSink, type InputVideoTrack } from 'mediabunny';
import { inTrim, type Trim } from '../../lib/timeline';
import type { DecodedFrame, FrameSpan, RgbaFrame, VideoSource } from '../frames';

export async function openWithWebCodecs(file: Blob): Promise<VideoSource | null> {
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  try {
    const track = await input.getPrimaryVideoTrack();
    if (track && (await track.canDecode())) return await webCodecsSource(input, track);
  } catch {
    // Not a container mediabunny knows, or a damaged one: ffmpeg gets its chance and says which.
  }
  input.dispose();
  return null;
}

async function webCodecsSource(input: Input, track: InputVideoTrack): Promise<VideoSource> {
  const duration = await track.computeDuration();
  return {
    info: { decoder: 'webcodecs', width: await track.getDisplayWidth(), height: await track.getDisplayHeight(), duration },
    countFrames: (trim) => countFrames(track, trim),
    frames: (width, height, trim) => frames(track, width, height, trim),
    videoFrames: (trim) => videoFrames(track, trim),
    audio: async () => ((await input.getPrimaryAudioTrack()) ? input : null),
    dispose: () => input.dispose(),
  };
}

/** Reads packet metadata only (no decoding), so counting a long video is quick. */
async function countFrames(track: InputVideoTrack, trim: Trim): Promise<FrameSpan> {
  let count = 0;
  let first = Infinity;
  for await (const packet of new EncodedPacketSink(track).packets(undefined, undefined, { metadataOnly: true })) {
    if (!inTrim(packet.timestamp, trim)) continue;
    count++;
    first = Math.min(first, packet.timestamp);
  }
  return { count, exact: true, first: Number.isFinite(first) ? first : trim.start };
}

/**
 * CPU route: the sink decodes a few frames ahead, applies rotation and pixel aspect, scales on the
 * GPU (canvas drawImage), and each VideoFrame is closed as soon as it is drawn; the pixels are read
 * back for the WASM backend, which needs them in memory. WebGPU takes videoFrames() instead.
 */
async function* frames(track: InputVideoTrack, width: number, height: number, trim: Trim): AsyncGenerator<RgbaFrame> {
  const sink = new CanvasSink(track, { width, height, fit: 'fill' });
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

async function* videoFrames(track: InputVideoTrack, trim: Trim): AsyncGenerator<DecodedFrame> {
  const end = Number.isFinite(trim.end) ? trim.end : undefined;
  for await (const sample of new VideoSampleSink(track).samples(trim.start, end)) {
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
