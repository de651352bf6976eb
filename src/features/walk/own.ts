/**
 * SD-Turbo files the user already has: the folder of `schmuell/sd-turbo-ort-web` (text_encoder/,
 * unet/, vae_decoder/, tokenizer/) as downloaded from its hub page. A deployment whose manifest lists
 * no walk model (this repo's: the hub commit and the files' sha256 can't be known from here) still
 * walks with them. The files are copied once into the model store (OPFS, by sha256, as a download
 * is), so they are read like a verified download and stay after a reload; folder.ts finds each
 * file's role by its path, and this module builds the entry from the stored files' list.
 */
import { ownEntry } from '../../models/own';
import type { ModelEntry, ModelFile } from '../../models/registry';

export const OWN_WALK_ID = 'own-sd-turbo';
export const OWN_WALK_SOURCE = 'https://huggingface.co/schmuell/sd-turbo-ort-web';

/** The walk entry for stored files: one variant, read from the store only (no URL to download from). */
export function ownWalkEntry(files: ModelFile[]): ModelEntry {
  return ownEntry(
    {
      id: OWN_WALK_ID,
      task: 'walk',
      title: 'SD-Turbo (your files)',
      licence: 'the licence your copy came with (SD-Turbo: Stability AI Non-Commercial Research Community License)',
      licenceUrl: OWN_WALK_SOURCE,
      source: OWN_WALK_SOURCE,
      io: {
        inputs: [{ name: 'input_ids', dtype: 'int32', shape: [1, 77] }],
        outputs: [{ name: 'sample', dtype: 'float32', layout: 'NCHW', shape: [1, 3, 512, 512] }],
      },
    },
    files,
  );
}

export function isOwnWalk(model: ModelEntry | undefined): boolean {
  return model?.id === OWN_WALK_ID;
}
