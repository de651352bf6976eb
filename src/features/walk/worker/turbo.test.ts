import { describe, expect, it } from 'vitest';
import { toUserMessage } from '../../../lib/errors';
import { checkFinite, checkNotBlack, denoise, FrameCheckError, LATENT_SIZE, SIGMA, startLatent, TIMESTEP, unetInput, vaeInput, vaeToImage, VAE_SCALING } from './turbo';

const f = (...xs: number[]) => Float32Array.from(xs);

describe('one-step SD-Turbo maths (CATALOGUE.md)', () => {
  it('uses σ = 14.6146, timestep 999 and the VAE factor 0.18215', () => {
    expect(SIGMA).toBe(14.6146);
    expect(TIMESTEP).toBe(999n);
    expect(VAE_SCALING).toBe(0.18215);
    expect(LATENT_SIZE).toBe(4 * 64 * 64);
  });

  it('x = randn·σ, and the UNet sees x/√(σ²+1) (unit variance again)', () => {
    const x = startLatent(f(1, -0.5, 0, 2));
    expect(Array.from(x)).toEqual([14.6146, -7.3073, 0, 29.2292].map((v) => Math.fround(v)));
    const scaled = unetInput(x);
    const s = Math.sqrt(14.6146 ** 2 + 1); // 14.64877…
    expect(s).toBeCloseTo(14.648773, 5);
    for (let i = 0; i < 4; i++) expect(scaled[i]).toBeCloseTo(x[i] / s, 5);
    expect(scaled[0]).toBeCloseTo(0.997666, 5);
  });

  it('x0 = x − σ·ε: a UNet that predicts the noise exactly gives back a zero latent', () => {
    const noise = f(0.3, -1.2, 2.5);
    const x = startLatent(noise);
    const x0 = denoise(x, noise);
    for (const v of x0) expect(Math.abs(v)).toBeLessThan(1e-5);
    expect(Array.from(denoise(f(10, 0), f(0.5, -1)))).toEqual([10 - 7.3073, 14.6146].map((v) => Math.fround(v)));
    expect(() => denoise(f(1, 2), f(1))).toThrow(/gave 1 values for a latent of 2/);
  });

  it('the VAE gets x0/0.18215', () => {
    const v = vaeInput(f(0.18215, -0.3643, 1));
    expect(v[0]).toBeCloseTo(1, 6);
    expect(v[1]).toBeCloseTo(-2, 6);
    expect(v[2]).toBeCloseTo(5.48998, 4);
  });

  it('image = clamp(v/2+0.5, 0, 1) in RGBA, planes read as R, G, B', () => {
    // 2x1 image: pixel 0 = (-1, 0, 1) -> (0, 128, 255); pixel 1 = (-3, 0.5, 7) -> clamped (0, 191, 255)
    const sample = f(-1, -3, 0, 0.5, 1, 7);
    const image = vaeToImage(sample, [1, 3, 1, 2]);
    expect(image.width).toBe(2);
    expect(image.height).toBe(1);
    expect(Array.from(image.data)).toEqual([0, 128, 255, 255, 0, 191, 255, 255]);
    expect(() => vaeToImage(sample, [1, 4, 1, 2])).toThrow(/not \[1,3,height,width\]/);
    expect(() => vaeToImage(sample, [1, 3, 2, 2])).toThrow(/gave 6 values/);
  });
});

describe('frame checks', () => {
  it('pass finite values and stop at NaN or Infinity with a sentence naming the frame and stage', () => {
    expect(() => checkFinite(f(0, -1e30, 3), 1, 'UNet')).not.toThrow();
    let error: unknown;
    try {
      checkFinite(f(1, NaN, 2, Infinity), 7, 'UNet');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FrameCheckError);
    const frameError = error as FrameCheckError;
    expect(frameError.kind).toBe('nan');
    expect(frameError.frame).toBe(7);
    expect(frameError.stage).toBe('UNet');
    expect(toUserMessage(error)).toMatch(/^Frame 7 came out as NaN in the UNet output \(2 of 4 values are not numbers, the first at index 1\)\. .*fp16.*style morph/);
    expect(() => checkFinite(f(NaN), 0, 'text encoder')).toThrow(/^The prompt encoding came out as NaN in the text encoder output/);
  });

  it('refuse an all-black frame and pass a dark but not black one', () => {
    const black = { width: 2, height: 2, data: new Uint8ClampedArray(16).map((_, i) => (i % 4 === 3 ? 255 : i % 3 === 0 ? 2 : 0)) };
    expect(() => checkNotBlack(black, 3)).toThrow(/^Frame 3 came out all black \(the brightest value is 2 of 255\)/);
    const dark = { width: 2, height: 2, data: new Uint8ClampedArray(16).map((_, i) => (i === 14 ? 3 : i % 4 === 3 ? 255 : 0)) };
    expect(() => checkNotBlack(dark, 3)).not.toThrow();
    // A VAE output of -1 everywhere (what an overflow clamps to) is caught after conversion.
    const allMinusOne = vaeToImage(new Float32Array(3 * 16).fill(-1), [1, 3, 4, 4]);
    expect(() => checkNotBlack(allMinusOne, 12)).toThrow(FrameCheckError);
  });
});
