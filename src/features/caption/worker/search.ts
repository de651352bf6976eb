/**
 * Token search for an autoregressive decoder: greedy and beam search with a maximum length, a
 * repetition penalty and a no-repeat n-gram rule, stopping at the end token. Model-agnostic: the
 * decoder is a `StepModel` (see decoder.ts for the ViT-GPT2 merged decoder with its key/value
 * cache), so the search is tested on fixed logits.
 *
 * Conventions follow Hugging Face `generate` (what the model card's numbers mean):
 * - `maxLength` counts the start token: 20 gives at most 19 new tokens;
 * - greedy applies the logits processors to raw logits, beam search to log-softmax scores;
 * - repetition penalty (CTRL): every token already in the sequence, start token included, gets
 *   score/p when positive and score*p when negative;
 * - no-repeat n-gram: a token that would complete an n-gram already in the sequence is banned;
 * - a finished beam hypothesis scores sum(log p) / length^lengthPenalty, length = its tokens
 *   before the end token, start token included.
 */
import { UserError } from '../../../lib/errors';

export interface StepModel {
  /**
   * One decoder step for several rows (beams). `tokens[r]` is the newest token of row r. `parents`
   * is null on the first call (no cache yet); afterwards `parents[r]` is the row of the previous
   * call whose cache row r continues (beams are reordered, duplicated and dropped between steps).
   * Resolves to the next-token logits of each row.
   */
  step(tokens: readonly number[], parents: readonly number[] | null): Promise<Float32Array[]>;
}

export interface SearchOptions {
  /** Total length, start token included (default 20, the model's config). */
  maxLength?: number;
  /** 1 = greedy (default). */
  numBeams?: number;
  /** 1 = off (default). */
  repetitionPenalty?: number;
  /** 0 = off (default). */
  noRepeatNgramSize?: number;
  /** Beam search: exponent of the length normalisation (default 1). */
  lengthPenalty?: number;
  /** Beam search: stop as soon as `numBeams` hypotheses are finished (default false). */
  earlyStopping?: boolean;
  startToken?: number;
  endToken?: number;
  signal?: AbortSignal;
  /** After every step: the best sequence so far, start token left out (for captions shown live). */
  onToken?: (ids: readonly number[]) => void;
}

export interface SearchResult {
  /** Generated ids, start and end tokens left out. */
  ids: number[];
  /** true: ended with the end token; false: cut at `maxLength`. */
  finished: boolean;
  /** Decoder calls made. */
  steps: number;
  /** Beam search: the hypothesis' normalised score; greedy: sum of log-probabilities. */
  score: number;
}

/**
 * The decoder's logits held NaN or +Infinity: a broken model (e.g. fp16 overflow), not a caption. A
 * UserError (its name stays "UserError"), so the page shows the sentence as it is.
 */
export class NonFiniteLogitsError extends UserError {
  constructor(step: number) {
    super(`The caption model produced invalid numbers (NaN) at token ${step}, so captioning stopped. The model file may be damaged, or this precision (fp16) overflows on this device: try another model variant or the WASM backend.`);
  }
}

export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The caption was cancelled', 'AbortError');
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

function checkFinite(logits: Float32Array, step: number): void {
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v !== v || v === Infinity) throw new NonFiniteLogitsError(step);
  }
}

export function applyRepetitionPenalty(scores: Float32Array, ids: readonly number[], penalty: number): void {
  if (penalty === 1) return;
  for (const id of new Set(ids)) {
    if (id < 0 || id >= scores.length) continue;
    const s = scores[id];
    scores[id] = s < 0 ? s * penalty : s / penalty;
  }
}

/** Tokens that would repeat an n-gram of `ids`. */
export function bannedNgramTokens(ids: readonly number[], n: number): Set<number> {
  const banned = new Set<number>();
  if (n <= 0 || ids.length + 1 < n) return banned;
  const prefix = ids.slice(ids.length - (n - 1));
  for (let i = 0; i + n <= ids.length; i++) {
    let match = true;
    for (let k = 0; k < n - 1 && match; k++) match = ids[i + k] === prefix[k];
    if (match) banned.add(ids[i + n - 1]);
  }
  return banned;
}

function process(scores: Float32Array, ids: readonly number[], o: Required<Pick<SearchOptions, 'repetitionPenalty' | 'noRepeatNgramSize'>>): void {
  applyRepetitionPenalty(scores, ids, o.repetitionPenalty);
  for (const id of bannedNgramTokens(ids, o.noRepeatNgramSize)) scores[id] = -Infinity;
}

export function logSoftmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const log = max + Math.log(sum);
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - log;
  return out;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Indices of the k largest values, largest first (ties: lower index first). */
export function topK(values: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === -Infinity) continue;
    if (top.length === k && v <= values[top[k - 1]]) continue;
    let at = top.length;
    while (at > 0 && values[top[at - 1]] < v) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

