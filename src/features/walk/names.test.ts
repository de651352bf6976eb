import { describe, expect, it } from 'vitest';
import { slugify } from './names';

describe('prompt slugs for file names', () => {
  it('keeps lower-case words joined by dashes, drops accents and punctuation, caps the length', () => {
    expect(slugify('A Photo of a RED cat!')).toBe('a-photo-of-a-red-cat');
    expect(slugify('  Café à   Paris, 1900 ')).toBe('cafe-a-paris-1900');
    expect(slugify('🐶🐱')).toBe('prompt');
    expect(slugify('word '.repeat(20))).toBe('word-word-word-word-word-word-word-word');
  });
});
