import { describe, expect, it } from 'vitest';
import { bannedNgramTokens, beamSearch, generate, greedySearch, logSoftmax, NonFiniteLogitsError, topK, type StepModel } from './search';

const END = 5; // start and end token, as 50256 is for GPT-2
const V = 6;
const names = ['a', 'b', 'c', 'd', 'e'];
const text = (ids: readonly number[]) => ids.map((i) => (i === END ? '</s>' : names[i])).join(' ');

type Table = Record<string, Partial<Record<'a' | 'b' | 'c' | 'd' | 'e' | 'end', number>>>;

/**
 * A decoder with fixed next-token probabilities per prefix. It keeps its own per-row "cache" (the
 * sequence each row has seen), rebuilt from `parents` exactly as a key/value cache is reordered, so
 * a search that passes the wrong parents gets the wrong logits.
 */
class TableModel implements StepModel {
  rows: number[][] = [];
  calls: { tokens: number[]; parents: number[] | null }[] = [];
  constructor(
    private table: Table | ((prefix: number[]) => Float32Array),
    private nanAtCall = Infinity,
  ) {}
  async step(tokens: readonly number[], parents: readonly number[] | null): Promise<Float32Array[]> {
    this.calls.push({ tokens: [...tokens], parents: parents && [...parents] });
    this.rows = tokens.map((t, r) => [...(parents ? this.rows[parents[r]] : []), t]);
    return this.rows.map((seq) => {
      const logits = this.logits(seq.slice(1));
      if (this.calls.length >= this.nanAtCall) logits[2] = NaN;
      return logits;
    });
  }
  private logits(prefix: number[]): Float32Array {
    if (typeof this.table === 'function') return this.table(prefix);
    const probs = this.table[text(prefix)] ?? { end: 1 };
    const out = new Float32Array(V).fill(-30);
    for (const [name, p] of Object.entries(probs)) out[name === 'end' ? END : names.indexOf(name)] = Math.log(p!);
    return out;
  }
}

const base = { startToken: END, endToken: END };

// Greedy takes "a" (0.5) and ends with p = 0.5*0.35 = 0.175; "b </s>" has p = 0.36.
const trap: Table = {
  '': { a: 0.5, b: 0.4, c: 0.1 },
  a: { c: 0.35, d: 0.35, end: 0.3 },
  b: { end: 0.9, c: 0.1 },
  'a c': { end: 1 },
  'a d': { end: 1 },
};

