/**
 * The ffmpeg.wasm watch (issue 16): a core that stops responding is terminated and the user reads
 * which file and what to do; a core that keeps talking is never taken for hung however long it works.
 * A fake FFmpeg stands in for @ffmpeg/ffmpeg (its worker cannot start in Node); timers are faked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (data: unknown) => void;

/** A stand-in for @ffmpeg/ffmpeg's FFmpeg: exec is scripted per test, terminate rejects every call in flight as the real one does. */
class FakeFFmpeg {
  static made: FakeFFmpeg[] = [];
  static script: (ffmpeg: FakeFFmpeg, args: string[]) => Promise<number> = () => Promise.resolve(0);
  listeners: Record<string, Listener[]> = { log: [], progress: [] };
  terminated = 0;
  files = new Map<string, Uint8Array>();
  private pending = new Set<(error: Error) => void>();

  constructor() {
    FakeFFmpeg.made.push(this);
  }
  on(event: string, f: Listener) {
    this.listeners[event].push(f);
  }
  off(event: string, f: Listener) {
    this.listeners[event] = this.listeners[event].filter((g) => g !== f);
  }
  emit(event: 'log' | 'progress', data: unknown) {
    for (const f of [...this.listeners[event]]) f(data);
  }
  private track<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      work.then(resolve, reject).finally(() => this.pending.delete(reject));
    });
  }
  loaded: unknown[] = [];
  static start: () => Promise<boolean> = () => Promise.resolve(true);
  load = (config: unknown) => (this.loaded.push(config), this.track(FakeFFmpeg.start()));
  exec = (args: string[]) => this.track(FakeFFmpeg.script(this, args));
  terminate = () => {
    this.terminated++;
    for (const reject of this.pending) reject(new Error('called FFmpeg.terminate()'));
    this.pending.clear();
  };
  createDir = () => this.track(Promise.resolve(true));
  mount = () => this.track(Promise.resolve(true));
  unmount = () => this.track(Promise.resolve(true));
  /** As the real one: the buffer is transferred to ffmpeg's worker, so it is detached here. */
  writeFile = (path: string, data: Uint8Array | string) => {
    if (typeof data !== 'string') {
      const moved = structuredClone(data, { transfer: [data.buffer] });
      this.files.set(path, moved);
    }
    return this.track(Promise.resolve(true));
  };
  readFile = (path: string) => this.track(Promise.resolve(this.files.get(path) ?? new Uint8Array([1, 2, 3])));
  deleteFile = (path: string) => {
    this.files.delete(path);
    return this.track(Promise.resolve(true));
  };
}

vi.mock('@ffmpeg/ffmpeg', () => ({ FFmpeg: FakeFFmpeg, FFFSType: { WORKERFS: 'WORKERFS' } }));
vi.mock('@ffmpeg/ffmpeg/worker?worker&url', () => ({ default: 'ffmpeg-worker.js' }));

const { CORE_START_MS, CORE_STALL_MS, loadFfmpeg, resetFfmpeg, runFfmpeg, STALL_MS } = await import('./ffmpeg');
const { openWithFfmpeg } = await import('./decode/ffmpeg');
const { FfmpegVideoWriter } = await import('./encode/ffmpeg-video');

const APP = 'http://app.test/';
const never = () => new Promise<number>(() => undefined);
const watch = { stallMs: 15_000, doing: 'reading "x.avi"', advice: 'Try the original file, or re-save it as MP4.' };

