import { describe, expect, it } from 'vitest';
import { DecodeDamageError, UserError } from '../lib/errors';
import { isDecodeDamage, partialWarning, readable, runOverlapped, type Damage, type OverlapStages } from './pipeline';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A frame that must be closed exactly once, like a VideoFrame. */
class FakeFrame {
  closed = 0;
  constructor(readonly index: number) {}
  close() {
    this.closed++;
  }
}

/** A source of `count` frames that records whether it was closed (return()) and every frame it made. */
function fakeSource(count: number, delay = 0) {
  const made: FakeFrame[] = [];
  const state = { returned: false, made };
  async function* frames() {
    try {
      for (let i = 0; i < count; i++) {
        if (delay) await sleep(delay);
        const frame = new FakeFrame(i);
        made.push(frame);
        yield frame;
      }
    } finally {
      state.returned = true;
    }
  }
  return { source: frames(), state };
}

type Stages = OverlapStages<FakeFrame, FakeFrame, FakeFrame, FakeFrame>;

/** Stages that pass the frame along, tracking how many frames are alive (decoded, not yet written). */
function passThrough(overrides: Partial<Stages> & { source: AsyncIterable<FakeFrame> }) {
  const written: number[] = [];
  let alive = 0;
  let maxAlive = 0;
  const stages: Stages = {
    pre: (f) => {
      alive++;
      maxAlive = Math.max(maxAlive, alive);
      return f;
    },
    model: async (f) => {
      await sleep(1);
      return f;
    },
    post: (f) => f,
    sink: async (f) => {
      written.push(f.index);
      f.close();
      alive--;
    },
    discard: (f) => (f as FakeFrame).close(),
    ...overrides,
  };
  return { stages, written, maxAlive: () => maxAlive };
}

