/**
 * Pieces every task's video pipeline shares (style, depth, …): reading frames with a plain error for
 * damaged files, and opening the output writer (GIF, the browser's VideoEncoder, or ffmpeg.wasm),
 * with the source's audio copied. No models here: the per-frame work stays in each task.
 */
import { ALL_FORMATS, BlobSource, BufferTarget, Conversion, Input, Mp4OutputFormat, Output, WebMOutputFormat } from 'mediabunny';
import { DecodeDamageError, isCancelled, UserError } from '../lib/errors';
import type { VideoFormat } from '../lib/filename';
import type { Trim } from '../lib/timeline';
import { FfmpegVideoWriter } from './encode/ffmpeg-video';
import { GifWriter, type GifOptions } from './encode/gif';
import { VideoWriter, webCodecsCodec } from './encode/video';
import type { EncodedVideo, FrameWriter } from './encode/writer';
import type { FrameSpan, VideoSource } from './frames';

/**
 * Where a damaged video stopped decoding: filled in by readable() when a decoding error ends the
 * frames after some good ones, so the job can finish with what it has (a partial result).
 */
export interface Damage {
  /** Frames read before the damage. */
  frames: number;
  /** The decoder's own words, for the warning. */
  detail: string;
}

/**
 * Whether an error thrown by a video source is damage in the file (a decoder or demuxer failing on
 * bad bytes) rather than something that must stop the job as it does today: a cancel, a message
 * meant for the user (ffmpeg.wasm's own errors, a crashed core), or memory running out.
 */
export function isDecodeDamage(error: unknown): boolean {
  if (error instanceof UserError || isCancelled(error)) return false;
  if (error instanceof RangeError) return false; // an allocation that failed: out of memory, not the file
  return !/out of memory|allocation failed|device (was )?lost/i.test(error instanceof Error ? error.message : String(error));
}

/**
 * Decoding errors mid-stream are nearly always a cut-off or damaged file; say so. With `damage`, an
 * error that is damage (isDecodeDamage) after at least one good frame ends the frames quietly
 * instead and is recorded there, so the caller finishes the output with the frames before it; with
 * no good frame at all it is still the error below.
 */