beforeEach(async () => {
  vi.useFakeTimers();
  vi.stubGlobal('self', { location: { href: APP } });
  // The core's .wasm, which loadFfmpeg fetches itself (watched) before handing it over as a blob URL.
  vi.stubGlobal('fetch', vi.fn(async () => new Response(new Uint8Array([0, 0x61, 0x73, 0x6d]))));
  await resetFfmpeg();
  FakeFFmpeg.made = [];
  FakeFFmpeg.script = () => Promise.resolve(0);
  FakeFFmpeg.start = () => Promise.resolve(true);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('loading the core', () => {
  it('fetches the .wasm from the app itself and hands ffmpeg.wasm a blob URL of it', async () => {
    const ffmpeg = (await loadFfmpeg(APP)) as unknown as FakeFFmpeg;
    expect(vi.mocked(fetch).mock.calls.map((call) => call[0])).toEqual([`${APP}ffmpeg/ffmpeg-core.wasm`]);
    expect(ffmpeg.loaded).toEqual([{ classWorkerURL: `${APP}ffmpeg-worker.js`, coreURL: `${APP}ffmpeg/ffmpeg-core.js`, wasmURL: expect.stringMatching(/^blob:/) }]);
  });

  it('a download that stops says so and what to do, and the next open tries again', async () => {
    vi.stubGlobal('fetch', vi.fn((_url: string, init?: RequestInit) => new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))));
    const settled = loadFfmpeg(APP).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(CORE_STALL_MS + 100);
    expect(((await settled) as Error).message).toBe(
      "This video needs the app's video decoder (ffmpeg.wasm, about 31 MB), and the download stopped (nothing arrived for 30 s after 0 bytes). Check the connection and open the video again; once downloaded, it is kept for offline use.",
    );
    expect(FakeFFmpeg.made).toHaveLength(0);
    vi.stubGlobal('fetch', vi.fn(async () => new Response(new Uint8Array(4))));
    await expect(loadFfmpeg(APP)).resolves.toBeInstanceOf(FakeFFmpeg);
  });

  it('a core that never finishes starting is terminated after CORE_START_MS with what to do, and the next open starts a fresh one', async () => {
    FakeFFmpeg.start = () => new Promise<boolean>(() => undefined);
    const settled = loadFfmpeg(APP).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(CORE_START_MS - 1000);
    expect(FakeFFmpeg.made[0].terminated).toBe(0); // still within the bound
    await vi.advanceTimersByTimeAsync(1100);
    expect(((await settled) as Error).message).toBe(
      "The app's video decoder (ffmpeg.wasm) could not start: it did not start within 60 s. The browser may be short of memory: close other tabs and open the video again.",
    );
    expect(FakeFFmpeg.made[0].terminated).toBe(1);
    FakeFFmpeg.start = () => Promise.resolve(true);
    const fresh = await loadFfmpeg(APP);
    expect(FakeFFmpeg.made).toHaveLength(2);
    expect(fresh).toBe(FakeFFmpeg.made[1]);
  });

  it('a core that fails to start (e.g. WebAssembly compile error) says so in the same sentence', async () => {
    FakeFFmpeg.start = () => Promise.reject(new Error('CompileError: WebAssembly.Module(): expected magic word'));
    await expect(loadFfmpeg(APP)).rejects.toThrow(
      "The app's video decoder (ffmpeg.wasm) could not start: CompileError: WebAssembly.Module(): expected magic word. The browser may be short of memory",
    );
    expect(FakeFFmpeg.made[0].terminated).toBe(1);
  });
});

