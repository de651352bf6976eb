/**
 * Worker side of one caption: decode the photo, open the model's encoder and merged decoder from the
 * model store (a catalogue model downloaded beforehand through the model manager, or the user's own
 * files copied in: src/features/caption/own.ts), run the caption loop, report the text token by token.
 */
import { UserError } from '../../../lib/errors';
import { decodeImage } from '../../../media/decode/image';
import { pickVariant, type ModelEntry, type ModelVariant } from '../../../models/registry';
import { readStored } from '../../../models/store';
import { getSession, sessions, type ModelSession, type SessionRequest } from '../../../runtime/sessions';
import type { WorkerContext } from '../../../workers/protocol';
import type { CaptionImageRequest, CaptionImageResult, CaptionProgress } from '../protocol';
import { Gpt2Decoder } from './bpe';
import { captionPixels } from './caption';
import { checkEncoder, decoderLayout, ENCODER_INPUT, ENCODER_OUTPUT } from './decoder';
import { isOwnCaption } from '../own';

const tokenizers = new Map<string, Promise<Gpt2Decoder>>();

/** The variant's vocab.json (role `vocab`), parsed once per file. */
function tokenizerOf(model: ModelEntry, variant: ModelVariant): Promise<Gpt2Decoder> {
  const own = isOwnCaption(model);
  const file = variant.files?.find((f) => f.role === 'vocab');
  if (!file) throw new UserError(`The model "${model.title}" lists no vocab.json (a file with role "vocab"), so its captions cannot be turned into text.`);
  let pending = tokenizers.get(file.sha256);
  if (!pending) {
    pending = readStored(file).then((bytes) => {
      if (!bytes) throw new UserError(`The tokenizer of "${model.title}" (${file.path}) is not on this device. ${own ? 'Pick your vocab.json again.' : 'Download the model again in "Models on this device".'}`);
      try {
        return Gpt2Decoder.fromJson(new TextDecoder().decode(bytes));
      } catch (error) {
        if (!own) throw error;
        throw new UserError(`Your vocab.json could not be read as GPT-2's vocabulary (${(error as Error).message}). Use the vocab.json of Xenova/vit-gpt2-image-captioning.`, { cause: error });
      }
    });
    pending.catch(() => tokenizers.delete(file.sha256));
    tokenizers.set(file.sha256, pending);
  }
  return pending;
}

/**
 * The user's own encoder and decoder files, checked before anything runs: each must be the graph its
 * name said it was, so a swapped or foreign file gets a sentence rather than a failed run.
 */
function checkOwnGraphs(encoder: ModelSession, decoder: ModelSession): void {
  const hint = 'Use onnx/encoder_model*.onnx and onnx/decoder_model_merged*.onnx of Xenova/vit-gpt2-image-captioning.';
  checkEncoder(encoder, () => {
    const has = `it takes ${encoder.inputNames.join(', ') || 'nothing'} and gives ${encoder.outputNames.join(', ') || 'nothing'}`;
    return new UserError(`Your encoder file is not ViT-GPT2's encoder: ${has} (${ENCODER_INPUT} -> ${ENCODER_OUTPUT} was expected). ${hint}`);
  });
  try {
    decoderLayout(decoder);
  } catch (error) {
    throw new UserError(`Your decoder file is not ViT-GPT2's merged decoder: ${(error as Error).message.replace(/^This does not look like [^:]*: /, '')} ${hint}`, { cause: error });
  }
}

async function open(request: CaptionImageRequest, graph: 'encoder' | 'decoder', context: WorkerContext): Promise<{ session: ModelSession; variant: string }> {
  const sessionRequest: SessionRequest = {
    appRoot: request.appRoot,
    backend: request.backend,
    fp16: request.fp16,
    model: request.model,
    graph,
    // The default warm-up feeds the contract's image input; a decoder takes ids and a cache.
    warmUp: false,
    onProgress: (p) => context.onProgress({ stage: p.stage, done: p.done, total: p.total }),
  };
  const { handle, variant } = getSession(sessionRequest);
  return { session: await handle, variant };
}

/**
 * The encoder and the decoder are used one after the other for every photo: a session cache that
 * cannot hold both (fp32: 343 + 615 MB against the runtime's 512 MB default) would reopen both for
 * each photo. Make room for the pair.
 */
function fitPair(request: CaptionImageRequest): void {
  const variant = pickVariant(request.model, request.backend, request.fp16);
  const pair = (variant.files ?? []).filter((f) => f.role === 'encoder' || f.role === 'decoder').reduce((sum, f) => sum + f.bytes, 0);
  if (pair > sessions.budget) sessions.setBudget(pair);
}

export async function captionImage(request: CaptionImageRequest, context: WorkerContext): Promise<CaptionImageResult> {
  const started = performance.now();
  const image = await decodeImage(request.image, `"${request.imageName}"`);
  fitPair(request);
  // Encoder first, then the decoder: if the session cache cannot hold both (fp32), the encoder is
  // the one let go, after it has run.
  const encoder = await open(request, 'encoder', context);
  const variant = request.model.variants.find((v) => v.name === encoder.variant) ?? request.model.variants[0];
  const tokenizer = await tokenizerOf(request.model, variant);
  const decoder = await open(request, 'decoder', context);
  if (isOwnCaption(request.model)) checkOwnGraphs(encoder.session, decoder.session);
  const total = request.maxLength - 1;
  context.onProgress({ stage: 'infer', done: 0, total });
  const caption = await captionPixels(
    { encoder: encoder.session, decoder: decoder.session, tokenizer },
    {
      pixels: image,
      numBeams: request.numBeams,
      maxLength: request.maxLength,
      repetitionPenalty: request.repetitionPenalty,
      noRepeatNgramSize: request.noRepeatNgramSize,
      onText: (text, ids) => context.onProgress({ stage: 'infer', done: ids.length, total, text } as CaptionProgress),
    },
  );
  return {
    text: caption.text,
    ids: caption.ids,
    finished: caption.finished,
    steps: caption.steps,
    gpuCacheSteps: caption.gpuCacheSteps,
    cacheReadbacks: caption.cacheReadbacks,
    width: image.width,
    height: image.height,
    captionMs: caption.encodeMs + caption.decodeMs,
    totalMs: performance.now() - started,
    backend: request.backend,
    variant: encoder.variant,
  };
}