describe('greedy search', () => {
  it('takes the most likely token each step, stops at the end token, reports token by token', async () => {
    const model = new TableModel(trap);
    const seen: string[] = [];
    const out = await greedySearch(model, { ...base, onToken: (ids) => seen.push(text(ids)) });
    expect(text(out.ids)).toBe('a c');
    expect(out.finished).toBe(true);
    expect(out.steps).toBe(3);
    expect(out.score).toBeCloseTo(Math.log(0.5 * 0.35), 4);
    expect(seen).toEqual(['a', 'a c']);
    // first step: the start token alone, no cache; then only the new token, continuing row 0
    expect(model.calls).toEqual([
      { tokens: [END], parents: null },
      { tokens: [0], parents: [0] },
      { tokens: [2], parents: [0] },
    ]);
  });

  it('stops at maxLength, which counts the start token', async () => {
    const loop: Table = {};
    for (let n = 0; n < 30; n++) loop[text(Array.from({ length: n }, (_, i) => i % 2))] = n % 2 ? { b: 0.7, end: 0.3 } : { a: 0.7, end: 0.3 };
    loop[''] = { a: 0.9, end: 0.1 };
    const out = await greedySearch(new TableModel(loop), { ...base, maxLength: 6 });
    expect(text(out.ids)).toBe('a b a b a');
    expect(out.finished).toBe(false);
    expect(out.steps).toBe(5);
  });

  it('repetition penalty turns away from a token already said', async () => {
    const rep: Table = { '': { a: 0.6, b: 0.4 }, a: { a: 0.5, b: 0.3, end: 0.2 } };
    expect(text((await greedySearch(new TableModel(rep), base)).ids)).toBe('a a');
    // log 0.5 * 2 = -1.39 < log 0.3 = -1.20
    expect(text((await greedySearch(new TableModel(rep), { ...base, repetitionPenalty: 2 })).ids)).toBe('a b');
    expect(text((await greedySearch(new TableModel(rep), { ...base, repetitionPenalty: 1.1 })).ids)).toBe('a a');
  });

  it('no-repeat n-gram bans a bigram already in the caption', async () => {
    const cycle = (prefix: number[]): Float32Array => {
      const last = prefix.at(-1);
      const p: Record<number, number> = last === undefined ? { 0: 1 } : last === 0 ? { 1: 0.7, 2: 0.2, [END]: 0.1 } : last === 1 ? { 0: 0.7, [END]: 0.3 } : { [END]: 1 };
      const out = new Float32Array(V).fill(-30);
      for (const [t, v] of Object.entries(p)) out[+t] = Math.log(v);
      return out;
    };
    expect(text((await greedySearch(new TableModel(cycle), { ...base, maxLength: 8 })).ids)).toBe('a b a b a b a');
    expect(text((await greedySearch(new TableModel(cycle), { ...base, maxLength: 8, noRepeatNgramSize: 2 })).ids)).toBe('a b a c');
  });

  it('stops with a clear error when the logits hold NaN, without another step', async () => {
    const model = new TableModel(trap, 2);
    const error = await greedySearch(model, base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLogitsError);
    expect(String(error)).toMatch(/invalid numbers \(NaN\) at token 2/);
    expect(model.calls).toHaveLength(2);
  });

  it('cancels between steps: no further decoder call, AbortError', async () => {
    const loop = () => new Float32Array(V).fill(-30).fill(0, 0, 1);
    const model = new TableModel(loop);
    const controller = new AbortController();
    const seen: number[][] = [];
    const run = greedySearch(model, {
      ...base,
      signal: controller.signal,
      onToken: (ids) => {
        seen.push([...ids]);
        if (ids.length === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(model.calls).toHaveLength(2);
    expect(seen).toEqual([[0], [0, 0]]);
    const already = new AbortController();
    already.abort();
    await expect(greedySearch(model, { ...base, signal: already.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('beam search', () => {
  it('finds the likelier caption greedy misses, with beams reordered through parents', async () => {
    const model = new TableModel(trap);
    const out = await beamSearch(model, { ...base, numBeams: 2 });
    expect(text(out.ids)).toBe('b');
    expect(out.finished).toBe(true);
    expect(out.score).toBeCloseTo(Math.log(0.36) / 2, 4);
    expect(model.calls[0]).toEqual({ tokens: [END], parents: null });
    expect(model.calls[1]).toEqual({ tokens: [0, 1], parents: [0, 0] }); // both beams grow from the one start row
    expect(text((await generate(new TableModel(trap), { ...base, numBeams: 1 })).ids)).toBe('a c');
  });

  it('equals an exhaustive search when the beam is wide enough', async () => {
    // Pseudo-random distributions over a,b,c,</s>, deterministic per prefix.
    const rand = (prefix: number[]) => {
      let h = 2166136261;
      for (const t of [...prefix, 99]) h = Math.imul(h ^ t, 16777619) >>> 0;
      const out = new Float32Array(V).fill(-1e4);
      for (const t of [0, 1, 2, END]) {
        h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
        out[t] = (h % 1000) / 200;
      }
      return out;
    };
    const maxLength = 5;
    // Brute force: every sequence of up to maxLength-1 tokens, ended by </s> or cut at the limit.
    let best = { ids: [] as number[], score: -Infinity };
    const walk = (prefix: number[], sum: number) => {
      const lp = logSoftmax(rand(prefix));
      if (sum + lp[END] > best.score) best = { ids: prefix, score: sum + lp[END] };
      for (const t of [0, 1, 2]) {
        const s = sum + lp[t];
        if (prefix.length + 2 >= maxLength) {
          if (s > best.score) best = { ids: [...prefix, t], score: s };
        } else walk([...prefix, t], s);
      }
    };
    walk([], 0);
    for (const numBeams of [27, 64]) {
      const out = await beamSearch(new TableModel(rand), { ...base, numBeams, maxLength, lengthPenalty: 0 });
      expect(out.ids).toEqual(best.ids);
      expect(out.score).toBeCloseTo(best.score, 4);
    }
    const narrow = await beamSearch(new TableModel(rand), { ...base, numBeams: 2, maxLength, lengthPenalty: 0 });
    expect(narrow.score).toBeLessThanOrEqual(best.score + 1e-6);
  });

  it('applies no-repeat n-gram per beam and stops at NaN', async () => {
    const cycle: Table = { '': { a: 1 }, a: { b: 0.9, end: 0.1 }, 'a b': { a: 0.9, end: 0.1 }, 'a b a': { b: 0.9, c: 0.05, end: 0.05 } };
    const out = await beamSearch(new TableModel(cycle), { ...base, numBeams: 2, noRepeatNgramSize: 2, maxLength: 10 });
    expect(text(out.ids)).not.toMatch(/a b a b/);
    await expect(beamSearch(new TableModel(trap, 3), { ...base, numBeams: 2 })).rejects.toBeInstanceOf(NonFiniteLogitsError);
  });
});

describe('helpers', () => {
  it('topK, logSoftmax and banned n-grams', () => {
    expect(topK(Float32Array.from([1, 5, 3, 5, -Infinity]), 3)).toEqual([1, 3, 2]);
    const lp = logSoftmax(Float32Array.from([0, Math.log(3)]));
    expect(Math.exp(lp[0])).toBeCloseTo(0.25, 6);
    expect([...bannedNgramTokens([1, 2, 3, 1, 2], 3)]).toEqual([3]);
    expect([...bannedNgramTokens([1, 2, 1], 2)]).toEqual([2]);
    expect([...bannedNgramTokens([1], 3)]).toEqual([]);
  });
});
