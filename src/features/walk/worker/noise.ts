/**
 * Seeded starting noise: the same seed gives the same latent on every device and every run, so a
 * walk holds its noise fixed while the prompt moves, and a seed can be written down and reused.
 *
 * Uniforms from mulberry32 (32-bit state, the generator scripts/onnx-writer.mjs uses too), then
 * Box–Muller pairs for standard normal values. This does not reproduce PyTorch's or NumPy's noise
 * for the same seed; it only has to be Gaussian and repeatable.
 */

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` standard normal values (mean 0, variance 1) from `seed`. */
export function gaussianNoise(seed: number, count: number): Float32Array {
  if (!Number.isInteger(seed)) throw new Error(`a seed is a whole number (got ${seed})`);
  const uniform = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    // 1 - u keeps the logarithm's argument in (0, 1]
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const phi = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(phi);
    if (i + 1 < count) out[i + 1] = r * Math.sin(phi);
  }
  return out;
}

/** A random 32-bit seed for a new walk (shown to the user so it can be repeated). */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}
