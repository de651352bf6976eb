/**
 * Which files of a picked SD-Turbo folder the walk copies (own.ts keeps the copy): each placed by its
 * folder in the hub layout, refused before anything is copied when a graph is missing or doubled.
 * Loaded only when the user picks or drops a folder, so its sentences stay out of the first load.
 */
import { UserError } from '../../lib/errors';

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
