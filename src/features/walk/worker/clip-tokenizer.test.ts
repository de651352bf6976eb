import { describe, expect, it } from 'vitest';
import { byteAlphabet, ClipTokenizer, END_OF_TEXT, normalisePrompt, parseMerges, prePieces, START_OF_TEXT } from './clip-tokenizer';

/**
 * A small vocabulary laid out exactly as CLIP's is (simple_tokenizer.py): the 256 byte characters
 * (printable bytes first), the same 256 with `</w>`, one token per merge in rank order, then the two
 * special tokens. So "!" is 0, "a" 64, "a</w>" 320, as in the real vocab.json.
 */
const MERGES: [string, string][] = [
  ['c', 'a'], // 0
  ['ca', 't</w>'], // 1: "cat" as a whole word
  ['o', 'f</w>'], // 2
  ['p', 'h'], // 3
  ['o', 't'], // 4
  ['ph', 'ot'], // 5
  ['phot', 'o</w>'], // 6: "photo"
  ['ca', 't'], // 7: "cat" inside a longer word
  ['s', 's'], // 8
];

function clipVocab(merges: [string, string][]): Map<string, number> {
  const bytes = byteAlphabet();
  const order = [...bytes.keys()].sort((a, b) => bytes[a].codePointAt(0)! - bytes[b].codePointAt(0)!).map((b) => bytes[b]);
  const tokens = [...order, ...order.map((t) => `${t}</w>`), ...merges.map(([a, b]) => a + b), START_OF_TEXT, END_OF_TEXT];
  return new Map(tokens.map((t, i) => [t, i]));
}

const vocab = clipVocab(MERGES);
const tokenizer = new ClipTokenizer(vocab, MERGES);
const byte = (ch: string) => vocab.get(ch)!;
const word = (ch: string) => vocab.get(`${ch}</w>`)!;
const merged = (rank: number) => 512 + rank;
const BOS = 512 + MERGES.length;
const EOS = BOS + 1;

describe('CLIP vocabulary layout used by the tests', () => {
  it('puts "!" at 0, "a" at 64 and "a</w>" at 320 as OpenAI’s vocabulary does, specials last', () => {
    expect([byte('!'), byte('a'), word('a'), word('!')]).toEqual([0, 64, 320, 256]);
    expect(tokenizer.bosId).toBe(BOS);
    expect(tokenizer.eosId).toBe(EOS);
  });
});

describe('normalise and split a prompt', () => {
  it('folds case, collapses white space and trims', () => {
    expect(normalisePrompt('  A  Photo\tof\n\nTHE   Cat ')).toBe('a photo of the cat');
    expect(normalisePrompt('ÉCOLE Straße')).toBe('école straße');
  });

  it('composes accents (NFC), so a decomposed é gives the same tokens', () => {
    expect(normalisePrompt('Cafe\u0301')).toBe('caf\u00e9');
    expect(tokenizer.tokenize('Cafe\u0301')).toEqual(tokenizer.tokenize('café'));
  });

  it('splits punctuation runs, single digits, letters and contractions as CLIP’s pattern does', () => {
    expect(prePieces('hello,world!! 3.14')).toEqual(['hello', ',', 'world', '!!', '3', '.', '1', '4']);
    expect(prePieces("don't you're i'll we've he'd i'm it's")).toEqual(['don', "'t", 'you', "'re", 'i', "'ll", 'we', "'ve", 'he', "'d", 'i', "'m", 'it', "'s"]);
    expect(prePieces('a <|startoftext|>b')).toEqual(['a', START_OF_TEXT, 'b']);
    expect(prePieces('über-cool')).toEqual(['über', '-', 'cool']);
  });
});

