/**
 * Microphone samples for a recording, as planar float32 chunks with timestamps from the start of the
 * recording. MediaStreamTrackProcessor where the browser has it (Chromium), else a ScriptProcessor
 * on an AudioContext (every other browser). Chunks are laid end to end, so the audio has no gaps or
 * overlaps whatever the delivery jitter.
 */
import type { AudioChunk } from './protocol';

export interface MicrophoneTap {
  stop(): void;
}

type Processor = { readable: ReadableStream<AudioData> };
type ProcessorConstructor = new (init: { track: MediaStreamTrack }) => Processor;

/** Lays chunks end to end from the first one's arrival. */
export class AudioClock {
  private next: number | null = null;

  constructor(private readonly startedAt: number) {}

  /** Timestamp (s) of a chunk of `frames` samples arriving at `now` (ms, performance.now()). */
  stamp(frames: number, sampleRate: number, now: number): number {
    if (this.next === null) this.next = Math.max(0, (now - this.startedAt) / 1000 - frames / sampleRate);
    const at = this.next;
    this.next += frames / sampleRate;
    return at;
  }
}

/**
 * Gathers small chunks (a microphone gives ~10 ms at a time: 100 messages a second) into runs of at
 * least `seconds`, so the worker gets a few messages a second instead; `flush` sends what is left.
 */
export class ChunkBatcher {
  private parts: AudioChunk[] = [];
  private frames = 0;

  constructor(
    private readonly send: (chunk: AudioChunk) => void,
    private readonly seconds = 0.1,
  ) {}

  add(chunk: AudioChunk): void {
    const last = this.parts[this.parts.length - 1];
    if (last && (last.channels !== chunk.channels || last.sampleRate !== chunk.sampleRate)) this.flush();
    this.parts.push(chunk);
    this.frames += chunk.data.length / chunk.channels;
    if (this.frames >= this.seconds * chunk.sampleRate) this.flush();
  }

  flush(): void {
    const parts = this.parts;
    if (parts.length === 0) return;
    const { channels, sampleRate, timestamp } = parts[0];
    const total = this.frames;
    const data = new Float32Array(total * channels);
    let offset = 0;
    for (const part of parts) {
      const n = part.data.length / channels;
      for (let c = 0; c < channels; c++) data.set(part.data.subarray(c * n, (c + 1) * n), c * total + offset);
      offset += n;
    }
    this.parts = [];
    this.frames = 0;
    this.send({ data, channels, sampleRate, timestamp });
  }
}

/** Starts sending chunks (about 100 ms each) to `onChunk`; `startedAt` (performance.now()) is the recording's zero. */
export function tapMicrophone(track: MediaStreamTrack, startedAt: number, send: (chunk: AudioChunk) => void): MicrophoneTap {
  const clock = new AudioClock(startedAt);
  const batcher = new ChunkBatcher(send);
  const onChunk = (chunk: AudioChunk) => batcher.add(chunk);
  const Processor = (globalThis as { MediaStreamTrackProcessor?: ProcessorConstructor }).MediaStreamTrackProcessor;
  const settings = track.getSettings();
  if (Processor) {
    const reader = new Processor({ track }).readable.getReader();
    let stopped = false;
    void (async () => {
      while (!stopped) {
        const { value: data, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done || !data) break;
        if (!stopped) {
          const frames = data.numberOfFrames;
          const planar = new Float32Array(frames * data.numberOfChannels);
          for (let c = 0; c < data.numberOfChannels; c++) data.copyTo(planar.subarray(c * frames, (c + 1) * frames), { planeIndex: c, format: 'f32-planar' });
          onChunk({ data: planar, channels: data.numberOfChannels, sampleRate: data.sampleRate, timestamp: clock.stamp(frames, data.sampleRate, performance.now()) });
        }
        data.close();
      }
    })();
    return {
      stop: () => {
        stopped = true;
        batcher.flush();
        void reader.cancel().catch(() => undefined);
      },
    };
  }
  const context = new AudioContext({ sampleRate: settings.sampleRate });
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const channels = Math.min(2, source.channelCount || 1);
  const node = context.createScriptProcessor(4096, channels, channels);
  node.onaudioprocess = (event) => {
    const input = event.inputBuffer;
    const frames = input.length;
    const planar = new Float32Array(frames * channels);
    for (let c = 0; c < channels; c++) planar.set(input.getChannelData(c), c * frames);
    onChunk({ data: planar, channels, sampleRate: input.sampleRate, timestamp: clock.stamp(frames, input.sampleRate, performance.now()) });
  };
  source.connect(node);
  node.connect(context.destination); // a ScriptProcessor runs only when connected; its output is silence
  return {
    stop: () => {
      batcher.flush();
      node.disconnect();
      source.disconnect();
      void context.close();
    },
  };
}