function settle(options: SearchOptions) {
  const o = {
    maxLength: options.maxLength ?? 20,
    numBeams: options.numBeams ?? 1,
    repetitionPenalty: options.repetitionPenalty ?? 1,
    noRepeatNgramSize: options.noRepeatNgramSize ?? 0,
    lengthPenalty: options.lengthPenalty ?? 1,
    earlyStopping: options.earlyStopping ?? false,
    startToken: options.startToken ?? 50256,
    endToken: options.endToken ?? 50256,
  };
  if (!(Number.isInteger(o.maxLength) && o.maxLength >= 2)) throw new Error(`maxLength must be a whole number >= 2, got ${o.maxLength}`);
  if (!(Number.isInteger(o.numBeams) && o.numBeams >= 1)) throw new Error(`numBeams must be a whole number >= 1, got ${o.numBeams}`);
  if (!(o.repetitionPenalty > 0)) throw new Error(`repetitionPenalty must be > 0, got ${o.repetitionPenalty}`);
  if (!(Number.isInteger(o.noRepeatNgramSize) && o.noRepeatNgramSize >= 0)) throw new Error(`noRepeatNgramSize must be a whole number >= 0, got ${o.noRepeatNgramSize}`);
  return o;
}

/** Greedy or beam search, by `numBeams`. */
export function generate(model: StepModel, options: SearchOptions = {}): Promise<SearchResult> {
  return (options.numBeams ?? 1) > 1 ? beamSearch(model, options) : greedySearch(model, options);
}

export async function greedySearch(model: StepModel, options: SearchOptions = {}): Promise<SearchResult> {
  const o = settle(options);
  const { signal, onToken } = options;
  checkAbort(signal);
  const ids = [o.startToken];
  let steps = 1;
  let [logits] = await model.step([o.startToken], null);
  let score = 0;
  for (;;) {
    checkAbort(signal);
    checkFinite(logits, ids.length);
    const scores = Float32Array.from(logits);
    process(scores, ids, o);
    const next = argmax(scores);
    if (scores[next] === -Infinity) throw new Error('every token is banned (no-repeat n-gram): lower noRepeatNgramSize');
    score += logSoftmax(logits)[next];
    ids.push(next);
    if (next === o.endToken) return { ids: ids.slice(1, -1), finished: true, steps, score };
    onToken?.(ids.slice(1));
    if (ids.length >= o.maxLength) return { ids: ids.slice(1), finished: false, steps, score };
    checkAbort(signal);
    [logits] = await model.step([next], [0]);
    steps++;
  }
}

interface Beam {
  ids: number[];
  score: number;
  /** ended with the end token (finished hypotheses only) */
  ended?: boolean;
}

export async function beamSearch(model: StepModel, options: SearchOptions = {}): Promise<SearchResult> {
  const o = settle(options);
  const { signal, onToken } = options;
  const k = o.numBeams;
  checkAbort(signal);
  let beams: Beam[] = [{ ids: [o.startToken], score: 0 }];
  let rows = await model.step([o.startToken], null);
  let steps = 1;
  const finished: Beam[] = []; // score normalised, best first, at most k
  const normalised = (sum: number, length: number) => sum / length ** o.lengthPenalty;
  const addHypothesis = (ids: number[], sum: number, ended: boolean) => {
    const score = normalised(sum, ids.length);
    if (finished.length === k && score <= finished[k - 1].score) return;
    finished.push({ ids, score, ended });
    finished.sort((a, b) => b.score - a.score);
    if (finished.length > k) finished.pop();
  };
  for (;;) {
    checkAbort(signal);
    const candidates: { row: number; token: number; score: number }[] = [];
    beams.forEach((beam, r) => {
      checkFinite(rows[r], beam.ids.length);
      const scores = logSoftmax(rows[r]);
      process(scores, beam.ids, o);
      for (const token of topK(scores, 2 * k)) candidates.push({ row: r, token, score: beam.score + scores[token] });
    });
    if (candidates.length === 0) throw new Error('every token is banned (no-repeat n-gram): lower noRepeatNgramSize');
    candidates.sort((a, b) => b.score - a.score || a.row - b.row || a.token - b.token);
    const next: { row: number; token: number; score: number }[] = [];
    for (const [rank, c] of candidates.slice(0, 2 * k).entries()) {
      if (c.token === o.endToken) {
        if (rank < k) addHypothesis(beams[c.row].ids, c.score, true);
        continue;
      }
      next.push(c);
      if (next.length === k) break;
    }
    const length = beams[0].ids.length + 1;
    const nextBeams = next.map((c) => ({ ids: [...beams[c.row].ids, c.token], score: c.score }));
    const full = finished.length === k;
    const done =
      nextBeams.length === 0 ||
      (full && (o.earlyStopping || finished[k - 1].score >= normalised(nextBeams[0].score, length)));
    if (done || length >= o.maxLength) {
      if (!done) for (const b of nextBeams) addHypothesis(b.ids, b.score, false);
      const best = finished[0];
      return { ids: best.ids.slice(1), finished: best.ended ?? false, steps, score: best.score };
    }
    onToken?.(nextBeams[0].ids.slice(1));
    beams = nextBeams;
    checkAbort(signal);
    rows = await model.step(
      next.map((c) => c.token),
      next.map((c) => c.row),
    );
    steps++;
  }
}