describe('runOverlapped', () => {
  it('writes every frame once, in source order, with a slow model and jittery stages', async () => {
    const { source } = fakeSource(40);
    const { stages, written } = passThrough({
      source,
      pre: async (f) => {
        await sleep(f.index % 3);
        return f;
      },
      model: async (f) => {
        await sleep(5 - (f.index % 5));
        return f;
      },
      post: async (f) => {
        await sleep(f.index % 2);
        return f;
      },
    });
    const stats = await runOverlapped(stages);
    expect(written).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(stats.frames).toBe(40);
    expect(stats.serial).toBe(false);
  });

  it('keeps at most 3 + 2 x depth frames alive behind a slow stage (backpressure)', async () => {
    for (const [slow, depth] of [['model', 2], ['sink', 2], ['model', 3], ['sink', 1]] as const) {
      const { source, state } = fakeSource(30);
      const count = { pre: 0, model: 0, sink: 0 };
      let maxAlive = 0; // decoded and not yet written, counted outside the runner
      const stats = await runOverlapped<FakeFrame, FakeFrame, FakeFrame, FakeFrame>({
        source,
        depth,
        pre: (f) => {
          count.pre++;
          maxAlive = Math.max(maxAlive, state.made.length - count.sink);
          return f;
        },
        model: async (f) => {
          count.model++;
          if (slow === 'model') await sleep(4);
          return f;
        },
        post: (f) => f,
        sink: async (f) => {
          if (slow === 'sink') await sleep(4);
          count.sink++;
          f.close();
        },
      });
      expect(stats.frames).toBe(30);
      expect(stats.maxInFlight).toBeLessThanOrEqual(3 + 2 * depth);
      expect(maxAlive).toBeLessThanOrEqual(3 + 2 * depth);
      expect(count).toEqual({ pre: 30, model: 30, sink: 30 });
      // The queues did fill: the decode side ran ahead of a slow stage but stopped at the bound.
      expect(stats.maxInFlight).toBeGreaterThanOrEqual(2 + depth);
      expect(state.made.every((f) => f.closed === 1)).toBe(true);
    }
  });

  it('overlaps: a slow model and a slow encoder take about the longer of the two, not their sum', async () => {
    const run = (serial: boolean) => {
      const { source } = fakeSource(20);
      return runOverlapped<FakeFrame, FakeFrame, FakeFrame, FakeFrame>({
        source,
        serial,
        pre: async (f) => {
          await sleep(6);
          return f;
        },
        model: async (f) => {
          await sleep(10);
          return f;
        },
        post: (f) => f,
        sink: async () => {
          await sleep(6);
        },
      });
    };
    const serial = await run(true);
    const overlapped = await run(false);
    expect(serial.frames).toBe(20);
    expect(overlapped.frames).toBe(20);
    expect(serial.serial).toBe(true);
    // Serial: ~22 ms a frame; overlapped: ~10-12 ms a frame (the model's time).
    expect(overlapped.millis.wall).toBeLessThan(0.75 * serial.millis.wall);
    expect(serial.maxInFlight).toBe(1);
    expect(overlapped.millis.model).toBeGreaterThanOrEqual(20 * 9);
  });

  for (const failing of ['source', 'pre', 'model', 'post', 'sink'] as const) {
    it(`rejects with a ${failing} error, closes the source and frees every queued frame`, async () => {
      const boom = new Error(`${failing} failed`);
      const { source: inner, state } = fakeSource(50);
      async function* source() {
        for await (const f of inner) {
          if (failing === 'source' && f.index === 7) {
            f.close(); // a decoder that fails frees its frame
            throw boom;
          }
          yield f;
        }
      }
      const at = (f: FakeFrame) => {
        if (f.index === 7) throw boom;
      };
      const { stages, written } = passThrough({
        source: source(),
        pre: (f) => {
          if (failing === 'pre') {
            try {
              at(f);
            } catch (e) {
              f.close(); // a stage that throws frees what it holds
              throw e;
            }
          }
          return f;
        },
        model: async (f) => {
          await sleep(2);
          if (failing === 'model') {
            try {
              at(f);
            } catch (e) {
              f.close();
              throw e;
            }
          }
          return f;
        },
        post: (f) => {
          if (failing === 'post') {
            try {
              at(f);
            } catch (e) {
              f.close();
              throw e;
            }
          }
          return f;
        },
        sink: async (f) => {
          if (failing === 'sink' && f.index === 7) {
            f.close();
            throw boom;
          }
          written.push(f.index);
          f.close();
        },
      });
      await expect(runOverlapped(stages)).rejects.toBe(boom);
      await sleep(20); // let the other loops wind down
      expect(written.length).toBeLessThan(8);
      expect(written).toEqual(Array.from({ length: written.length }, (_, i) => i));
      expect(state.returned).toBe(true);
      expect(state.made.length).toBeLessThan(50);
      // Every frame that was decoded was closed exactly once: written, failed, or discarded from a queue.
      expect(state.made.map((f) => f.closed)).toEqual(state.made.map(() => 1));
    });
  }

  it('cancel rejects at once while the model is busy, and everything is closed afterwards', async () => {
    const { source, state } = fakeSource(100);
    const controller = new AbortController();
    let modelRuns = 0;
    const { stages, written } = passThrough({
      source,
      signal: controller.signal,
      model: async (f) => {
        modelRuns++;
        await sleep(modelRuns === 3 ? 300 : 2);
        return f;
      },
    });
    const started = performance.now();
    const running = runOverlapped(stages);
    setTimeout(() => controller.abort(new Error('cancelled')), 30);
    await expect(running).rejects.toThrow('cancelled');
    expect(performance.now() - started).toBeLessThan(200); // not after the 300 ms model run
    await sleep(350);
    expect(written.length).toBe(2);
    expect(state.returned).toBe(true);
    expect(state.made.map((f) => f.closed)).toEqual(state.made.map(() => 1));
  });

  it('serial mode runs one frame at a time, in order, and cancels too', async () => {
    const { source } = fakeSource(10);
    const { stages, written, maxAlive } = passThrough({ source, serial: true });
    const stats = await runOverlapped(stages);
    expect(written).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxAlive()).toBe(1);
    expect(stats.maxInFlight).toBe(1);

    const controller = new AbortController();
    const { source: slow, state } = fakeSource(100, 1);
    const cancelled = runOverlapped({ ...passThrough({ source: slow }).stages, serial: true, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(cancelled).rejects.toThrow('stop');
    await sleep(20);
    expect(state.returned).toBe(true);
  });

  it('an already aborted signal runs nothing', async () => {
    const { source, state } = fakeSource(5);
    const { stages, written } = passThrough({ source, signal: AbortSignal.abort(new Error('no')) });
    await expect(runOverlapped(stages)).rejects.toThrow('no');
    expect(written).toEqual([]);
    expect(state.made).toEqual([]);
  });
});

/** A decoder that gives `good` frames and then fails as a damaged file makes it fail (or with `error`). */
async function* failingAfter(good: number, error: unknown = new DOMException('Decoding error.', 'EncodingError')) {
  for (let i = 0; i < good; i++) yield new FakeFrame(i);
  throw error;
}

describe('readable: a damaged video gives the frames before the damage', () => {
  it('a decoder error after k frames ends the source there: the encoder gets k frames, the damage is recorded', async () => {
    const damage: { found?: Damage } = {};
    const { stages, written } = passThrough({ source: readable(failingAfter(7), 'clip.mp4', damage) });
    const stats = await runOverlapped(stages);
    expect(stats.frames).toBe(7);
    expect(written).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(damage.found).toEqual({ frames: 7, detail: 'Decoding error.' });
    const warning = partialWarning('clip.mp4', 7, { count: 48, exact: true, first: 0 }, 7 / 24, damage.found, 'stylised');
    expect(warning).toBe(
      '"clip.mp4" is damaged after 0.3 s: the first 7 of 48 frames were stylised; the rest could not be decoded (Decoding error.). For the whole video, use the original file.',
    );
  });

  it('serial mode too', async () => {
    const damage: { found?: Damage } = {};
    const { stages, written } = passThrough({ source: readable(failingAfter(3), 'clip.mp4', damage), serial: true });
    expect((await runOverlapped(stages)).frames).toBe(3);
    expect(written).toEqual([0, 1, 2]);
    expect(damage.found?.frames).toBe(3);
  });

  it('no frame at all before the damage keeps the clear error', async () => {
    const damage: { found?: Damage } = {};
    const { stages } = passThrough({ source: readable(failingAfter(0), 'clip.mp4', damage) });
    await expect(runOverlapped(stages)).rejects.toThrow(/"clip\.mp4" could not be decoded to the end \(Decoding error\.\): the file looks damaged/);
    expect(damage.found).toBeUndefined();
  });

  it("a decoder's own damage sentence (ffmpeg.wasm exiting with an error on a later piece): partial after good frames, its sentence with none", async () => {
    const failure = () => new DecodeDamageError('ffmpeg.wasm could not decode "clip.avi" (Invalid data): the file looks damaged.', 'ffmpeg.wasm: Invalid data');
    expect(isDecodeDamage(failure())).toBe(true);
    const damage: { found?: Damage } = {};
    const { stages, written } = passThrough({ source: readable(failingAfter(4, failure()), 'clip.avi', damage) });
    expect((await runOverlapped(stages)).frames).toBe(4);
    expect(written).toEqual([0, 1, 2, 3]);
    expect(damage.found).toEqual({ frames: 4, detail: 'ffmpeg.wasm: Invalid data' });
    for (const [before, record] of [[0, {}], [4, undefined]] as const) {
      const { stages: again } = passThrough({ source: readable(failingAfter(before, failure()), 'clip.avi', record) });
      await expect(runOverlapped(again)).rejects.toThrow(/^ffmpeg\.wasm could not decode "clip\.avi" \(Invalid data\): the file looks damaged\.$/);
    }
  });

  it('without a damage record (callers that want all or nothing) the error stays an error', async () => {
    const { stages } = passThrough({ source: readable(failingAfter(5), 'clip.mp4') });
    await expect(runOverlapped(stages)).rejects.toThrow(/could not be decoded to the end/);
  });

  it('cancel, out of memory, a lost GPU and messages meant for the user are not damage: they stop the job as before', async () => {
    const cases: [unknown, RegExp][] = [
      [new DOMException('The job was cancelled.', 'AbortError'), /could not be decoded|cancelled/],
      [new RangeError('Array buffer allocation failed'), /allocation failed/],
      [new Error('WebGPU device was lost'), /device was lost/],
      [new Error('out of memory'), /out of memory/],
      [new UserError('ffmpeg.wasm could not decode "x"'), /^ffmpeg\.wasm could not decode/],
    ];
    for (const [error, message] of cases) {
      expect(isDecodeDamage(error), String(error)).toBe(false);
      const damage: { found?: Damage } = {};
      const { stages } = passThrough({ source: readable(failingAfter(4, error), 'clip.mp4', damage) });
      await expect(runOverlapped(stages)).rejects.toThrow(message);
      expect(damage.found).toBeUndefined();
    }
    expect(isDecodeDamage(new DOMException('Decoding error.', 'EncodingError'))).toBe(true);
    expect(isDecodeDamage(new Error('Invalid NAL unit size'))).toBe(true);
  });

  it('an encoder failure after the damage point is still the encoder failure', async () => {
    const damage: { found?: Damage } = {};
    const { stages } = passThrough({
      source: readable(failingAfter(6), 'clip.mp4', damage),
      sink: async (f) => {
        f.close();
        if (f.index === 2) throw new Error('encoder broke');
      },
    });
    await expect(runOverlapped(stages)).rejects.toThrow('encoder broke');
  });

  it('a cancel while frames are in flight closes the inner decoder (return() reaches it)', async () => {
    const { source, state } = fakeSource(50, 2);
    const controller = new AbortController();
    const { stages } = passThrough({ source: readable(source, 'clip.mp4', {}), signal: controller.signal });
    const run = runOverlapped(stages);
    setTimeout(() => controller.abort(new Error('stop')), 15);
    await expect(run).rejects.toThrow('stop');
    await sleep(30);
    expect(state.returned).toBe(true);
  });

  it('the warning for a file cut short after its index, for an estimated count, and none for a whole read', () => {
    expect(partialWarning('a.mp4', 10, { count: 25, exact: true, first: 0 }, 0.4, undefined, 'stylised')).toMatch(
      /^"a\.mp4" ends early: only 10 of 25 frames could be read \(up to 0\.4 s\)/,
    );
    expect(partialWarning('a.avi', 10, { count: 25, exact: false, first: 0 }, 0.4, undefined, 'stylised')).toBeUndefined();
    expect(partialWarning('a.avi', 10, { count: 25, exact: false, first: 0 }, 0.4, { frames: 10, detail: 'x' }, 'stylised')).toMatch(/the first 10 of about 25 frames/);
    expect(partialWarning('a.mp4', 25, { count: 25, exact: true, first: 0 }, 1, undefined, 'stylised')).toBeUndefined();
  });
});