describe('BPE with the end-of-word marker', () => {
  it('merges by rank and marks the last symbol of every word with </w>', () => {
    expect(tokenizer.bpe('photo')).toEqual(['photo</w>']);
    expect(tokenizer.bpe('cat')).toEqual(['cat</w>']);
    expect(tokenizer.bpe('cats')).toEqual(['cat', 's</w>']); // "cat" not at the end of the word: another token
    expect(tokenizer.bpe('dog')).toEqual(['d', 'o', 'g</w>']);
    expect(tokenizer.bpe('x')).toEqual(['x</w>']);
  });

  it('merges every occurrence of the best pair in one pass', () => {
    expect(tokenizer.bpe('ssssa')).toEqual(['ss', 'ss', 'a</w>']);
    expect(tokenizer.bpe('ssss')).toEqual(['ss', 's', 's</w>']); // the last "s" ends the word: "s s</w>" has no merge
  });

  it('writes non-ASCII text as its UTF-8 bytes in the byte alphabet', () => {
    // é is C3 A9: "Ã" and "©" in the byte alphabet
    expect(tokenizer.bpe('é')).toEqual(['Ã', '©</w>']);
    expect(tokenizer.tokenize('café')).toEqual([merged(0), byte('f'), byte('Ã'), word('©')]);
  });
});

describe('encode to 77 input ids', () => {
  it('gives bos, the tokens, eos, then zeros (a photo of a cat!)', () => {
    const { ids, length, truncated } = tokenizer.encode('A Photo of  a CAT!');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids.length).toBe(77);
    expect([...ids.slice(0, 8)]).toEqual([BOS, word('a'), merged(6), merged(2), word('a'), merged(1), word('!'), EOS]);
    expect([...ids.slice(8)]).toEqual(new Array(69).fill(0));
    expect(length).toBe(8);
    expect(truncated).toBe(false);
  });

  it('is the same for any case (case folding)', () => {
    expect(tokenizer.encode('PHOTO OF A CAT').ids).toEqual(tokenizer.encode('photo of a cat').ids);
  });

  it('keeps punctuation apart from the word before it', () => {
    expect(tokenizer.tokenize('cat, cats.')).toEqual([merged(1), word(','), merged(7), word('s'), word('.')]);
  });

  it('encodes an empty prompt as bos, eos and padding', () => {
    const { ids, length } = tokenizer.encode('   ');
    expect([...ids.slice(0, 3)]).toEqual([BOS, EOS, 0]);
    expect(length).toBe(2);
  });

  it('truncates a long prompt to 77, keeping the end token last', () => {
    const { ids, length, truncated } = tokenizer.encode(Array(100).fill('a').join(' '));
    expect(ids.length).toBe(77);
    expect(ids[0]).toBe(BOS);
    expect(ids[76]).toBe(EOS);
    expect([...ids.slice(1, 76)].every((id) => id === word('a'))).toBe(true);
    expect(length).toBe(77);
    expect(truncated).toBe(true);
  });

  it('fits exactly 75 tokens without truncating', () => {
    const { ids, truncated } = tokenizer.encode(Array(75).fill('a').join(' '));
    expect(truncated).toBe(false);
    expect(ids[75]).toBe(word('a'));
    expect(ids[76]).toBe(EOS);
  });

  it('takes the pad id and context length as options', () => {
    const short = new ClipTokenizer(vocab, MERGES, { contextLength: 6, padId: EOS });
    expect([...short.encode('a').ids]).toEqual([BOS, word('a'), EOS, EOS, EOS, EOS]);
    expect([...short.encode('a a a a a a').ids]).toEqual([BOS, word('a'), word('a'), word('a'), word('a'), EOS]);
  });
});

describe('tokenizer files', () => {
  it('reads vocab.json and merges.txt with its #version header, bos/eos from the vocabulary', () => {
    const mergesTxt = `#version: 0.2\n${MERGES.map((m) => m.join(' ')).join('\n')}\n`;
    const fromFiles = ClipTokenizer.fromFiles(JSON.stringify(Object.fromEntries(vocab)), mergesTxt);
    expect(fromFiles.bosId).toBe(BOS);
    expect(fromFiles.eosId).toBe(EOS);
    expect(fromFiles.encode('a photo of a cat').ids).toEqual(tokenizer.encode('a photo of a cat').ids);
    expect(parseMerges('#version: 0.2\r\np h\r\n\r\nph o</w>\r\n')).toEqual([['p', 'h'], ['ph', 'o</w>']]);
  });

  it('refuses a vocabulary without the CLIP start or end token', () => {
    const noEnd = new Map(vocab);
    noEnd.delete(END_OF_TEXT);
    expect(() => new ClipTokenizer(noEnd, MERGES)).toThrow(/no <\|endoftext\|> token/);
    expect(() => parseMerges('p h x')).toThrow(/not a pair/);
  });
});
