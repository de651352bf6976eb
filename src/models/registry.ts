/**
 * Typed, validated view of models/manifest.json. Validation runs on the committed manifest at start-up
 * and in the unit tests, so a broken entry fails loudly in CI rather than at a user's first click.
 */
/** `style-blend`: one multi-style network that mixes several `style` models by a weights input. */
export type Task = 'style' | 'style-blend' | 'depth' | 'caption' | 'walk';
export type Backend = 'webgpu' | 'wasm';

export interface TensorSpec {
  name: string;
  dtype: 'float32' | 'float16' | 'int64' | 'int32' | 'uint8';
  layout?: string;
  shape: Array<number | string>;
  range?: [number, number];
}

/**
 * One file of a catalogue model, downloaded from its hub at the user's request. Every URL is pinned
 * to a commit (`https://huggingface.co/<org>/<repo>/resolve/<40-hex commit>/<path>`), so the bytes
 * behind it never change and `bytes` + `sha256` can be checked.
 */
export interface ModelFile {
  /** The file's path in its repository (`onnx/model.onnx`, `tokenizer/vocab.json`); ORT external-data files are found by this name. */
  path: string;
  /** What the task uses it for: `model`, `encoder`, `decoder`, `text-encoder`, `unet`, `vae-decoder`, `vocab`, `merges`, `external-data`… */
  role: string;
  url: string;
  bytes: number;
  sha256: string;
}

export interface ModelVariant {
  name: string;
  /**
   * Embedded: the file under models/. Catalogue variants list `files` in the manifest instead; the
   * validator then sets `file`, `bytes` and `sha256` to the first file's URL, the total size of all
   * files and the first file's sha256 (keys and sizes for caches that predate multi-file models).
   */
  file: string;
  bytes: number;
  sha256: string;
  /** Catalogue variants: every file the variant needs, first the main graph. */
  files?: ModelFile[];
  maxAbsDiffVsFp32?: number;
}

export interface StyleInfo {
  artist: string;
  year?: string;
  thumbnail: string;
  tier: 'realtime' | 'quality';
}

export interface BlendInfo {
  /** Ids of the `style` models it mixes, in the order of its weights input's entries. */
  styles: string[];
  /** The input that takes the mix: float32 [1, styles.length], one weight per style. */
  weightsInput: string;
  /**
   * Which transform net: 'realtime' (default) is the net the gallery's own style files are baked
   * from; 'quality' is the 1.7 M-parameter net, one file serving every listed style at ~9x the cost.
   */
  tier?: 'realtime' | 'quality';
}

export interface ModelEntry {
  id: string;
  task: Task;
  title: string;
  embedded: boolean;
  licence: string;
  /** Catalogue models: where the licence text is. */
  licenceUrl?: string;
  /** Catalogue models: the licence is shown and must be accepted before the download starts. */
  licenceMustAccept?: boolean;
  source: string;
  style?: StyleInfo;
  blend?: BlendInfo;
  io: { inputs: TensorSpec[]; outputs: TensorSpec[]; multipleOf?: number };
  variants: ModelVariant[];
  preferred: Partial<Record<Backend, string>>;
  recipe?: Record<string, unknown>;
}

export interface Manifest {
  version: 1;
  models: ModelEntry[];
}

const TASKS: readonly Task[] = ['style', 'style-blend', 'depth', 'caption', 'walk'];

