/**
 * GPT-2 byte-level BPE, the decoding side: token ids -> text, from the model's `vocab.json`.
 *
 * GPT-2 tokens are strings over a 256-character alphabet that stands for the 256 byte values
 * (`bytes_to_unicode` in OpenAI's encoder.py): printable Latin-1 bytes map to themselves, every other
 * byte (space, control bytes, 0x7f-0xa0, 0xad) to U+0100 + n, so a space is "Ġ" (U+0120) and a
 * newline "Ċ" (U+010A). Decoding maps each token back to its bytes and reads the byte string as
 * UTF-8: a character such as "é" (C3 A9) or "🐶" (F0 9F 90 B6) may be split across tokens, which is
 * why text is only read from the whole byte string, never token by token.
 *
 * Merges (`merges.txt`) only matter for encoding text into ids; the caption task never encodes, so
 * they are not needed here.
 */

/** byte value -> its character in GPT-2's byte alphabet. */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Array<string>(256);
  for (const b of printable) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  }
  return table;
}

/** character of GPT-2's byte alphabet -> byte value. */
export function unicodeToBytes(): Map<string, number> {
  const map = new Map<string, number>();
  bytesToUnicode().forEach((ch, b) => map.set(ch, b));
  return map;
}

/**
 * The 256 single-byte tokens in GPT-2's id order (ids 0-255 of its vocab.json: the printable bytes
 * first, in byte order, then the rest): "!" is 0, "a" is 64, "Ġ" (space) is 220.
 */
export function byteTokens(): string[] {
  const table = bytesToUnicode();
  return [...table.keys()].sort((a, b) => table[a].codePointAt(0)! - table[b].codePointAt(0)!).map((b) => table[b]);
}

export const GPT2_END_OF_TEXT = 50256;

export interface DecodeOptions {
  /** Leave special tokens (<|endoftext|>, id 50256 for GPT-2) out. Default true. */
  skipSpecial?: boolean;
  /** Trim white space at both ends. Default true. */
  trim?: boolean;
  /**
   * The text so far of a caption still being generated: a UTF-8 sequence cut at the end (the first
   * byte of an emoji whose other bytes are still to come) is held back instead of shown as U+FFFD.
   */
  partial?: boolean;
}

export class Gpt2Decoder {
  private readonly tokens = new Map<number, string>();
  private readonly special = new Set<number>();
  private readonly byteOf = unicodeToBytes();
  private readonly utf8 = new TextDecoder('utf-8', { fatal: false });

  /**
   * @param vocab vocab.json: token string -> id.
   * @param specialIds ids that are not text (default: every id whose token looks like `<|...|>`,
   *   which for GPT-2 is 50256 `<|endoftext|>`).
   */
  constructor(vocab: Readonly<Record<string, number>>, specialIds?: Iterable<number>) {
    for (const [token, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || id < 0) throw new Error(`vocab.json: token ${JSON.stringify(token)} has id ${String(id)}, not a whole number >= 0`);
      if (this.tokens.has(id)) throw new Error(`vocab.json: id ${id} is given to both ${JSON.stringify(this.tokens.get(id))} and ${JSON.stringify(token)}`);
      this.tokens.set(id, token);
      if (!specialIds && /^<\|.*\|>$/.test(token)) this.special.add(id);
    }
    for (const id of specialIds ?? []) this.special.add(id);
    if (this.tokens.size === 0) throw new Error('vocab.json has no tokens');
  }

  /** Parses vocab.json text (as fetched) and checks it is an object of ids. */
  static fromJson(text: string): Gpt2Decoder {
    let vocab: unknown;
    try {
      vocab = JSON.parse(text);
    } catch (error) {
      throw new Error(`vocab.json is not valid JSON: ${(error as Error).message}`);
    }
    if (!vocab || typeof vocab !== 'object' || Array.isArray(vocab)) throw new Error('vocab.json must be an object mapping tokens to ids');
    return new Gpt2Decoder(vocab as Record<string, number>);
  }

  get size(): number {
    return this.tokens.size;
  }

  isSpecial(id: number): boolean {
    return this.special.has(id);
  }

  token(id: number): string | undefined {
    return this.tokens.get(id);
  }

  /** The raw bytes of a sequence of ids (special tokens skipped unless asked). */
  bytes(ids: Iterable<number>, skipSpecial = true): Uint8Array {
    const out: number[] = [];
    for (const id of ids) {
      const token = this.tokens.get(id);
      if (token === undefined) throw new Error(`token id ${id} is not in vocab.json (${this.tokens.size} tokens): the model and its tokenizer files do not match`);
      if (this.special.has(id)) {
        if (!skipSpecial) out.push(...new TextEncoder().encode(token));
        continue;
      }
      for (const ch of token) {
        const b = this.byteOf.get(ch);
        if (b === undefined) throw new Error(`token ${JSON.stringify(token)} (id ${id}) has ${JSON.stringify(ch)}, which is not in GPT-2's byte alphabet`);
        out.push(b);
      }
    }
    return Uint8Array.from(out);
  }

  decode(ids: Iterable<number>, options: DecodeOptions = {}): string {
    let bytes = this.bytes(ids, options.skipSpecial ?? true);
    if (options.partial) bytes = bytes.subarray(0, completeUtf8Length(bytes));
    const text = this.utf8.decode(bytes);
    return options.trim ?? true ? text.trim() : text;
  }
}

/** Length of the longest prefix that does not end inside a UTF-8 sequence. */
export function completeUtf8Length(bytes: Uint8Array): number {
  // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (bytes[i] & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i];
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return needed > continuation ? i : bytes.length;
}
