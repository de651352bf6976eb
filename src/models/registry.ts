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

export interface ModelVariant {
  name: string;
  file: string;
  bytes: number;
  sha256: string;
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

function checkVariant(where: string, v: unknown, embedded: boolean): void {
  if (!isRecord(v)) fail(where, 'is not an object');
  if (typeof v.name !== 'string' || !v.name) fail(where, 'needs a name');
  if (typeof v.file !== 'string' || !v.file) fail(where, 'needs a file');
  if (embedded && /^[a-z]+:/i.test(v.file)) fail(where, 'embedded models use paths relative to models/');
  if (!embedded && !v.file.startsWith('https://')) fail(where, 'catalogue models need an https:// URL');
  if (typeof v.bytes !== 'number' || !(v.bytes > 0)) fail(where, 'needs bytes > 0');
  if (typeof v.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(v.sha256)) fail(where, 'needs a hex sha256');
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
    if (!isRecord(m.io)) fail(m.id, 'needs io');
    checkTensors(`${m.id}.io.inputs`, m.io.inputs);
    checkTensors(`${m.id}.io.outputs`, m.io.outputs);
    if (!Array.isArray(m.variants) || m.variants.length === 0) fail(m.id, 'needs variants');
    m.variants.forEach((v, j) => checkVariant(`${m.id}.variants[${j}]`, v, m.embedded as boolean));
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
  return json as unknown as Manifest;
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