function fail(where: string, what: string): never {
  throw new Error(`models/manifest.json: ${where}: ${what}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkTensors(where: string, list: unknown): void {
  if (!Array.isArray(list) || list.length === 0) fail(where, 'needs at least one tensor');
  for (const [i, t] of list.entries()) {
    if (!isRecord(t) || typeof t.name !== 'string' || !t.name) fail(`${where}[${i}]`, 'needs a name');
    if (!Array.isArray(t.shape)) fail(`${where}[${i}]`, 'needs a shape');
  }
}

/** `https://huggingface.co/<org>/<repo>/resolve/<40-hex commit>/<path>`: a hub file pinned to a commit. */
export const PINNED_URL = /^https:\/\/huggingface\.co\/[\w.-]+\/[\w.-]+\/resolve\/[0-9a-f]{40}\/(.+)$/;

const SHA256 = /^[0-9a-f]{64}$/;

function checkSize(where: string, v: Record<string, unknown>): void {
  if (typeof v.bytes !== 'number' || !Number.isSafeInteger(v.bytes) || !(v.bytes > 0)) fail(where, 'needs bytes > 0');
  if (typeof v.sha256 !== 'string' || !SHA256.test(v.sha256)) fail(where, 'needs a hex sha256 (64 lower-case hex digits)');
}

function checkFile(where: string, f: unknown): void {
  if (!isRecord(f)) fail(where, 'is not an object');
  if (typeof f.path !== 'string' || !f.path || f.path.startsWith('/') || f.path.split('/').includes('..')) fail(where, 'needs a relative path');
  if (typeof f.role !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(f.role)) fail(where, 'needs a kebab-case role');
  if (typeof f.url !== 'string') fail(where, 'needs a url');
  const pinned = PINNED_URL.exec(f.url);
  if (!pinned) fail(where, `url ${f.url} is not pinned to a commit (expected https://huggingface.co/<org>/<repo>/resolve/<40-hex commit>/<path>)`);
  if (decodeURIComponent(pinned[1]) !== f.path) fail(where, `url ${f.url} does not end with its path ${f.path}`);
  checkSize(where, f);
}

function checkVariant(where: string, v: unknown, embedded: boolean): void {
  if (!isRecord(v)) fail(where, 'is not an object');
  if (typeof v.name !== 'string' || !v.name) fail(where, 'needs a name');
  if (embedded) {
    if (v.files !== undefined) fail(where, 'embedded models have one file (file, bytes, sha256), not files');
    if (typeof v.file !== 'string' || !v.file) fail(where, 'needs a file');
    if (/^[a-z]+:/i.test(v.file)) fail(where, 'embedded models use paths relative to models/');
    checkSize(where, v);
    return;
  }
  if (!Array.isArray(v.files) || v.files.length === 0) fail(where, 'catalogue models need files: [{ path, role, url, bytes, sha256 }]');
  v.files.forEach((f, k) => checkFile(`${where}.files[${k}]`, f));
  // `file` is derived (the first file's URL); a manifest that sets it to anything else is confused.
  if (v.file !== undefined && v.file !== (v.files[0] as ModelFile).url) fail(where, 'catalogue models list their downloads in files: [{ path, role, url, bytes, sha256 }], not file');
  const paths = (v.files as ModelFile[]).map((f) => f.path);
  if (new Set(paths).size !== paths.length) fail(where, 'lists a file path twice');
}

/** Catalogue variants get `file`, `bytes` and `sha256` from their files (see ModelVariant). */
function normaliseVariant(v: ModelVariant): ModelVariant {
  if (!v.files) return v;
  const [main] = v.files;
  return { ...v, file: main.url, bytes: v.files.reduce((sum, f) => sum + f.bytes, 0), sha256: main.sha256 };
}

function checkLicence(m: Record<string, unknown> & { id: string }): void {
  if (m.licenceMustAccept !== undefined && typeof m.licenceMustAccept !== 'boolean') fail(m.id, 'licenceMustAccept must be true or false');
  if (m.licenceUrl !== undefined && (typeof m.licenceUrl !== 'string' || !m.licenceUrl.startsWith('https://'))) fail(m.id, 'licenceUrl must be an https:// URL');
  if (m.embedded === false && m.licenceUrl === undefined) fail(m.id, 'catalogue models need licenceUrl (shown before the download)');
  if (m.licenceMustAccept === true && m.licenceUrl === undefined) fail(m.id, 'a licence that must be accepted needs licenceUrl');
}

export function validateManifest(json: unknown): Manifest {
  if (!isRecord(json) || json.version !== 1 || !Array.isArray(json.models)) fail('root', 'expected { version: 1, models: [...] }');
  const seen = new Set<string>();
  for (const [i, m] of json.models.entries()) {
    const where = `models[${i}]`;
    if (!isRecord(m)) fail(where, 'is not an object');
    if (typeof m.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(m.id)) fail(where, 'id must be kebab-case');
    if (seen.has(m.id)) fail(where, `duplicate id ${m.id}`);
    seen.add(m.id);
    if (!TASKS.includes(m.task as Task)) fail(m.id, `unknown task ${String(m.task)}`);
    for (const key of ['title', 'licence', 'source'] as const) {
      if (typeof m[key] !== 'string' || !m[key]) fail(m.id, `needs ${key}`);
    }
    if (typeof m.embedded !== 'boolean') fail(m.id, 'needs embedded: true|false');
    checkLicence(m as Record<string, unknown> & { id: string });
    if (!isRecord(m.io)) fail(m.id, 'needs io');
    checkTensors(`${m.id}.io.inputs`, m.io.inputs);
    checkTensors(`${m.id}.io.outputs`, m.io.outputs);
    if (!Array.isArray(m.variants) || m.variants.length === 0) fail(m.id, 'needs variants');
    m.variants.forEach((v, j) => checkVariant(`${m.id}.variants[${j}]`, v, m.embedded as boolean));
    const variantNames = (m.variants as ModelVariant[]).map((v) => v.name);
    if (new Set(variantNames).size !== variantNames.length) fail(m.id, 'lists a variant name twice');
    const names = (m.variants as ModelVariant[]).map((v) => v.name);
    if (!isRecord(m.preferred)) fail(m.id, 'needs preferred');
    for (const [backend, name] of Object.entries(m.preferred)) {
      if (!names.includes(name as string)) fail(m.id, `preferred.${backend} names missing variant ${String(name)}`);
    }
    if (m.task === 'style') {
      const s = m.style;
      if (!isRecord(s) || typeof s.artist !== 'string' || typeof s.thumbnail !== 'string') fail(m.id, 'style models need style.artist and style.thumbnail');
      if (s.tier !== 'realtime' && s.tier !== 'quality') fail(m.id, 'style.tier must be realtime or quality');
    }
    if (m.task === 'style-blend') checkBlend(m.id, m.blend, m.io.inputs as TensorSpec[]);
  }
  const styleIds = new Set(json.models.filter((m) => isRecord(m) && m.task === 'style').map((m) => (m as ModelEntry).id));
  for (const m of json.models as ModelEntry[]) {
    const unknown = m.blend?.styles.filter((id) => !styleIds.has(id)) ?? [];
    if (unknown.length > 0) fail(m.id, `blend.styles names no style model ${unknown.join(', ')}`);
  }
  // A copy: the imported JSON module stays as written, and validating the result again passes.
  const models = (json.models as ModelEntry[]).map((m) => (m.embedded ? m : { ...m, variants: m.variants.map(normaliseVariant) }));
  return { version: 1, models };
}

/** A blend model names at least two distinct styles and a weights input shaped [1, styles.length]. */
function checkBlend(id: string, blend: unknown, inputs: TensorSpec[]): void {
  if (!isRecord(blend) || !Array.isArray(blend.styles) || typeof blend.weightsInput !== 'string') fail(id, 'style-blend models need blend.styles and blend.weightsInput');
  const styles = blend.styles as unknown[];
  if (styles.length < 2 || !styles.every((s) => typeof s === 'string')) fail(id, 'blend.styles needs at least two style ids');
  if (new Set(styles).size !== styles.length) fail(id, 'blend.styles lists a style twice');
  if (blend.tier !== undefined && blend.tier !== 'realtime' && blend.tier !== 'quality') fail(id, 'blend.tier must be realtime or quality');
  const weights = inputs.find((t) => t.name === blend.weightsInput);
  if (!weights) fail(id, `blend.weightsInput ${blend.weightsInput} is not one of io.inputs`);
  if (weights.dtype !== 'float32' || weights.shape.length !== 2 || weights.shape[0] !== 1 || weights.shape[1] !== styles.length) {
    fail(id, `input ${weights.name} must be float32 [1, ${styles.length}] (one weight per blend style)`);
  }
}

/**
 * The variant to run on `backend`: the manifest's preference, else fp32, else the first. fp16 needs
 * WebGPU's shader-f16 feature; without it the fp32 variant runs instead.
 */
export function pickVariant(model: ModelEntry, backend: Backend, canFp16 = true): ModelVariant {
  const wanted = model.preferred[backend];
  const preferred = wanted === 'fp16' && !canFp16 ? 'fp32' : wanted;
  return (
    model.variants.find((v) => v.name === preferred) ??
    model.variants.find((v) => v.name === 'fp32') ??
    model.variants[0]
  );
}

export function modelsForTask(manifest: Manifest, task: Task): ModelEntry[] {
  return manifest.models.filter((m) => m.task === task);
}
