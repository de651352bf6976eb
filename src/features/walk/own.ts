/**
 * SD-Turbo files the user already has: the folder of `schmuell/sd-turbo-ort-web` (text_encoder/,
 * unet/, vae_decoder/, tokenizer/) as downloaded from its hub page. A deployment whose manifest lists
 * no walk model (this repo's: the hub commit and the files' sha256 can't be known from here) still
 * walks with them. The files are copied once into the model store (OPFS, by sha256, as a download
 * is), so they are read like a verified download and stay after a reload; this module finds each
 * file's role by its path and keeps the list of stored files (localStorage) to rebuild the entry.
 */
import { UserError } from '../../lib/errors';
import { ownEntry } from '../../models/own';
import type { ModelEntry, ModelFile } from '../../models/registry';

export const OWN_WALK_ID = 'own-sd-turbo';
export const OWN_WALK_SOURCE = 'https://huggingface.co/schmuell/sd-turbo-ort-web';

/** The graphs by folder, as in the hub repo; the tokenizer files by name. */
const GRAPH_FOLDERS: Record<string, string> = { text_encoder: 'text-encoder', unet: 'unet', vae_decoder: 'vae-decoder' };
const NEEDED = [
  { path: 'text_encoder/model.onnx', role: 'text-encoder' },
  { path: 'unet/model.onnx', role: 'unet' },
  { path: 'vae_decoder/model.onnx', role: 'vae-decoder' },
  { path: 'tokenizer/vocab.json', role: 'vocab' },
  { path: 'tokenizer/merges.txt', role: 'merges' },
];

export interface OwnWalkPick {
  file: Blob;
  /** The file's path in the repo's layout (`unet/model.onnx`), whatever the folder above it was called. */
  path: string;
  role: string;
}

/**
 * A file's role and repo path from where it sits in the picked folder (`my-copy/unet/model.onnx`:
 * `unet`, `unet/model.onnx`), or null for files the walk does not read (README, .gitattributes…).
 * Graph weights stored beside a graph (`model.onnx_data`, `model.onnx.data`) are its external data.
 */
export function walkRoleOf(relativePath: string): { role: string; path: string } | null {
  const parts = relativePath.split('/').filter(Boolean);
  const name = parts.at(-1)?.toLowerCase() ?? '';
  const folder = parts.at(-2)?.toLowerCase() ?? '';
  if (name === 'vocab.json' || name === 'merges.txt') return { role: name === 'vocab.json' ? 'vocab' : 'merges', path: parts.slice(-2).join('/') };
  const graph = GRAPH_FOLDERS[folder];
  if (!graph) return null;
  const path = `${folder}/${parts.at(-1)}`;
  if (name.endsWith('.onnx')) return { role: graph, path };
  if (/\.onnx[._]data(_\d+)?$/.test(name)) return { role: 'external-data', path };
  return null;
}

/**
 * The files to copy, each with its role: exactly one graph per folder and both tokenizer files, else
 * a UserError that names what is missing or ambiguous (nothing has been copied yet).
 */
export function planOwnWalk(files: ReadonlyArray<{ file: Blob; path: string }>): OwnWalkPick[] {
  const picks: OwnWalkPick[] = [];
  for (const { file, path } of files) {
    const found = walkRoleOf(path);
    if (found) picks.push({ file, ...found });
  }
  const how = 'Choose the folder of schmuell/sd-turbo-ort-web as you downloaded it: it holds text_encoder/, unet/ and vae_decoder/ (a model.onnx in each) and tokenizer/ (vocab.json, merges.txt).';
  const loose = files.find((f) => f.path.toLowerCase().endsWith('.onnx') && !walkRoleOf(f.path));
  if (loose && !picks.some((p) => p.role !== 'vocab' && p.role !== 'merges'))
    throw new UserError(`"${loose.path}" is a graph outside SD-Turbo's folders, so which of its three graphs it is cannot be told. ${how}`);
  if (picks.length === 0) throw new UserError(`None of the ${files.length} file${files.length === 1 ? '' : 's'} you chose belongs to SD-Turbo. ${how}`);
  for (const { role } of NEEDED) {
    const same = picks.filter((p) => p.role === role);
    if (same.length > 1) throw new UserError(`The folder holds ${same.length} files for SD-Turbo's ${role} (${same.map((g) => g.path).join(', ')}); keep one and choose the folder again.`);
  }
  const missing = NEEDED.filter((needed) => !picks.some((p) => p.role === needed.role)).map((needed) => needed.path);
  if (missing.length) throw new UserError(`The folder has no ${missing.join(', ')}. ${how}`);
  // Weights beside a graph belong to it only when named after it (ORT finds them by the graph's name).
  const graphs = picks.filter((p) => p.role !== 'external-data');
  return [...graphs, ...picks.filter((p) => p.role === 'external-data' && graphs.some((g) => p.path.startsWith(g.path)))];
}

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
