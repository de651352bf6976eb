/**
 * Spherical interpolation between two tensors (prompt embeddings [1,77,1024] or starting noises
 * [1,4,64,64]), taken as one vector each.
 *
 * The direction moves along the great circle from `a` to `b` at a constant angular speed, and the
 * length goes linearly from |a| to |b|. For Gaussian noise this keeps the norm the diffusion model
 * expects all along the walk (a plain lerp shrinks it by up to √2 in the middle and washes the
 * image out).
 *
 * The angle comes from atan2(|b⊥|, a·b) on unit vectors rather than acos, so it stays exact near 0
 * and near π. The two ends of the range are special:
 * - near 0 (parallel) the great circle is the chord: the result is the normalised lerp;
 * - at π (opposite) every great circle through a and −a is as short as the others: one is picked,
 *   the one towards the axis where `a` is smallest, so the walk is still defined, keeps its norm and
 *   reaches `b` at t = 1.
 */

export type Vector = Float32Array;

function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/** The angle between a and b in radians (0…π), robust at both ends. */
export function angleBetween(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = norm(a);
  const nb = norm(b);
  if (na === 0 || nb === 0) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] / na) * (b[i] / nb);
  let perp = 0;
  for (let i = 0; i < a.length; i++) {
    const d = b[i] / nb - dot * (a[i] / na);
    perp += d * d;
  }
  return Math.atan2(Math.sqrt(perp), dot);
}

/** Below this angle (radians) the arc and the chord differ by less than float32 can show. */
const PARALLEL = 1e-4;

/**
 * slerp(a, b, t): t = 0 gives a, t = 1 gives b; t outside [0, 1] extrapolates along the same arc.
 * Zero vectors fall back to a lerp (they have no direction).
 */
export function slerp(a: Vector, b: Vector, t: number, out: Vector = new Float32Array(a.length)): Vector {
  if (a.length !== b.length) throw new Error(`slerp: the vectors differ in length (${a.length} and ${b.length})`);
  if (out.length !== a.length) throw new Error(`slerp: the output has ${out.length} values, not ${a.length}`);
  const na = norm(a);
  const nb = norm(b);
  const length = (1 - t) * na + t * nb;
  if (na === 0 || nb === 0) {
    for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i] + t * b[i];
    return out;
  }
  // Orthonormal pair (u, w) spanning the plane of a and b: u = â, w = the part of b̂ orthogonal to u.
  const u = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) u[i] = a[i] / na;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += u[i] * (b[i] / nb);
  const w = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) w[i] = b[i] / nb - dot * u[i];
  const perp = norm(w);
  const theta = Math.atan2(perp, dot);
  if (theta < PARALLEL) {
    // Parallel: normalised lerp (the arc is the chord), scaled to the interpolated length.
    const mix = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) mix[i] = (1 - t) * u[i] + t * (b[i] / nb);
    const m = norm(mix);
    for (let i = 0; i < a.length; i++) out[i] = (mix[i] / m) * length;
    return out;
  }
  if (perp < 1e-6 * Math.max(1, Math.abs(dot))) {
    // Opposite (θ ≈ π): no unique plane. Take the axis where â is smallest and make it orthogonal to â.
    let axis = 0;
    for (let i = 1; i < u.length; i++) if (Math.abs(u[i]) < Math.abs(u[axis])) axis = i;
    w.fill(0);
    w[axis] = 1;
    for (let i = 0; i < u.length; i++) w[i] -= u[axis] * u[i];
  }
  const wn = norm(w);
  const c = Math.cos(t * theta);
  const s = Math.sin(t * theta);
  for (let i = 0; i < a.length; i++) out[i] = (c * u[i] + (s * w[i]) / wn) * length;
  return out;
}
