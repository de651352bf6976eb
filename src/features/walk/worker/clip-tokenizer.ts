/**
 * CLIP's byte-level BPE tokenizer, the encoding side, written here (no tokenizer library): prompt
 * text -> the 77 `input_ids` the SD-Turbo text encoder takes.
 *
 * The steps follow OpenAI's `simple_tokenizer.py` and Hugging Face's CLIPTokenizerFast
 * (tokenizer.json: NFC, white space runs -> one space, lower case):
 * 1. Normalise: Unicode NFC, every run of white space becomes one space, trim, lower case.
 * 2. Split with CLIP's pattern: the special tokens, the English contractions ('s 't 're 've 'm 'll
 *    'd), runs of letters, single digits, and runs of anything else that is not a space.
 * 3. Each piece becomes its UTF-8 bytes written in the byte alphabet (the same 256-character
 *    table as GPT-2's, see `bytesToUnicode`); the last character carries the end-of-word marker
 *    `</w>` (so "cat" at the end of a word and "cat" inside "catalogue" are different tokens).
 * 4. Merge adjacent symbols by `merges.txt` rank (lowest first) until no pair has a rank.
 * 5. Look the symbols up in `vocab.json`.
 * 6. `<|startoftext|>` + ids + `<|endoftext|>`, truncated to 77 keeping the end token, padded with 0.
 *
 * CATALOGUE.md lists the bos/eos ids as unconfirmed, so they are read from vocab.json (in OpenAI's
 * CLIP vocabulary they are 49406 and 49407) and a vocabulary without them is refused.
 */

export const CLIP_CONTEXT_LENGTH = 77;
export const START_OF_TEXT = '<|startoftext|>';
export const END_OF_TEXT = '<|endoftext|>';
export const END_OF_WORD = '</w>';

/**
 * CLIP's pre-tokenisation pattern (from simple_tokenizer.py; `u` for \p{…} classes). Text is
 * lower-cased before it is applied, so the original's IGNORECASE changes nothing.
 */
const PIECES = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

/** byte value -> its character in the byte alphabet CLIP shares with GPT-2 (`bytes_to_unicode`). */
export function byteAlphabet(): string[] {
  const table = new Array<string>(256);
  const keep = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let n = 0;
  for (let b = 0; b < 256; b++) table[b] = keep(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + n++);
  return table;
}

/** Step 1: NFC, white space runs -> one space, trimmed, lower case. */
export function normalisePrompt(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** Step 2: the pieces CLIP's pattern finds in normalised text. */
export function prePieces(normalised: string): string[] {
  return normalised.match(PIECES) ?? [];
}

export interface ClipTokenizerOptions {
  /** Default 77. */
  contextLength?: number;
  /** Id written after the end token up to the context length: 0, as the SD-Turbo example does. */
  padId?: number;
}

export interface Encoded {
  /** Exactly `contextLength` ids: bos, the prompt's tokens, eos, then the pad id. */
  ids: Int32Array;
  /** Number of real tokens incl. bos and eos (the position of the first pad). */
  length: number;
  /** The prompt had more tokens than fit: the rest was dropped (eos is always kept). */
  truncated: boolean;
}

export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly contextLength: number;
  readonly padId: number;
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();
  private readonly bytes = byteAlphabet();
  private readonly utf8 = new TextEncoder();

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    merges: readonly (readonly [string, string])[],
    options: ClipTokenizerOptions = {},
  ) {
    const bos = vocab.get(START_OF_TEXT);
    const eos = vocab.get(END_OF_TEXT);
    if (bos === undefined || eos === undefined) {
      throw new Error(`this vocab.json is not a CLIP vocabulary: it has no ${bos === undefined ? START_OF_TEXT : END_OF_TEXT} token`);
    }
    this.bosId = bos;
    this.eosId = eos;
    this.contextLength = options.contextLength ?? CLIP_CONTEXT_LENGTH;
    this.padId = options.padId ?? 0;
    if (this.contextLength < 2) throw new Error('the context must hold at least the start and end tokens');
    merges.forEach(([a, b], rank) => {
      const key = `${a} ${b}`;
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
    });
  }

  /** From the text of `vocab.json` (token -> id) and `merges.txt` (one "a b" pair a line, `#version` header). */
  static fromFiles(vocabJson: string, mergesTxt: string, options?: ClipTokenizerOptions): ClipTokenizer {
    const parsed = JSON.parse(vocabJson) as Record<string, unknown>;
    const vocab = new Map<string, number>();
    for (const [token, id] of Object.entries(parsed)) {
      if (!Number.isInteger(id)) throw new Error(`vocab.json: the id of ${JSON.stringify(token)} is not a whole number`);
      vocab.set(token, id as number);
    }
    return new ClipTokenizer(vocab, parseMerges(mergesTxt), options);
  }

  /** The BPE symbols of one piece (step 3-4), e.g. "photos" -> ["photos</w>"]. */
  bpe(piece: string): string[] {
    const cached = this.cache.get(piece);
    if (cached) return cached;
    const chars = [...this.utf8.encode(piece)].map((b) => this.bytes[b]);
    if (chars.length === 0) return [];
    let word = [...chars.slice(0, -1), chars[chars.length - 1] + END_OF_WORD];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      // Merge every occurrence of the best pair, left to right, as the reference implementation does.
      const [first, second] = [word[best], word[best + 1]];
      const next: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          next.push(first + second);
          i++;
        } else {
          next.push(word[i]);
        }
      }
      word = next;
    }
    this.cache.set(piece, word);
    return word;
  }

  /** The prompt's token ids, without bos/eos, padding or truncation. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const piece of prePieces(normalisePrompt(text))) {
      if (piece === START_OF_TEXT || piece === END_OF_TEXT) {
        ids.push(piece === START_OF_TEXT ? this.bosId : this.eosId);
        continue;
      }
      for (const symbol of this.bpe(piece)) {
        const id = this.vocab.get(symbol);
        // CLIP's unknown token is <|endoftext|>; with the real vocabulary every byte has a token.
        ids.push(id ?? this.eosId);
      }
    }
    return ids;
  }

  /** Step 6: the fixed-length `input_ids` for the text encoder. */
  encode(text: string): Encoded {
    const tokens = this.tokenize(text);
    const room = this.contextLength - 2;
    const truncated = tokens.length > room;
    const body = truncated ? tokens.slice(0, room) : tokens;
    const ids = new Int32Array(this.contextLength).fill(this.padId);
    ids[0] = this.bosId;
    ids.set(body, 1);
    ids[body.length + 1] = this.eosId;
    return { ids, length: body.length + 2, truncated };
  }
}

/** `merges.txt` -> pairs in rank order; the `#version` line and blank lines are skipped. */
export function parseMerges(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#version')) continue;
    const parts = line.split(' ');
    if (parts.length !== 2) throw new Error(`merges.txt: "${line}" is not a pair of symbols`);
    pairs.push([parts[0], parts[1]]);
  }
  return pairs;
}