describe('runFfmpeg watch', () => {
  it('terminates a core that hangs silently, says which file and what to do, and the next load gets a fresh core', async () => {
    FakeFFmpeg.script = never;
    const ffmpeg = await loadFfmpeg(APP);
    const run = runFfmpeg(ffmpeg, ['-i', 'x.avi'], watch);
    const settled = run.then(
      () => 'resolved',
      (e: Error) => e,
    );
    await vi.advanceTimersByTimeAsync(14_000);
    expect((ffmpeg as unknown as FakeFFmpeg).terminated).toBe(0);
    await vi.advanceTimersByTimeAsync(2_000);
    const error = (await settled) as Error;
    expect(error.name).toBe('UserError');
    expect(error.message).toBe(
      'ffmpeg.wasm stopped responding while reading "x.avi" (nothing for 15 s), so it was stopped. Try the original file, or re-save it as MP4.',
    );
    expect((ffmpeg as unknown as FakeFFmpeg).terminated).toBe(1);
    // No listener is left on the dead instance, and a later call on it fails at once with the same sentence.
    expect((ffmpeg as unknown as FakeFFmpeg).listeners.log).toHaveLength(0);
    await expect(runFfmpeg(ffmpeg, ['-version'], watch)).rejects.toBe(error);
    // The next file gets a new core.
    FakeFFmpeg.script = () => Promise.resolve(0);
    const next = await loadFfmpeg(APP);
    expect(next).not.toBe(ffmpeg);
    expect(FakeFFmpeg.made).toHaveLength(2);
    await expect(runFfmpeg(next, ['-version'], watch)).resolves.toEqual({ code: 0, log: '' });
  });

  it('never stops a core that keeps reporting progress, even for far longer than the bound', async () => {
    // 100 s of work (over six times the bound), a progress event every 5 s and a log line every 12 s.
    FakeFFmpeg.script = (ffmpeg) =>
      new Promise<number>((resolve) => {
        let t = 0;
        const timer = setInterval(() => {
          t += 1;
          if (t % 5 === 0) ffmpeg.emit('progress', { progress: t / 100, time: t });
          if (t % 12 === 0) ffmpeg.emit('log', { type: 'stderr', message: `frame=${t}` });
          if (t === 100) {
            clearInterval(timer);
            resolve(0);
          }
        }, 1000);
      });
    const ffmpeg = await loadFfmpeg(APP);
    const run = runFfmpeg(ffmpeg, ['-i', 'long.avi', 'out.mp4'], watch);
    await vi.advanceTimersByTimeAsync(101_000);
    await expect(run).resolves.toEqual({ code: 0, log: [12, 24, 36, 48, 60, 72, 84, 96].map((t) => `frame=${t}`).join('\n') });
    expect((ffmpeg as unknown as FakeFFmpeg).terminated).toBe(0);
    expect(await loadFfmpeg(APP)).toBe(ffmpeg);
  });

  it('a call queued behind a working one is not taken for hung; when the core hangs, both fail with the hang sentence', async () => {
    let calls = 0;
    FakeFFmpeg.script = (ffmpeg) => {
      calls++;
      if (calls > 1) return never(); // the queued call: the real worker handles one message at a time
      return new Promise<number>((resolve) => {
        let t = 0;
        const timer = setInterval(() => {
          ffmpeg.emit('log', { type: 'stderr', message: `frame=${++t}` });
          if (t === 30) {
            clearInterval(timer);
            resolve(0);
          }
        }, 1000);
      });
    };
    const ffmpeg = await loadFfmpeg(APP);
    const first = runFfmpeg(ffmpeg, ['decode'], watch);
    const queued = runFfmpeg(ffmpeg, ['encode'], watch).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(30_000); // 30 s of work: twice the bound, heard all along
    await expect(first).resolves.toMatchObject({ code: 0 });
    expect((ffmpeg as unknown as FakeFFmpeg).terminated).toBe(0);
    await vi.advanceTimersByTimeAsync(STALL_MS.open + 1000); // then silence
    expect(((await queued) as Error).message).toMatch(/^ffmpeg\.wasm stopped responding while reading "x\.avi"/);
    expect((ffmpeg as unknown as FakeFFmpeg).terminated).toBe(1);
  });
});

