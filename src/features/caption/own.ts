/**
 * ViT-GPT2 files of the user's own (Xenova/vit-gpt2-image-captioning's encoder, merged decoder and
 * vocab.json), where a deployment lists no captioning model or instead of one. Picked or dropped one
 * by one, each is placed by its hub name; once all three are there they are copied into the model
 * store (src/models/import.ts) and listed as one model, read by sha256 like a download, after
 * reloads too. Shared by the page (state.ts) and the worker (which checks the graphs by this id).
 */
import { UserError } from '../../lib/errors';
import { ownEntry } from '../../models/own';
import type { ModelEntry, ModelFile } from '../../models/registry';

/** The id under which the user's own files are listed (never a catalogue id). */
export const OWN_CAPTION_MODEL = 'own-files';

export type OwnCaptionRole = 'encoder' | 'decoder' | 'vocab';
export const OWN_CAPTION_ROLES: readonly OwnCaptionRole[] = ['encoder', 'decoder', 'vocab'];

/** Which of ViT-GPT2's files this is, by its name as on the hub; null for one that is not needed (merges.txt). */
export function ownCaptionRole(name: string): OwnCaptionRole | null {
  const base = name.split('/').pop() ?? name;
  if (/\.onnx$/i.test(base)) {
    if (/decoder/i.test(base)) return 'decoder';
    if (/encoder/i.test(base)) return 'encoder';
    throw new UserError(`"${base}": the name does not say which graph it is. Use the hub's files, named encoder_model….onnx and decoder_model_merged….onnx.`);
  }
  if (/^vocab\.json$/i.test(base)) return 'vocab';
  if (/^merges\.txt$/i.test(base)) return null;
  throw new UserError(`"${base}" is not one of ViT-GPT2's files: a caption needs onnx/encoder_model*.onnx, onnx/decoder_model_merged*.onnx and vocab.json.`);
}

/** Where a file of this role sits in the hub repo's layout, under the user's file name. */
export function ownCaptionPath(role: OwnCaptionRole, name: string): string {
  const base = name.split('/').pop() ?? name;
  return role === 'vocab' ? 'vocab.json' : `onnx/${base}`;
}

/** The stored files as a model entry: what the request, the session cache and the result name. */
export function ownCaptionEntry(files: ModelFile[]): ModelEntry {
  return ownEntry(
    {
      id: OWN_CAPTION_MODEL,
      task: 'caption',
      title: 'Your own files (ViT-GPT2)',
      io: { inputs: [{ name: 'pixel_values', dtype: 'float32', layout: 'NCHW', shape: [1, 3, 224, 224] }], outputs: [{ name: 'logits', dtype: 'float32', shape: [1, 'sequence_length', 50257] }] },
    },
    files,
  );
}

export const isOwnCaption = (model: ModelEntry) => model.id === OWN_CAPTION_MODEL;