export async function* readable<T>(frames: AsyncGenerator<T>, name: string, damage?: { found?: Damage }): AsyncGenerator<T> {
  let count = 0;
  try {
    for (let next = await frames.next(); !next.done; next = await frames.next()) {
      count++;
      yield next.value;
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    if (damage && count > 0 && isDecodeDamage(error)) {
      damage.found = { frames: count, detail };
      return;
    }
    if (error instanceof DecodeDamageError) throw new UserError(error.userMessage, { cause: error });
    throw new UserError(`"${name}" could not be decoded to the end (${detail}): the file looks damaged or truncated. Try the original file.`, { cause: error });
  } finally {
    await frames.return(undefined);
  }
}

/**
 * The note a partial result carries: a decoding error after `done` frames (`damage`), or an index
 * that promised more frames than the data held (a file cut short). `seconds`: the output's length.
 * `verb` says what happened to the frames ("stylised"). Undefined when the whole range was read.
 */
export function partialWarning(name: string, done: number, span: FrameSpan, seconds: number, damage: Damage | undefined, verb: string): string | undefined {
  if (damage) {
    const total = span.exact ? `${Math.max(done, span.count)}` : `about ${Math.max(done, span.count)}`;
    return `"${name}" is damaged after ${seconds.toFixed(1)} s: the first ${done} of ${total} frames were ${verb}; the rest could not be decoded (${damage.detail}). For the whole video, use the original file.`;
  }
  if (span.exact && done < span.count) {
    return `"${name}" ends early: only ${done} of ${span.count} frames could be read (up to ${seconds.toFixed(1)} s), so the file looks truncated (an interrupted download or copy?). The result holds what could be read; for the whole video, use the original file.`;
  }
  return undefined;
}

/**
 * A partial result's audio ends with its last frame: the writer copied the source's audio for the
 * whole range before anyone knew where the video would stop, so the finished file is remuxed (no
 * re-encoding, packets copied) up to `end` seconds. GIF and silent results are returned as they are;
 * so is the result when the remux fails (the video is whole, only its sound runs on).
 */
export async function endAudioAt(encoded: EncodedVideo, end: number): Promise<EncodedVideo> {
  if (!encoded.hasAudio || encoded.codec === 'gif') return encoded;
  const input = new Input({ source: new BlobSource(encoded.blob), formats: ALL_FORMATS });
  try {
    const webm = /webm/.test(encoded.blob.type);
    const target = new BufferTarget();
    const output = new Output({ format: webm ? new WebMOutputFormat() : new Mp4OutputFormat({ fastStart: 'in-memory' }), target });
    const conversion = await Conversion.init({ input, output, showWarnings: false, trim: { start: 0, end } });
    if (!conversion.isValid) return encoded;
    await conversion.execute();
    return { ...encoded, blob: new Blob([target.buffer!], { type: encoded.blob.type }) };
  } catch (error) {
    console.warn('clipmorph: could not end the audio with the last frame', error);
    return encoded;
  } finally {
    input.dispose();
  }
}

export interface OutputRequest {
  appRoot: string;
  video: File;
  format: VideoFormat;
  /** "ffmpeg" skips the browser's VideoEncoder, to use or test the fallback. */
  encoder: 'auto' | 'ffmpeg';
}

/** GIF, else the browser's VideoEncoder, else (or when the request forces it) ffmpeg.wasm; the source's audio kept. */
export async function openWriter(
  request: OutputRequest,
  gif: GifOptions,
  source: VideoSource,
  width: number,
  height: number,
  span: FrameSpan,
  trim: Trim,
): Promise<FrameWriter> {
  if (request.format === 'gif') return new GifWriter(gif);
  const codec = request.encoder === 'ffmpeg' ? null : await webCodecsCodec(request.format, width, height);
  if (codec) {
    const audio = await source.audio();
    return VideoWriter.create(request.format, codec, audio && { input: audio, trim: { start: span.first, end: trim.end } });
  }
  const seconds = Math.min(trim.end, source.info.duration) - span.first;
  const fps = seconds > 0 ? span.count / seconds : 25;
  const audio = { file: request.video, name: request.video.name, start: span.first, end: trim.end };
  return FfmpegVideoWriter.create(request.appRoot, request.format, width, height, fps, audio);
}

/**
 * The stages of a frame pipeline. `source` decodes; `pre` prepares the model's input; `model` runs
 * it; `post` turns the output into what `sink` (the encoder) takes.
 */
export interface OverlapStages<S, P, M, Q> {
  source: AsyncIterable<S>;
  pre: (item: S) => P | Promise<P>;
  model: (item: P) => M | Promise<M>;
  post: (item: M) => Q | Promise<Q>;
  sink: (item: Q) => void | Promise<void>;
  /** Frames waiting between the decode side and the model, and between the model and the encode side (default 2). */
  depth?: number;
  /** Run the stages strictly in turn, one frame at a time (the pipeline before issue 17; for comparison). */
  serial?: boolean;
  signal?: AbortSignal;
  /** Frees an item a failed or cancelled run leaves behind in a queue (e.g. closes a VideoFrame). */
  discard?: (item: S | P | M | Q) => void;
}

export interface PipelineStats {
  frames: number;
  /** Milliseconds each stage spent working (decode counts the waits on the source). */
  millis: { decode: number; pre: number; model: number; post: number; sink: number; wall: number };
  /** Most frames alive at once between decode and encode (taken, not yet written). */
  maxInFlight: number;
  serial: boolean;
}

class Closed extends Error {}

/** A bounded FIFO: put() waits while it is full (backpressure), take() while it is empty. */
class Channel<T> {
  private readonly items: T[] = [];
  private waitingPut: (() => void)[] = [];
  private waitingTake: (() => void)[] = [];
  private ended = false;
  private failure: unknown = null;

  constructor(private readonly capacity: number) {}

  async put(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.failure) await new Promise<void>((r) => this.waitingPut.push(r));
    if (this.failure) throw this.failure;
    this.items.push(item);
    this.wake('take');
  }

  /** The next item, or `done` once the producer ended and the queue is empty. */
  async take(): Promise<{ item: T } | 'done'> {
    while (this.items.length === 0 && !this.ended && !this.failure) await new Promise<void>((r) => this.waitingTake.push(r));
    if (this.failure) throw this.failure;
    if (this.items.length === 0) return 'done';
    const item = this.items.shift() as T;
    this.wake('put');
    return { item };
  }

  end(): void {
    this.ended = true;
    this.wake('take');
  }

  /** Wakes every waiter with `error`; returns what was still queued, for the caller to free. */
  fail(error: unknown): T[] {
    this.failure ??= error;
    this.wake('put');
    this.wake('take');
    return this.items.splice(0);
  }

  private wake(side: 'put' | 'take'): void {
    const waiters = side === 'put' ? this.waitingPut : this.waitingTake;
    if (side === 'put') this.waitingPut = [];
    else this.waitingTake = [];
    for (const wake of waiters) wake();
  }
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The job was cancelled.', 'AbortError');
}

