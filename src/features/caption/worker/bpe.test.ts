import { describe, expect, it } from 'vitest';
import { byteTokens, bytesToUnicode, completeUtf8Length, Gpt2Decoder } from './bpe';

/** A GPT-2 style vocab: the 256 byte tokens at GPT-2's ids 0-255, some merged tokens, <|endoftext|>. */
function vocab(extra: string[]): Record<string, number> {
  const v: Record<string, number> = {};
  byteTokens().forEach((t, id) => (v[t] = id));
  extra.forEach((t, i) => (v[t] = 1000 + i));
  v['<|endoftext|>'] = 50256;
  return v;
}

/** Token string of a piece of text in GPT-2's byte alphabet (what a merged vocab entry looks like). */
function tok(text: string): string {
  const table = bytesToUnicode();
  return [...new TextEncoder().encode(text)].map((b) => table[b]).join('');
}

describe('GPT-2 byte alphabet', () => {
  it('maps all 256 bytes to distinct characters, printable ones to themselves', () => {
    const table = bytesToUnicode();
    expect(new Set(table).size).toBe(256);
    expect(table[0x61]).toBe('a');
    expect(table[0x21]).toBe('!');
    expect(table[0xe9]).toBe('é');
    expect(table[0x20]).toBe('Ġ'); // space
    expect(table[0x0a]).toBe('Ċ'); // newline
    expect(table[0x09]).toBe('ĉ'); // tab
    expect(table[0x00]).toBe('Ā');
    expect(table[0xad]).toBe('Ń'); // soft hyphen, the last non-printable
  });

  it('numbers the single-byte tokens as GPT-2 vocab.json does', () => {
    const tokens = byteTokens();
    expect(tokens[0]).toBe('!');
    expect(tokens[64]).toBe('a');
    expect(tokens[188]).toBe('Ā');
    expect(tokens[198]).toBe('Ċ');
    expect(tokens[220]).toBe('Ġ');
    expect(tokens[255]).toBe('Ń');
  });

  it('writes text as GPT-2 tokens are written', () => {
    expect(tok(' dog')).toBe('Ġdog');
    expect(tok('é')).toBe('Ã©');
    expect(tok('🐶')).toBe('ðŁĲ¶');
  });
});

describe('Gpt2Decoder', () => {
  // 'a', 'Ã', '©', 'Ĳ', '¶' are single-byte tokens (ids 0-255); the rest are merges
  const v = vocab(['Ġdog', 'Ġon', 'Ġthe', 'Ġgrass', 'Ġcaf', 'ĠðŁ', 'Ġsmall', 'ĠðŁĲ¶']);
  const d = new Gpt2Decoder(v);
  const ids = (...tokens: string[]) => tokens.map((t) => v[t]);

  it('turns Ġ into spaces and leaves <|endoftext|> out', () => {
    expect(d.decode([50256, ...ids('a', 'Ġdog', 'Ġon', 'Ġthe', 'Ġgrass'), 50256])).toBe('a dog on the grass');
    expect(d.decode(ids('a', 'Ġdog'), { trim: false })).toBe('a dog');
    expect(d.decode(ids('Ġdog'), { trim: false })).toBe(' dog');
    expect(d.decode(ids('Ġdog'))).toBe('dog');
    expect(d.decode([50256, ...ids('a')], { skipSpecial: false })).toBe('<|endoftext|>a');
    expect(d.isSpecial(50256)).toBe(true);
  });

  it('joins a UTF-8 character split across tokens (é as Ã + ©)', () => {
    expect(d.decode(ids('a', 'Ġcaf', 'Ã', '©'))).toBe('a café');
    expect(v['Ã']).toBe(127); // byte 0xC3 in GPT-2's id order
    expect(v['©']).toBe(102); // byte 0xA9
  });

  it('joins an emoji split across three tokens, and one in a single token', () => {
    expect(d.decode(ids('a', 'Ġsmall', 'ĠðŁ', 'Ĳ', '¶'))).toBe('a small 🐶');
    expect(d.decode(ids('a', 'ĠðŁĲ¶'))).toBe('a 🐶');
    expect(d.decode(ids('ĠðŁ', 'Ĳ', '¶', 'Ġdog'))).toBe('🐶 dog');
  });

  it('holds back a cut UTF-8 sequence while the caption is partial', () => {
    expect(d.decode(ids('a', 'Ġsmall', 'ĠðŁ'), { partial: true })).toBe('a small');
    expect(d.decode(ids('a', 'Ġsmall', 'ĠðŁ', 'Ĳ'), { partial: true })).toBe('a small');
    expect(d.decode(ids('a', 'Ġsmall', 'ĠðŁ', 'Ĳ', '¶'), { partial: true })).toBe('a small 🐶');
    expect(d.decode(ids('Ġcaf', 'Ã'), { partial: true })).toBe('caf');
    // not partial: a cut sequence shows as U+FFFD, the way every UTF-8 reader shows it
    expect(d.decode(ids('Ġcaf', 'Ã'))).toBe('caf\uFFFD');
  });

  it('names ids that are not in the vocabulary', () => {
    expect(() => d.decode([999999])).toThrow(/token id 999999 is not in vocab.json/);
  });

  it('refuses a broken vocab.json', () => {
    expect(() => Gpt2Decoder.fromJson('[1,2]')).toThrow(/object/);
    expect(() => Gpt2Decoder.fromJson('{')).toThrow(/not valid JSON/);
    expect(() => new Gpt2Decoder({ a: 1, b: 1 })).toThrow(/id 1 is given to both/);
    expect(Gpt2Decoder.fromJson(JSON.stringify(v)).decode(ids('a', 'Ġdog'))).toBe('a dog');
  });
});

describe('completeUtf8Length', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it('cuts only an unfinished sequence at the end', () => {
    expect(completeUtf8Length(enc('abc'))).toBe(3);
    expect(completeUtf8Length(enc('é'))).toBe(2);
    expect(completeUtf8Length(enc('é').subarray(0, 1))).toBe(0);
    expect(completeUtf8Length(enc('a🐶').subarray(0, 4))).toBe(1);
    expect(completeUtf8Length(enc('a🐶'))).toBe(5);
    expect(completeUtf8Length(enc('€').subarray(0, 2))).toBe(0);
  });
});
