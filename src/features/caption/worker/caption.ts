/**
 * One photo -> one caption with ViT-GPT2: preprocess, encoder, merged decoder loop (greedy or beam),
 * GPT-2 byte-level decoding. Worker-side and runtime-agnostic (any `RunnableSession`).
 */
import type { Feed } from '../../../runtime/sessions';
import { float16, type HostTensor } from '../../../runtime/tensors';
import type { Gpt2Decoder } from './bpe';
import { declaredType, encode, ENCODER_INPUT, MergedDecoder, type DecoderLayout, type RunnableSession } from './decoder';
import { vitPixelValues, type Pixels } from './preprocess';
import { generate, type SearchOptions } from './search';

export interface CaptionModels {
  encoder: RunnableSession;
  decoder: RunnableSession;
  tokenizer: Gpt2Decoder;
  /** Decoder heads/head size/cache type when they differ from ViT-GPT2 fp32 (12 x 64, float32). */
  layout?: Partial<DecoderLayout>;
}

export interface CaptionRequest extends Omit<SearchOptions, 'onToken'> {
  pixels: Pixels;
  /** The caption so far, after every token (cut UTF-8 sequences held back). */
  onText?: (text: string, ids: readonly number[]) => void;
}

export interface Caption {
  text: string;
  ids: number[];
  /** Ended with the end token rather than cut at maxLength. */
  finished: boolean;
  /** Decoder runs. */
  steps: number;
  /** Decoder runs whose key/value cache stayed in GPU buffers, and runs that read it back to reorder beams. */
  gpuCacheSteps: number;
  cacheReadbacks: number;
  preprocessMs: number;
  encodeMs: number;
  decodeMs: number;
  totalMs: number;
}

const now = () => performance.now();

export async function captionPixels(models: CaptionModels, request: CaptionRequest): Promise<Caption> {
  const { pixels, onText, ...search } = request;
  const t0 = now();
  const pixelValues = vitPixelValues(pixels);
  const t1 = now();
  return captionPixelValues(models, pixelValues, { ...search, onText }, t1 - t0, t0);
}

/** From `pixel_values` already made (e.g. by a caller with its own resize). */
export async function captionPixelValues(
  models: CaptionModels,
  pixelValues: HostTensor,
  request: Omit<CaptionRequest, 'pixels'>,
  preprocessMs = 0,
  started = now(),
): Promise<Caption> {
  const { onText, signal, ...search } = request;
  const greedy = (search.numBeams ?? 1) === 1;
  // On WebGPU the encoder output stays on the GPU for greedy decoding (beams need it on the CPU to
  // repeat it per row).
  const onGpu = models.encoder.backend === 'webgpu' && models.decoder.backend === 'webgpu' && greedy;
  const t1 = now();
  if (signal?.aborted) throw signal.reason ?? new DOMException('The caption was cancelled', 'AbortError');
  // fp16 exports may take half-float pixels: feed what the graph declares.
  const pixels = declaredType(models.encoder, ENCODER_INPUT) === 'float16' ? float16(pixelValues.data as Float32Array, pixelValues.dims) : pixelValues;
  const hidden: Feed = await encode(models.encoder, pixels, onGpu ? 'gpu-buffer' : 'cpu');
  const t2 = now();
  const decoder = new MergedDecoder(models.decoder, hidden, models.layout);
  try {
    const result = await generate(decoder, {
      ...search,
      signal,
      onToken: onText ? (ids) => onText(models.tokenizer.decode(ids, { partial: true }), ids) : undefined,
    });
    const text = models.tokenizer.decode(result.ids);
    const t3 = now();
    return {
      text,
      ids: result.ids,
      finished: result.finished,
      steps: result.steps,
      gpuCacheSteps: decoder.gpuSteps,
      cacheReadbacks: decoder.readbacks,
      preprocessMs,
      encodeMs: t2 - t1,
      decodeMs: t3 - t2,
      totalMs: t3 - started,
    };
  } finally {
    decoder.dispose();
    if ((hidden as { location?: string }).location === 'gpu-buffer') (hidden as { dispose(): void }).dispose();
  }
}
