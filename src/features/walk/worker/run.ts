/**
 * Worker side of one latent walk: open SD-Turbo's three graphs and its tokenizer through the model
 * manager and the runtime (downloaded only when the page says the user accepted the licence and
 * asked), render the frames, send each one to the page as it is ready, and assemble the GIF with one
 * palette shared by every frame.
 */
import { isCancelled, UserError } from '../../../lib/errors';
import { FfmpegVideoWriter } from '../../../media/encode/ffmpeg-video';
import { GifWriter } from '../../../media/encode/gif';
import { VideoWriter, webCodecsCodec } from '../../../media/encode/video';
import type { FrameWriter } from '../../../media/encode/writer';
import { loadVariantFiles } from '../../../models/manager';
import { pickVariant } from '../../../models/registry';
import { getSession, sessions, type ModelSession } from '../../../runtime/sessions';
import type { WorkerContext } from '../../../workers/protocol';
import { TOKENIZER_ROLES, WALK_GRAPHS } from '../meta';
import { isOwnWalk } from '../own';
import type { LatentWalkProgress, LatentWalkRequest, LatentWalkResult } from '../protocol';
import { ClipTokenizer } from './clip-tokenizer';
import { runWalk } from './walk';

const tokenizers = new Map<string, Promise<ClipTokenizer>>();

async function tokenizerOf(request: LatentWalkRequest, signal: AbortSignal | undefined): Promise<ClipTokenizer> {
  const variant = pickVariant(request.model, request.backend, request.fp16);
  const files = variant.files ?? [];
  const vocab = files.find((f) => f.role === TOKENIZER_ROLES.vocab);
  const merges = files.find((f) => f.role === TOKENIZER_ROLES.merges);
  if (!vocab || !merges) throw new UserError(`The model "${request.model.title}" lists no CLIP tokenizer (files with roles "vocab" and "merges"), so prompts cannot be read.`);
  const key = `${vocab.sha256}:${merges.sha256}`;
  let pending = tokenizers.get(key);
  if (!pending) {
    pending = loadVariantFiles(request.model, variant, { appRoot: request.appRoot, download: request.download, signal, paths: [vocab.path, merges.path] }).then((loaded) => {
      const text = (path: string) => new TextDecoder().decode(loaded.find((f) => f.path === path)!.bytes);
      return ClipTokenizer.fromFiles(text(vocab.path), text(merges.path));
    });
    pending.catch(() => tokenizers.delete(key));
    tokenizers.set(key, pending);
  }
  return pending;
}

/** Make room for all three graphs: they run one after the other for every frame. */
function fitGraphs(request: LatentWalkRequest): void {
  const variant = pickVariant(request.model, request.backend, request.fp16);
  const roles: string[] = Object.values(WALK_GRAPHS).map((g) => g.role);
  const total = (variant.files ?? []).filter((f) => roles.includes(f.role) || f.role === 'external-data').reduce((sum, f) => sum + f.bytes, 0);
  if (total > sessions.budget) sessions.setBudget(total);
}

async function open(request: LatentWalkRequest, graph: keyof typeof WALK_GRAPHS, context: WorkerContext, signal?: AbortSignal): Promise<{ session: ModelSession; variant: string }> {
  const { handle, variant } = getSession({
    appRoot: request.appRoot,
    backend: request.backend,
    fp16: request.fp16,
    model: request.model,
    graph: WALK_GRAPHS[graph].role,
    options: { freeDimensionOverrides: WALK_GRAPHS[graph].overrides, lowMemory: true },
    // The default warm-up feeds float images; the first frame warms these graphs up.
    warmUp: false,
    download: request.download,
    signal,
    onProgress: (p) => context.onProgress({ stage: p.stage, done: p.done, total: p.total }),
  });
  try {
    return { session: await handle, variant };
  } catch (error) {
    if (!isOwnWalk(request.model) || isCancelled(error) || (error instanceof Error && error.name === 'GpuLostError')) throw error;
    // The user's own graph: say which one, on which backend, and what it needs, not only the runtime's message.
    const where = `Your SD-Turbo ${WALK_GRAPHS[graph].role} graph did not open on ${request.backend === 'webgpu' ? 'WebGPU' : 'WASM'}`;
    const check = "Check that the folder is schmuell/sd-turbo-ort-web's.";
    if (error instanceof UserError) throw new UserError(`${where}: ${error.message} ${check}`, { cause: error });
    const why = error instanceof Error ? error.message : String(error);
    const f16 = request.backend === 'webgpu' && request.fp16 ? '' : " SD-Turbo's ONNX Runtime Web export is fp16: it needs WebGPU with the shader-f16 feature, which this browser does not offer here.";
    throw new UserError(`${where} (${why.slice(0, 300)}).${f16} ${check}`, { cause: error });
  }
}

/** GIF with one palette for every frame; MP4 through WebCodecs, else ffmpeg.wasm. */
async function openWriter(request: LatentWalkRequest, width: number, height: number): Promise<FrameWriter> {
  if (request.format !== 'mp4') return new GifWriter({ width: 0, fps: 0, palette: 'shared' });
  const codec = await webCodecsCodec('mp4', width, height);
  if (codec) return VideoWriter.create('mp4', codec, null);
  return FfmpegVideoWriter.create(request.appRoot, 'mp4', width, height, 1000 / request.frameMillis, null);
}

export async function latentWalk(request: LatentWalkRequest, context: WorkerContext): Promise<LatentWalkResult> {
  const started = performance.now();
  fitGraphs(request);
  const tokenizer = await tokenizerOf(request, undefined);
  const textEncoder = await open(request, 'textEncoder', context);
  const unet = await open(request, 'unet', context);
  const vaeDecoder = await open(request, 'vaeDecoder', context);
  context.onProgress({ stage: 'frames', done: 0, total: request.frames });
  const result = await runWalk(
    { textEncoder: textEncoder.session, unet: unet.session, vaeDecoder: vaeDecoder.session, tokenizer },
    {
      promptA: request.promptA,
      promptB: request.promptB,
      frames: request.frames,
      pingPong: request.pingPong,
      seed: request.seed,
      seedB: request.seedWalk ? request.seedB : undefined,
      onFrame: (frame) => {
        // Progress messages are cloned: the page gets a copy, the GIF keeps the frame here.
        const { data } = frame.image;
        context.onProgress({
          stage: 'frames',
          done: frame.index + 1,
          total: frame.total,
          frame: { index: frame.index, width: frame.image.width, height: frame.image.height, data },
          remainingMs: frame.remainingMs,
        } as LatentWalkProgress);
      },
    },
  );
  const seconds = request.frameMillis / 1000;
  const writer = await openWriter(request, result.frames[0].width, result.frames[0].height);
  for (const [k, index] of result.order.entries()) await writer.add(result.frames[index], k * seconds, seconds);
  const encoded = await writer.finish();
  const framesMs = result.timings.framesMs;
  return {
    output: encoded.blob,
    codec: encoded.codec,
    frames: result.frames.length,
    played: encoded.frames,
    width: result.frames[0].width,
    height: result.frames[0].height,
    promptTokens: result.promptTokens,
    msPerFrame: framesMs.reduce((s, v) => s + v, 0) / Math.max(1, framesMs.length),
    promptsMs: result.timings.promptsMs,
    totalMs: performance.now() - started,
    backend: request.backend,
    variant: textEncoder.variant,
  };
}
