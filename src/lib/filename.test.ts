import { describe, expect, it } from 'vitest';
import { outputFileName } from './filename';

describe('outputFileName', () => {
  it('names the output after the photo and the style', () => {
    expect(outputFileName('starry_in.png', 'starry-night', 'png')).toBe('starry_in-starry-night.png');
    expect(outputFileName('holiday.jpeg', 'scream', 'jpeg')).toBe('holiday-scream.jpg');
  });
  it('makes unsafe or odd names safe', () => {
    expect(outputFileName('IMG 0042 (1).HEIC', 'klimt', 'webp')).toBe('IMG-0042-1-klimt.webp');
    expect(outputFileName('../../etc/passwd', 'x', 'png')).toBe('etc-passwd-x.png');
    expect(outputFileName('.png', 'x', 'png')).toBe('image-x.png');
    expect(outputFileName('Café Zoë.png', 'x', 'png')).toBe('Cafe-Zoe-x.png');
  });
  it('names videos with the container of the chosen format', () => {
    expect(outputFileName('ski.mov', 'starry-night', 'mp4')).toBe('ski-starry-night.mp4');
    expect(outputFileName('clip.final.avi', 'scream', 'webm')).toBe('clip.final-scream.webm');
    expect(outputFileName('ski.MOV', 'klimt', 'gif')).toBe('ski-klimt.gif');
  });
});