/**
 * Runs a frame pipeline with the model overlapped: while the model works on frame n, frame n+1 is
 * decoded and prepared and frame n-1 is post-processed and encoded. Three loops (decode+pre, model,
 * post+encode) joined by two queues of `depth` frames each: a full queue makes the stage before it
 * wait, so at most 3 + 2 × depth frames exist at once whatever the video's length. Frames come out
 * in source order (every loop is FIFO). The first error in any stage, or an abort, stops every loop,
 * closes the source (its decoder) and hands queued items to `discard`; the promise rejects with it.
 */
export async function runOverlapped<S, P, M, Q>(stages: OverlapStages<S, P, M, Q>): Promise<PipelineStats> {
  const { pre, model, post, sink, signal, discard } = stages;
  const depth = Math.max(1, Math.floor(stages.depth ?? 2));
  const millis = { decode: 0, pre: 0, model: 0, post: 0, sink: 0, wall: 0 };
  const started = performance.now();
  let frames = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const timed = async <T>(key: keyof typeof millis, work: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      millis[key] += performance.now() - t0;
    }
  };
  const iterator = stages.source[Symbol.asyncIterator]();
  const next = async (): Promise<IteratorResult<S>> => {
    const result = await timed('decode', () => iterator.next());
    if (!result.done) maxInFlight = Math.max(maxInFlight, ++inFlight);
    return result;
  };
  const written = () => {
    inFlight--;
    frames++;
  };
  const stats = (): PipelineStats => ({ frames, millis: { ...millis, wall: performance.now() - started }, maxInFlight, serial: stages.serial === true });
  const closeSource = async () => {
    try {
      await iterator.return?.();
    } catch {
      // Already failing: the first error is the one to report.
    }
  };
  signal?.throwIfAborted();
  // Settles (rejects) on the first error or the abort, so the caller hears of it at once even while
  // a stage is still busy; the loops then wind down on their own.
  let rejectFailed: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (rejectFailed = reject));
  failed.catch(() => undefined);

  if (stages.serial) {
    const onAbort = () => rejectFailed(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const loop = async () => {
      try {
        for (let result = await next(); !result.done; result = await next()) {
          signal?.throwIfAborted();
          const prepared = await timed('pre', () => pre(result.value));
          const output = await timed('model', () => model(prepared));
          const item = await timed('post', () => post(output));
          await timed('sink', () => sink(item));
          written();
          signal?.throwIfAborted();
        }
      } catch (error) {
        await closeSource();
        throw error;
      }
    };
    try {
      await Promise.race([loop(), failed]);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return stats();
  }

  const toModel = new Channel<P>(depth);
  const toSink = new Channel<M>(depth);
  let failure: { error: unknown } | null = null;
  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    rejectFailed(error);
    for (const item of [...toModel.fail(error), ...toSink.fail(error)]) discard?.(item);
  };
  /** A frame a stage could not hand on (the run failed meanwhile) is freed here. */
  const handOn = async <T extends P | M>(channel: Channel<T>, item: T) => {
    try {
      await channel.put(item);
    } catch (error) {
      discard?.(item);
      throw error;
    }
  };
  const onAbort = () => fail(abortError(signal as AbortSignal));
  signal?.addEventListener('abort', onAbort, { once: true });
  const guard = async (loop: () => Promise<void>) => {
    try {
      await loop();
    } catch (error) {
      fail(error);
    }
  };
  const decodeLoop = guard(async () => {
    try {
      for (let result = await next(); !result.done; result = await next()) {
        if (failure) {
          discard?.(result.value);
          break;
        }
        const prepared = await timed('pre', () => pre(result.value));
        await handOn(toModel, prepared);
      }
      toModel.end();
    } catch (error) {
      fail(error);
      throw error;
    } finally {
      if (failure) await closeSource();
    }
  });
  const modelLoop = guard(async () => {
    for (let taken = await toModel.take(); taken !== 'done'; taken = await toModel.take()) {
      const output = await timed('model', () => model(taken.item));
      if (failure) {
        discard?.(output);
        throw new Closed();
      }
      await handOn(toSink, output);
    }
    toSink.end();
  });
  const sinkLoop = guard(async () => {
    for (let taken = await toSink.take(); taken !== 'done'; taken = await toSink.take()) {
      const item = await timed('post', () => post(taken.item));
      await timed('sink', () => sink(item));
      written();
    }
  });
  try {
    await Promise.race([Promise.all([decodeLoop, modelLoop, sinkLoop]), failed]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw (failure as { error: unknown }).error;
  return stats();
}