describe('the ffmpeg decoder and encoder under the watch', () => {
  it('a file whose probe hangs is refused with the hang sentence within STALL_MS.open (not "crashed")', async () => {
    FakeFFmpeg.script = never;
    const opened = openWithFfmpeg(new Blob([new Uint8Array(10)]), 'stuck.avi', APP).catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(STALL_MS.open + 1000);
    const error = (await opened) as Error;
    expect(error.name).toBe('UserError');
    expect(error.message).toMatch(/^ffmpeg\.wasm stopped responding while reading "stuck\.avi" \(nothing for 15 s\), so it was stopped\. Try the original file/);
    expect(FakeFFmpeg.made[0].terminated).toBe(1);
  });

  it('an encode that hangs ends in the encoder sentence within STALL_MS.work', async () => {
    FakeFFmpeg.script = never;
    const writer = await FfmpegVideoWriter.create(APP, 'mp4', 8, 8, 25, null);
    await writer.add({ data: new Uint8ClampedArray(8 * 8 * 4), width: 8, height: 8 });
    const finished = writer.finish().catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(STALL_MS.work - 1000);
    expect(FakeFFmpeg.made[0].terminated).toBe(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(((await finished) as Error).message).toMatch(/^ffmpeg\.wasm stopped responding while writing the MP4 video \(nothing for 45 s\)/);
    expect(FakeFFmpeg.made[0].terminated).toBe(1);
  });

  it('the encoder fills a second chunk after the first was moved to ffmpeg.wasm (each chunk holds the frames given)', async () => {
    // 2896x2896 RGBA is 32 MiB: a 64 MiB chunk holds 2 frames, so 5 frames make 3 chunks.
    const [w, h] = [2896, 2896];
    const seen: number[] = [];
    FakeFFmpeg.script = (ffmpeg, args) => {
      if (args.includes('rawvideo')) {
        const raw = ffmpeg.files.get('/encode/chunk.rgba')!;
        for (let f = 0; f < raw.length / (w * h * 4); f++) seen.push(raw[f * w * h * 4]);
      }
      return Promise.resolve(0);
    };
    const writer = await FfmpegVideoWriter.create(APP, 'mp4', w, h, 25, null);
    for (let i = 1; i <= 5; i++) {
      const data = new Uint8ClampedArray(w * h * 4);
      data[0] = i;
      await writer.add({ data, width: w, height: h });
    }
    const encoded = await writer.finish();
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(encoded.frames).toBe(5);
  });

  it('a header that claims far more than the data holds ends the frames where the data ends (not millions of empty pieces)', async () => {
    // Fuzz mutant s1-191 (e2e/fixtures/regressions/avi-bogus-duration-endless-chunks.avi): 0.2 s of frames, a header saying 119304 hours.
    const runs: string[] = [];
    FakeFFmpeg.script = (ffmpeg, args) => {
      const line = args.join(' ');
      runs.push(line);
      const say = (message: string) => ffmpeg.emit('log', { type: 'stderr', message });
      if (line.endsWith(`-i /in/source.avi`)) {
        say('  Duration: 119304:38:49.79, start: 0.000000, bitrate: N/A');
        say('  Stream #0:0: Video: mpeg4 (Simple Profile) (FMP4 / 0x34504D46), yuv420p, 64x36 [SAR 1:1 DAR 16:9], 10 fps, 10 tbr, 10 tbn');
        return Promise.resolve(1);
      }
      // Frames exist at 0, 0.1 s only: every range after them decodes nothing.
      const from = Number(/gte\(t\\,([\d.e+-]+)\)/.exec(line)?.[1] ?? 0);
      for (const t of [0, 0.1].filter((t) => t >= from)) say(`[Parsed_showinfo_1 @ 0x1] n:   0 pts:      0 pts_time:${t} duration: 1`);
      if (line.includes('rawvideo')) ffmpeg.files.set('/frames.rgba', new Uint8Array((from === 0 ? 2 : 0) * 8 * 8 * 4));
      return Promise.resolve(0);
    };
    vi.useRealTimers();
    const source = await openWithFfmpeg(new Blob([new Uint8Array(10)]), 'bogus.avi', APP);
    expect(source.info.duration).toBeGreaterThan(4e8);
    const got: number[] = [];
    for await (const frame of source.frames(8, 8, { start: 0, end: Infinity })) got.push(frame.timestamp);
    expect(got).toEqual([0, 0.1]);
    // Piece one (0-10 s: the frames), piece two (10-20 s: nothing, seeked then again unseeked), then one check that no frame follows.
    expect(runs.filter((r) => r.includes('rawvideo'))).toHaveLength(3);
    expect(runs.filter((r) => r.includes('-frames:v 1') && r.includes('select='))).toHaveLength(1);
  });
});
