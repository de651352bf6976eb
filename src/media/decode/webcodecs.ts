/**
 * Fast path: mediabunny demuxes (MP4/MOV, WebM/MKV, MPEG-TS, ...) and the browser's VideoDecoder
 * decodes. Returns null when either cannot handle the file, so the caller can fall back to ffmpeg.
 */
import { ALL_FORMATS, BlobSource, CanvasSink, EncodedPacketSink, Input, type InputVideoTrack } from 'mediabunny';
import { inTrim, type Trim } from '../../lib/timeline';
import type { FrameSpan, RgbaFrame, VideoSource } from '../frames';

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
 * The sink decodes a few frames ahead, applies rotation and pixel aspect, and scales on the GPU
 * (canvas drawImage); each VideoFrame is closed as soon as it is drawn. The pixels are then read
 * back to the CPU, which is where they are needed on the WASM backend. On WebGPU they could stay on
 * the GPU (importExternalTexture on ORT's own device, a compute pass writing the planar tensor into
 * a GPU buffer, Tensor.fromGpuBuffer, gpu-buffer outputs, a blend pass feeding the encoder a GPU
 * VideoFrame). That path is not built yet: on this project's test machines WebGPU is SwiftShader,
 * where WASM is hundreds of times faster, so it could be neither measured nor usefully tested here.
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
