/**
 * The walk's frames: which positions between prompt A (t = 0) and prompt B (t = 1) are rendered,
 * and in which order the GIF or video plays them. Shared by the page (frame count, size estimate)
 * and the worker (what to render).
 */

export const MIN_FRAMES = 4;
export const MAX_FRAMES = 120;

export interface WalkSchedule {
  /** t of each rendered frame, 0 and 1 included, evenly spaced: `frames` values. */
  ts: number[];
  /**
   * Indices into `ts` in play order. Ping-pong goes there and back without showing either end
   * twice in a row when it loops (0 1 2 3 2 1 | 0 1 …): 2·frames − 2 entries.
   */
  order: number[];
}

/** Throws a RangeError with a plain sentence for a frame count outside 4…120 or not whole. */
export function checkFrameCount(frames: number): void {
  if (!Number.isInteger(frames) || frames < MIN_FRAMES || frames > MAX_FRAMES) {
    throw new RangeError(`A walk has ${MIN_FRAMES} to ${MAX_FRAMES} frames (got ${frames}).`);
  }
}

export function walkSchedule(frames: number, pingPong = false): WalkSchedule {
  checkFrameCount(frames);
  const ts = Array.from({ length: frames }, (_, i) => (i === frames - 1 ? 1 : i / (frames - 1)));
  const forward = ts.map((_, i) => i);
  const order = pingPong ? [...forward, ...forward.slice(1, -1).reverse()] : forward;
  return { ts, order };
}
