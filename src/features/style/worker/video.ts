/**
 * Worker-side pipeline for a video: decode -> style model -> encode. On the CPU route the three
 * overlap (media/pipeline.ts runOverlapped): frame n+1 is decoded and converted and frame n-1 blended
 * and encoded while the model runs on frame n, with bounded queues between them, so at most a few
 * frames exist at once whatever the video's length. ORT's WASM run blocks its thread, so the
 * pipeline's JavaScript runs beside the model only when the model has a worker of its own
 * (runtime/remote-session.ts): used where the CPU has cores to spare (modelWorkerPays) or with
 * ?modelWorker=on. The WebGPU route is one pass on the GPU per frame.
 */
import { UserError } from '../../../lib/errors';
import { blendRgba, fitHeight, planarToRgba, rgbToPlanar, type Planar, type Rgba } from '../../../lib/pixels';
import { clampTrim } from '../../../lib/timeline';
import type { RgbaFrame, VideoSource } from '../../../media/frames';
import { openVideo } from '../../../media/open';
import { SteadyFilter } from '../../../media/steady';
import { endAudioAt, openWriter, partialWarning, readable, runOverlapped, type Damage, type PipelineStats } from '../../../media/pipeline';
import type { ModelEntry } from '../../../models/registry';
import type { ExtraInput } from '../../../runtime/ort';
import type { ModelSession } from '../../../runtime/sessions';
import type { WorkerContext } from '../../../workers/protocol';
import { getSession, loadGraphFiles } from '../../../runtime/sessions';
import { dropRemoteSession, modelWorkerPays, RemoteSession, remoteSession } from '../../../runtime/remote-session';
import { styleMeta } from '../meta';
import type { EstimateVideoRequest, EstimateVideoResult, PreviewVideoRequest, PreviewVideoResult, StyleVideoRequest, StyleVideoResult } from '../protocol';
import { GpuStyler } from './gpu-styler';
import { stylise, tileCount } from './stylise';

async function open(request: StyleVideoRequest | PreviewVideoRequest | EstimateVideoRequest): Promise<VideoSource> {
  return openVideo(request.video, request.video.name, request.appRoot);
}

/** Processing size: a multiple of the model's stride that is also even, as video encoders need. */
function frameSize(source: VideoSource, height: number, model: ModelEntry): { width: number; height: number } {
  const multiple = model.io.multipleOf ?? 1;
  return fitHeight(source.info.width, source.info.height, height, multiple % 2 === 0 ? multiple : 2 * multiple);
}

/** The WebGPU route applies to WebCodecs frames that fit one tile; everything else goes through the CPU. */
async function gpuStyler(source: VideoSource, handle: ModelSession, model: ModelEntry, size: { width: number; height: number }, steady: boolean): Promise<GpuStyler | null> {
  const maxTile = styleMeta.maxTile.webgpu;
  if (handle.backend !== 'webgpu' || !source.videoFrames || size.width > maxTile || size.height > maxTile) return null;
  return GpuStyler.create(handle, model, size.width, size.height, steady);
}

/** A frame on its way through the CPU route: the decoded pixels, and the model's input or output. */
interface InFlight {
  frame: RgbaFrame;
  planar?: Planar;
  stylised?: Rgba;
}

/**
 * The CPU route's per-frame stages. A frame that fits one tile (every processing height up to
 * 1024 px wide) has its conversions outside the model stage, so they overlap the model; a larger
 * one runs the tiled stylise() whole in the model stage.
 */
function wholeFrames(handle: ModelSession, model: ModelEntry, size: { width: number; height: number }): boolean {
  const multiple = model.io.multipleOf ?? 1;
  return tileCount(size.width, size.height, handle.backend) === 1 && size.width % multiple === 0 && size.height % multiple === 0;
}

/**
 * The model worker for an overlapped WASM job of whole frames, or null (then the model runs here, as
 * it does in serial jobs, on WebGPU, and where a worker cannot start one: that is only slower).
 */
