import { describe, expect, it } from 'vitest';
import { UserError } from '../../lib/errors';
import { resuming } from './webcodecs';

const WHOLE = { start: 0, end: Infinity };

/**
 * A sink over 48 frames at 24 fps whose decoder fails on packet `damage`, reading `ahead` frames
 * ahead like mediabunny's: the first frame of a start comes out before the decoder gets far, but a
 * frame within `ahead` of the damage is lost when the failure arrives (the sink closes it and throws).
 * Its decoder also holds `held` decoded frames back until it has the next packets (Chrome's software
 * decoder with frame threading), unless opened for low latency. Counts how often it was opened.
 */
function sink(damage: number, ahead: number, error: unknown = new DOMException('Decoding error.', 'EncodingError'), held = 0) {
  const opened: number[] = [];
  const open = async function* (start: number, lowLatency = false) {
    opened.push(start);
    const delay = lowLatency ? 0 : held;
    // The frame showing at `start` first, as mediabunny's sinks do.
    let i = Math.max(0, Math.floor(start * 24 + 1e-6));
    for (let n = 0; i < 48; i++, n++) {
      if (i >= damage || (n > 0 && i + ahead >= damage) || i + delay >= damage) throw error;
      yield { timestamp: i / 24, duration: 1 / 24, index: i };
    }
  };
  return { open, opened };
}

async function collect<T>(frames: AsyncGenerator<T>): Promise<{ items: T[]; error?: unknown }> {
  const items: T[] = [];
  try {
    for await (const item of frames) items.push(item);
    return { items };
  } catch (error) {
    return { items, error };
  }
}

describe('resuming: the frames before the damage are not lost to the decoder read-ahead', () => {
  it('restarts after the last frame handed out until no new frame comes, then throws the first error', async () => {
    const plain = await collect(sink(29, 4).open(0));
    expect(plain.items).toHaveLength(25); // without restarts: 4 frames lost to the read-ahead
    const { open, opened } = sink(29, 4);
    const { items, error } = await collect(resuming(open, WHOLE));
    expect(items.map((f) => f.index)).toEqual([...Array(29).keys()]);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).message).toBe('Decoding error.');
    expect(opened.length).toBe(6); // the first start, one per lost frame, one that gives nothing
  });

  it('restarts decode with low latency, so the frame a decoder holds back is not lost with the failure', async () => {
    const held = sink(29, 0, undefined, 1);
    expect((await collect(held.open(0))).items).toHaveLength(28); // the decoder kept frame 28 back
    const { items, error } = await collect(resuming(held.open, WHOLE));
    expect(items.map((f) => f.index)).toEqual([...Array(29).keys()]);
    expect(error).toBeInstanceOf(DOMException);
    expect(held.opened.slice(1).map((t) => Math.round(t * 24))).toEqual([0, 28, 29]); // after the direct read above
    // A restart that ignored the request would lose it again.
    const deaf = sink(29, 0, undefined, 1);
    expect((await collect(resuming((start) => deaf.open(start), WHOLE))).items).toHaveLength(28);
  });

  it('a whole file is read once', async () => {
    const { open, opened } = sink(99, 4);
    const { items, error } = await collect(resuming(open, WHOLE));
    expect(items).toHaveLength(48);
    expect(error).toBeUndefined();
    expect(opened).toEqual([0]);
  });

  it('a failure before any frame is not retried; neither are cancels and messages for the user', async () => {
    const none = sink(0, 4);
    expect((await collect(resuming(none.open, WHOLE))).error).toBeInstanceOf(DOMException);
    expect(none.opened).toEqual([0]);
    for (const error of [new DOMException('cancelled', 'AbortError'), new UserError('say this')]) {
      const s = sink(10, 2, error);
      const { items, error: thrown } = await collect(resuming(s.open, WHOLE));
      expect(thrown).toBe(error);
      expect(items).toHaveLength(8);
      expect(s.opened).toEqual([0]);
    }
  });

  it('repeated timestamps in a file are kept on the first pass (only a restart skips what was handed out)', async () => {
    const open = async function* (start: number) {
      for (const t of [0, 0.04, 0.04, 0.08]) if (t >= start) yield { timestamp: t, duration: 0.04 };
    };
    expect((await collect(resuming(open, WHOLE))).items.map((f) => f.timestamp)).toEqual([0, 0.04, 0.04, 0.08]);
  });

  it('the consumer stopping early closes the sink and opens nothing more', async () => {
    const { open, opened } = sink(29, 4);
    const frames = resuming(open, WHOLE);
    for await (const frame of frames) if (frame.index === 3) break;
    expect(opened).toEqual([0]);
  });
});
