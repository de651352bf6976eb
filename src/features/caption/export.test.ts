import { describe, expect, it } from 'vitest';
import { altTextTag, captionsCsv, captionsJson, fileNameFromCaption } from './export';

const records = [
  { file: 'dog.jpg', caption: 'a dog on the grass', model: 'vit-gpt2 (quantized)', seconds: 1.234 },
  { file: 'café, "best".png', caption: 'a cat sitting in a café', model: 'vit-gpt2 (quantized)', seconds: 0.5 },
  { file: '=cmd.png', caption: 'a puppy 🐶 on the beach', model: 'vit-gpt2 (quantized)', seconds: 2 },
  { file: 'notes.txt', caption: '', model: 'vit-gpt2 (quantized)', seconds: null, error: 'Could not read "notes.txt" as an image' },
];

describe('caption exports', () => {
  it('CSV: header, quoted fields, formula guard, BOM and CRLF', () => {
    const csv = captionsCsv(records);
    expect(csv.startsWith('\uFEFFfile,caption,model,seconds,error\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe('dog.jpg,a dog on the grass,vit-gpt2 (quantized),1.23,');
    expect(lines[2]).toBe('"café, ""best"".png",a cat sitting in a café,vit-gpt2 (quantized),0.50,');
    expect(lines[3]).toBe(`"'=cmd.png",a puppy 🐶 on the beach,vit-gpt2 (quantized),2.00,`);
    expect(lines[4]).toBe('notes.txt,,vit-gpt2 (quantized),,"Could not read ""notes.txt"" as an image"');
    expect(lines).toHaveLength(6); // 4 rows + header + the empty string after the last CRLF
  });

  it('JSON: one object per photo', () => {
    const json = JSON.parse(captionsJson(records));
    expect(json[0]).toEqual({ file: 'dog.jpg', caption: 'a dog on the grass', model: 'vit-gpt2 (quantized)', seconds: 1.234 });
    expect(json[3]).toMatchObject({ file: 'notes.txt', seconds: null, error: expect.stringMatching(/notes.txt/) });
  });

  it('suggests ASCII file names from captions, keeping the extension', () => {
    expect(fileNameFromCaption('a cat sitting in a café', 'IMG_0042.JPG')).toBe('a-cat-sitting-in-a-cafe.jpg');
    expect(fileNameFromCaption('a puppy 🐶 on the beach', 'p.png')).toBe('a-puppy-on-the-beach.png');
    expect(fileNameFromCaption('🐶', 'p.png')).toBe('p.png');
    const long = fileNameFromCaption('a very long caption that goes on and on about a dog and a cat and a bird', 'x.webp', 30);
    expect(long).toBe('a-very-long-caption-that-goes.webp');
  });

  it('writes an escaped alt-text tag', () => {
    expect(altTextTag('a "dog" & <cat>', 'x.jpg')).toBe('<img src="x.jpg" alt="a &quot;dog&quot; &amp; &lt;cat>">');
  });
});