async function modelWorker(request: StyleVideoRequest, handle: ModelSession, size: { width: number; height: number }): Promise<RemoteSession | null> {
  if (handle.backend !== 'wasm' || request.pipeline === 'serial' || typeof Worker === 'undefined' || !wholeFrames(handle, request.model, size)) return null;
  const choice = request.modelWorker ?? 'auto';
  if (choice === 'inline' || (choice === 'auto' && !modelWorkerPays(navigator.hardwareConcurrency || 1))) return null;
  try {
    return await remoteSession(handle.key, async () => RemoteSession.open(request.appRoot, await loadGraphFiles({ ...request, backend: handle.backend })));
  } catch (error) {
    console.warn(`clipmorph: the model worker did not start, the model runs in the pipeline's worker (${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
}

/** `steady`: the job's filter that keeps strokes from flipping where the picture holds still or pans (frames in order), or null. */
function cpuStages(handle: ModelSession, model: ModelEntry, size: { width: number; height: number }, strength: number, extraInputs: readonly ExtraInput[], remote: RemoteSession | null = null, steady: SteadyFilter | null = null) {
  const inputName = model.io.inputs[0].name;
  const outputName = model.io.outputs[0].name;
  const whole = wholeFrames(handle, model, size);
  const extras = Object.fromEntries(extraInputs.map((t) => [t.name, { type: 'float32' as const, dims: t.dims, data: t.data }]));
  return {
    pre: (item: InFlight): InFlight => (whole ? { ...item, planar: rgbToPlanar(item.frame.image) } : item),
    model: async (item: InFlight): Promise<InFlight> => {
      if (!item.planar) return { frame: item.frame, stylised: await stylise(handle, model, item.frame.image, undefined, extraInputs) };
      const { data, width, height } = item.planar;
      const expected = data.length;
      const feeds = { [inputName]: { type: 'float32' as const, dims: [1, 3, height, width], data }, ...extras };
      // The input moves to the model worker (this frame's planar copy is not read again).
      const outputs = remote ? await remote.run(feeds, { outputs: [outputName], transfer: [data.buffer] }) : await handle.run(feeds, { outputs: [outputName] });
      const output = outputs[outputName]?.data;
      if (!(output instanceof Float32Array) || output.length !== expected) {
        throw new Error(`model returned ${output?.length ?? 0} ${outputs[outputName]?.type ?? ''} values for a ${width}x${height} RGB input`);
      }
      return { frame: item.frame, planar: { data: output, channels: 3, width, height } };
    },
    post: (item: InFlight): RgbaFrame => {
      const stylised = item.stylised ?? planarToRgba(item.planar as Planar, item.frame.image);
      return { ...item.frame, image: blendRgba(item.frame.image, steady ? steady.apply(item.frame.image, stylised) : stylised, strength) };
    },
  };
}

export async function styleVideo(request: StyleVideoRequest, context: WorkerContext): Promise<StyleVideoResult> {
  const source = await open(request);
  try {
    const { info } = source;
    const size = frameSize(source, request.height, request.model);
    const trim = clampTrim(request.trim.start, request.trim.end, info.duration);
    const span = await source.countFrames(trim);
    const { handle: pending, variant } = getSession({ ...request, onProgress: context.onProgress });
    const handle = await pending;
    const writer = await openWriter(request, request.gif, source, size.width, size.height, span, trim);

    const gpu = await gpuStyler(source, handle, request.model, size, request.steady);
    const started = performance.now();
    let done = 0;
    let outputEnd = 0;
    const write = async (frame: RgbaFrame) => {
      const timestamp = frame.timestamp - span.first;
      await writer.add(frame.image, timestamp, frame.duration);
      outputEnd = timestamp + frame.duration;
      done++;
      context.onProgress({ stage: 'frames', done, total: Math.max(done, span.count) });
    };
    context.onProgress({ stage: 'frames', done, total: span.count });
    let timing: PipelineStats | undefined;
    // A decoding error after some good frames ends the frames there: the result keeps them (partial).
    const damage: { found?: Damage } = {};
    if (gpu && source.videoFrames) {
      // One pass on the GPU: the decoder's VideoFrame is closed by the source once the next is pulled.
      try {
        for await (const decoded of readable(source.videoFrames(trim), request.video.name, damage)) {
          const image = await gpu.stylise(decoded.frame, decoded.quarterTurns, request.strength);
          await write({ image, timestamp: decoded.timestamp, duration: decoded.duration });
        }
      } finally {
        gpu.dispose();
      }
    } else {
      const remote = await modelWorker(request, handle, size);
      const stages = cpuStages(handle, request.model, size, request.strength, request.extraInputs ?? [], remote, request.steady ? new SteadyFilter() : null);
      const frames = readable(source.frames(size.width, size.height, trim), request.video.name, damage);
      try {
        timing = await runOverlapped<InFlight, InFlight, InFlight, RgbaFrame>({
          source: (async function* () {
            for await (const frame of frames) yield { frame };
          })(),
          ...stages,
          sink: write,
          depth: 2,
          serial: request.pipeline === 'serial',
        });
      } catch (error) {
        if (remote) dropRemoteSession(remote); // the next job starts a fresh one
        throw error;
      }
      // Read by bench/ (the worker's console reaches Playwright): where the time went, per stage.
      console.debug(`clipmorph:video-timing ${JSON.stringify({ ...timing, width: size.width, height: size.height, modelWorker: remote !== null })}`);
    }
    if (done === 0) throw new UserError('The chosen range holds no frames. Widen the trim, or clear it to use the whole video.');
    // A decoding error part-way, or an index that promised more frames than the data held (a file cut short).
    const warning = partialWarning(request.video.name, done, span, outputEnd, damage.found, 'stylised');
    const elapsed = (performance.now() - started) / 1000;
    const encoded = await writer.finish();
    return {
      ...(warning ? await endAudioAt(encoded, outputEnd) : encoded),
      decoder: info.decoder,
      framesOnGpu: gpu !== null,
      width: size.width,
      height: size.height,
      seconds: outputEnd,
      sourceStart: span.first,
      warning,
      framesPerSecond: done / elapsed,
      backend: handle.backend,
      variant,
      timing,
    };
  } finally {
    source.dispose();
  }
}

/**
 * Times the job before it runs ("Best quality" for a video): one warm-up frame, then `sample` frames
 * through the same stages, model time and the rest measured apart. The caller multiplies by the
 * frame count (estimate.ts).
 */
export async function estimateVideo(request: EstimateVideoRequest, context: WorkerContext): Promise<EstimateVideoResult> {
  const opened = performance.now();
  const source = await open(request);
  try {
    const size = frameSize(source, request.height, request.model);
    const trim = clampTrim(request.trim.start, request.trim.end, source.info.duration);
    const span = await source.countFrames(trim);
    let setupMillis = performance.now() - opened;
    const { handle: pending } = getSession({ ...request, onProgress: context.onProgress });
    const handle = await pending;
    // With the job's steady filter, so its per-frame cost (a few % of a frame) is in the overhead.
    const stages = cpuStages(handle, request.model, size, 1, request.extraInputs ?? [], null, request.steady ? new SteadyFilter() : null);
    const sample = Math.max(1, request.sample ?? 1);
    const models: number[] = [];
    const overheads: number[] = [];
    let startMillis = 0;
    let runs = 0;
    let last: RgbaFrame | null = null;
    const frames = readable(source.frames(size.width, size.height, trim), request.video.name);
    // The same frame again when the clip is shorter than the sample: speed does not depend on content.
    while (runs < sample + 1) {
      const t0 = performance.now();
      const next = await frames.next();
      if (next.done && !last) break;
      const frame: RgbaFrame = next.done ? (last as RgbaFrame) : next.value;
      last = frame;
      const prepared = stages.pre({ frame });
      const t1 = performance.now();
      const output = await stages.model(prepared);
      const t2 = performance.now();
      stages.post(output);
      const t3 = performance.now();
      if (runs === 0) {
        startMillis = t3 - opened;
        setupMillis += t1 - t0; // the decoder's first frame
      } else {
        models.push(t2 - t1);
        overheads.push(t1 - t0 + (t3 - t2));
      }
      runs++;
      context.onProgress({ stage: 'frames', done: runs, total: sample + 1 });
    }
    await frames.return(undefined);
    if (runs === 0) throw new UserError('The chosen range holds no frames. Widen the trim, or clear it to use the whole video.');
    const median = (values: number[]) => (values.length ? [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] : startMillis);
    return {
      frames: span.count,
      width: size.width,
      height: size.height,
      modelMillis: median(models),
      overheadMillis: median(overheads),
      startMillis,
      setupMillis,
      backend: handle.backend,
    };
  } finally {
    source.dispose();
  }
}

/**
 * Plays the first seconds stylised, in real time: each frame is shown at its own time, and frames
 * the model cannot reach in time are dropped, as a player drops them. The stylised frame rate is
 * the measure of how live the style is on this device.
 */
export async function previewVideo(request: PreviewVideoRequest, context: WorkerContext): Promise<PreviewVideoResult> {
  const source = await open(request);
  try {
    const size = frameSize(source, request.height, request.model);
    const trim = clampTrim(0, request.seconds, source.info.duration);
    const { handle: pending } = getSession({ ...request, onProgress: context.onProgress });
    const handle = await pending;
    const { canvas } = request;
    canvas.width = size.width;
    canvas.height = size.height;
    const context2d = canvas.getContext('2d');
    if (!context2d) throw new Error('no 2D canvas in this worker');
    const span = await source.countFrames(trim);
    const started = performance.now();
    const clock = () => (performance.now() - started) / 1000;
    let shown = 0;
    // Frames dropped for lateness do not reach it: its previous frame is the last one shown.
    const steady = request.steady ? new SteadyFilter() : null;
    for await (const frame of readable(source.frames(size.width, size.height, trim), request.video.name)) {
      const due = frame.timestamp - span.first;
      if (clock() > due + frame.duration) continue; // too late for this frame
      if (due > clock()) await new Promise((resolve) => setTimeout(resolve, (due - clock()) * 1000));
      const painted = await stylise(handle, request.model, frame.image);
      const stylised = steady ? steady.apply(frame.image, painted) : painted;
      context2d.putImageData(new ImageData(stylised.data as Uint8ClampedArray<ArrayBuffer>, size.width, size.height), 0, 0);
      shown++;
      context.onProgress({ stage: 'frames', done: shown, total: span.count });
    }
    return { frames: shown, total: span.count, framesPerSecond: shown / clock(), decoder: source.info.decoder };
  } finally {
    source.dispose();
  }
}
