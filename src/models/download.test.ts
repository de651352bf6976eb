import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, UserError } from '../lib/errors';
import { StalledError } from '../lib/fetch-watched';
import { DOWNLOAD_STALL_MS, downloadFile, parseContentRange, StorageFullError, type FileSink } from './download';
import { downloadVariant, loadVariantFiles, RateMeter, variantStatus } from './manager';
import type { ModelEntry, ModelFile } from './registry';
import { memorySink, readStored, removeStored } from './store';

// 300 kB of deterministic bytes: several network chunks, so a cut lands midway.
const body = Buffer.alloc(300_000);
for (let i = 0; i < body.length; i++) body[i] = (i * 7919 + (i >> 9)) & 255;
const sha = createHash('sha256').update(body).digest('hex');
const tampered = Buffer.from(body);
tampered[12345] ^= 1;

/** How the test server answers: cut the first response halfway, ignore Range, or serve other bytes. */
let mode: { cutFirst?: boolean; ignoreRange?: boolean; tampered?: boolean; longer?: boolean } = {};
let requests: Array<{ range?: string }> = [];
let server: Server;
let base = '';

function serve(req: IncomingMessage, res: import('node:http').ServerResponse) {
  requests.push({ range: req.headers.range });
  const data = mode.tampered ? tampered : mode.longer ? Buffer.concat([body, Buffer.alloc(10)]) : body;
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (range && !mode.ignoreRange) {
    const start = Number(range[1]);
    res.writeHead(206, { 'Content-Length': data.length - start, 'Content-Range': `bytes ${start}-${data.length - 1}/${data.length}` });
    res.end(data.subarray(start));
    return;
  }
  res.writeHead(200, { 'Content-Length': data.length, 'Accept-Ranges': mode.ignoreRange ? 'none' : 'bytes' });
  if (mode.cutFirst && requests.length === 1) {
    // Half the body, then the connection drops (what a flaky network does).
    res.write(data.subarray(0, data.length / 2), () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.end(data);
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const file = (): ModelFile => ({ path: 'onnx/model.onnx', role: 'model', url: `${base}/model.onnx`, bytes: body.length, sha256: sha });

beforeEach(async () => {
  mode = {};
  requests = [];
  await removeStored(file());
});

describe('downloadFile', () => {
  it('streams the file, reports every stored byte and keeps it once verified', async () => {
    const progress: number[] = [];
    const report = await downloadFile(file(), memorySink(file()), { onBytes: (n) => progress.push(n) });
    expect(report).toEqual({ requests: 1, resumed: 0, restarts: 0 });
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(body.length);
    expect(progress.length).toBeGreaterThan(2);
    expect(Buffer.from((await readStored(file()))!).equals(body)).toBe(true);
  });

  it('resumes a cut connection with a Range request and ends with the right bytes', async () => {
    mode = { cutFirst: true };
    const report = await downloadFile(file(), memorySink(file()), { retryDelayMs: 10 });
    expect(requests.length).toBe(2);
    expect(requests[0].range).toBeUndefined();
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(requests[1].range ?? '')?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThan(body.length);
    expect(report).toEqual({ requests: 2, resumed: 1, restarts: 0 });
    expect(Buffer.from((await readStored(file()))!).equals(body)).toBe(true);
  });

  it('restarts cleanly from zero when the server ignores Range', async () => {
    mode = { cutFirst: true, ignoreRange: true };
    const progress: number[] = [];
    const report = await downloadFile(file(), memorySink(file()), { retryDelayMs: 10, onBytes: (n) => progress.push(n) });
    expect(requests[1].range).toMatch(/^bytes=\d+-$/);
    expect(report).toEqual({ requests: 2, resumed: 0, restarts: 1 });
    expect(progress).toContain(0);
    expect(Buffer.from((await readStored(file()))!).equals(body)).toBe(true);
  });

  it('resumes a partial file left by an earlier attempt, hashing the stored prefix again', async () => {
    const stored = body.subarray(0, 100_000);
    const writes: number[] = [];
    let committed: Buffer | null = null;
    const chunks: Buffer[] = [stored];
    const sink: FileSink = {
      size: async () => chunks.reduce((s, c) => s + c.length, 0),
      read: async function* () {
        yield stored;
      },
      write: async (c) => void (writes.push(c.byteLength), chunks.push(Buffer.from(c))),
      truncate: async () => void chunks.splice(0),
      commit: async () => void (committed = Buffer.concat(chunks)),
      suspend: async () => undefined,
      discard: async () => undefined,
    };
    const report = await downloadFile(file(), sink);
    expect(requests).toEqual([{ range: 'bytes=100000-' }]);
    expect(report.resumed).toBe(1);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(body.length - 100_000);
    expect(committed!.equals(body)).toBe(true);
  });

  it('refuses a tampered file by its sha256 and keeps nothing', async () => {
    mode = { tampered: true };
    await expect(downloadFile(file(), memorySink(file()))).rejects.toThrow(/integrity check \(sha256/);
    expect(await readStored(file())).toBeNull();
  });

  it('refuses a file longer than recorded before storing the extra bytes', async () => {
    mode = { longer: true };
    await expect(downloadFile(file(), memorySink(file()))).rejects.toThrow(/larger than the 300000 bytes/);
    expect(await readStored(file())).toBeNull();
  });

  it('says the storage is full on QuotaExceededError and drops the partial file', async () => {
    let discarded = false;
    const sink: FileSink = {
      ...memorySink(file()),
      write: async () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
      discard: async () => void (discarded = true),
    };
    const error = await downloadFile(file(), sink).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as Error).message).toMatch(/not enough storage space.*"Run from memory this time" in "Models on this device"/i);
    expect(discarded).toBe(true);
  });

  it('stops when cancelled and keeps the partial file for a resume', async () => {
    const controller = new AbortController();
    let suspended = false;
    const sink = { ...memorySink(file()), suspend: async () => void (suspended = true) };
    const run = downloadFile(file(), sink, { signal: controller.signal, onBytes: (n) => n > 0 && controller.abort() });
    await expect(run).rejects.toThrow(/Cancelled/);
    expect(suspended).toBe(true);
    expect(await readStored(file())).toBeNull();
  });

  it('gives up after its retries when the server cannot be reached, and says so', async () => {
    const unreachable = { ...file(), url: `${base.replace(/:\d+$/, ':1')}/nothing` };
    await expect(downloadFile(unreachable, memorySink(unreachable), { retries: 1, retryDelayMs: 1 })).rejects.toThrow(/stopped at 0 of 300000 bytes: the connection was lost/);
  });
  it('says which HTTP status the server gave', async () => {
    const original = server.listeners('request')[0] as typeof serve;
    server.removeAllListeners('request');
    server.on('request', (_req, res) => res.writeHead(404).end());
    try {
      await expect(downloadFile(file(), memorySink(file()))).rejects.toThrow(/HTTP 404/);
    } finally {
      server.removeAllListeners('request');
      server.on('request', original);
    }
  });
});

/**
 * A fetch stand-in serving `body`, for connections that go silent. Call n follows plan[n] (the last
 * entry repeats): 'ok' sends the asked range whole; 'silent' never answers; a number sends that many
 * bytes of the range, then neither more nor the end. It ignores the abort signal, as a wedged
 * connection may, so the downloader has to let go by itself; it records whether it did.
 */
function stallingFetch(plan: Array<'ok' | 'silent' | number>, { everyMs = 0 } = {}) {
  const calls: Array<{ range?: string; signal: AbortSignal; cancelled: boolean }> = [];
  const impl = (async (_url: string, init?: RequestInit) => {
    const range = (init?.headers as Record<string, string> | undefined)?.Range;
    const call = { range, signal: init!.signal!, cancelled: false };
    calls.push(call);
    const step = plan[Math.min(calls.length - 1, plan.length - 1)];
    if (step === 'silent') return new Promise<Response>(() => undefined);
    const start = Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0);
    const data = body.subarray(start, step === 'ok' ? undefined : start + step);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (everyMs) await new Promise((r) => setTimeout(r, everyMs));
        if (sent < data.length) {
          controller.enqueue(new Uint8Array(data.subarray(sent, sent + 65_536)));
          sent = Math.min(sent + 65_536, data.length);
        } else if (step === 'ok') controller.close();
        else return new Promise<void>(() => undefined);
      },
      cancel: () => void (call.cancelled = true),
    });
    const headers: Record<string, string> = start > 0 ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {};
    return new Response(stream, { status: start > 0 ? 206 : 200, headers });
  }) as typeof fetch;
  return { impl, calls };
}

/** Lets the download run (fetch, streams, hash-wasm) until `ready()`; setImmediate is not faked. */
async function until(ready: () => boolean) {
  for (let turns = 0; !ready(); turns++) {
    if (turns > 10_000) throw new Error('the download never got there');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('downloadFile on a silent connection', () => {
  afterEach(() => vi.useRealTimers());

  it('aborts a request whose bytes stop coming and resumes it with Range from the stored bytes', async () => {
    const { impl, calls } = stallingFetch([100_000, 'ok']);
    const report = await downloadFile(file(), memorySink(file()), { fetch: impl, stallMs: 50, retryDelayMs: 1 });
    expect(calls.map((c) => c.range)).toEqual([undefined, 'bytes=100000-']);
    expect(calls[0].signal.reason).toBeInstanceOf(StalledError);
    expect(calls[0].cancelled).toBe(true); // the silent connection is let go, not left open
    expect(calls[1].signal.aborted).toBe(false);
    expect(report).toEqual({ requests: 2, resumed: 1, restarts: 0 });
    expect(Buffer.from((await readStored(file()))!).equals(body)).toBe(true);
  });

  it('gives up after its retries when nothing arrives, says so, and keeps the bytes for a resume', async () => {
    const { impl, calls } = stallingFetch([100_000, 'silent']);
    const sink = memorySink(file());
    let suspended = 0;
    const error = await downloadFile(file(), { ...sink, suspend: async () => void suspended++ }, { fetch: impl, stallMs: 30, retries: 2, retryDelayMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'The download of onnx/model.onnx stopped at 100000 of 300000 bytes: nothing arrived for 30 ms. Check the connection and try again; it resumes where it stopped.',
    );
    expect((error as Error).cause).toBeInstanceOf(StalledError);
    expect(calls.map((c) => c.range)).toEqual([undefined, 'bytes=100000-', 'bytes=100000-']);
    expect(calls.every((c) => c.signal.reason instanceof StalledError)).toBe(true);
    expect(suspended).toBe(1);
    expect(await sink.size()).toBe(100_000);
    // The next attempt asks only for the rest.
    const again = stallingFetch(['ok']);
    expect(await downloadFile(file(), sink, { fetch: again.impl, stallMs: 30 })).toEqual({ requests: 1, resumed: 1, restarts: 0 });
    expect(again.calls.map((c) => c.range)).toEqual(['bytes=100000-']);
    expect(Buffer.from((await readStored(file()))!).equals(body)).toBe(true);
  });

  it('waits as long as bytes keep coming, and does not count the time storage takes', async () => {
    // 5 chunks 40 ms apart (200 ms of network in all) and a 150 ms write each, against a 100 ms bound.
    const { impl, calls } = stallingFetch(['ok'], { everyMs: 40 });
    const sink = memorySink(file());
    const slow: FileSink = { ...sink, write: async (chunk) => (await new Promise((r) => setTimeout(r, 150)), sink.write(chunk)) };
    expect(await downloadFile(file(), slow, { fetch: impl, stallMs: 100 })).toEqual({ requests: 1, resumed: 0, restarts: 0 });
    expect(calls[0].signal.aborted).toBe(false);
    expect(Buffer.from((await readStored(file()))!).equals(body)).toBe(true);
  });

  it('by default waits 30 s for a response, then says so; no timer is left behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { impl, calls } = stallingFetch(['silent']);
    const run = downloadFile(file(), memorySink(file()), { fetch: impl, retries: 0 }).catch((e: unknown) => e);
    await until(() => calls.length === 1);
    await vi.advanceTimersByTimeAsync(DOWNLOAD_STALL_MS - 1);
    expect(calls[0].signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(((await run) as Error).message).toBe(
      'The download of onnx/model.onnx stopped at 0 of 300000 bytes: nothing arrived for 30 s. Check the connection and try again; it resumes where it stopped.',
    );
    expect(vi.getTimerCount()).toBe(0);
    const ok = stallingFetch(['ok']);
    expect((await downloadFile(file(), memorySink(file()), { fetch: ok.impl })).requests).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a cancel while the connection is silent, or while waiting to resume after a stall, is a cancel', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const start = (plan: Array<'ok' | 'silent' | number>, retryDelayMs = 1) => {
      const fake = stallingFetch(plan);
      const controller = new AbortController();
      const state = { stored: 0, suspended: false };
      const sink = { ...memorySink(file()), suspend: async () => void (state.suspended = true) };
      const run = downloadFile(file(), sink, { fetch: fake.impl, signal: controller.signal, stallMs: 1000, retryDelayMs, onBytes: (n) => (state.stored = n) });
      return { ...fake, controller, state, error: run.catch((e: unknown) => e) };
    };
    // No response yet, then bytes that stopped: cancelled just before the stall bound.
    for (const [plan, stored] of [
      [['silent'], 0],
      [[100_000], 100_000],
    ] as const) {
      const { calls, controller, state, error } = start([...plan]);
      await until(() => calls.length === 1 && state.stored === stored);
      await vi.advanceTimersByTimeAsync(999);
      controller.abort();
      expect(await error).toBeInstanceOf(CancelledError);
      expect(calls).toHaveLength(1);
      expect(calls[0].signal.aborted).toBe(true); // the caller's cancel reaches the request
      expect(calls[0].signal.reason).not.toBeInstanceOf(StalledError);
      expect(state.suspended).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    }
    // Stalled, then cancelled during the pause before the resume.
    const { calls, controller, state, error } = start([100_000, 'ok'], 5_000);
    await until(() => state.stored === 100_000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls[0].signal.reason).toBeInstanceOf(StalledError);
    controller.abort();
    expect(await error).toBeInstanceOf(CancelledError);
    expect(calls).toHaveLength(1);
    expect(state.suspended).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('downloadVariant', () => {
  it('downloads every file of a variant into memory with aggregated progress, speed and time left', async () => {
    const second: ModelFile = { ...file(), path: 'tokenizer/vocab.json', role: 'vocab', url: `${base}/vocab.json` };
    const variant = { name: 'fp32', file: file().url, bytes: body.length * 2, sha256: sha, files: [file(), { ...second, sha256: sha }] };
    const model = { id: 'tiny', title: 'Tiny', embedded: false, variants: [variant] } as unknown as ModelEntry;
    const seen: Array<[number, number]> = [];
    const report = await downloadVariant(model, variant, { storage: 'memory', onProgress: (done, total) => seen.push([done, total]) });
    // Both files have the same content hash: stored once, downloaded once.
    expect(report.files.map((f) => f.requests)).toEqual([1, 0]);
    expect(seen.at(-1)).toEqual([body.length * 2, body.length * 2]);
    expect((await variantStatus(variant)).state).toBe('memory');
  });
  it('passes its stall time and retries to each file: a silent server ends in the stall message, partial file kept', async () => {
    const silent: ModelFile = { ...file(), path: 'onnx/silent.onnx', url: `${base}/silent.onnx`, sha256: 'e'.repeat(64) };
    const variant = { name: 'fp32', file: silent.url, bytes: silent.bytes, sha256: silent.sha256, files: [silent] };
    const model = { id: 'silent', title: 'Silent', embedded: false, variants: [variant] } as unknown as ModelEntry;
    let calls = 0;
    const never = ((_url: string, init?: RequestInit) => {
      calls++;
      return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }) as typeof fetch;
    const error = await downloadVariant(model, variant, { storage: 'memory', fetch: never, stallMs: 20, retries: 1, retryDelayMs: 1 }).then(
      () => new Error('it finished'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/nothing arrived for 20 ms/);
    expect(calls).toBe(2); // the first try and one retry, as asked
  });
});

describe('loadVariantFiles', () => {
  const variant = () => ({ name: 'fp32', file: file().url, bytes: body.length, sha256: sha, files: [file()] });
  const model = () => ({ id: 'tiny', title: 'Tiny', embedded: false, variants: [variant()] }) as unknown as ModelEntry;

  it('downloads nothing unless asked, and says where to download the model', async () => {
    await expect(loadVariantFiles(model(), variant(), { appRoot: base })).rejects.toThrow(/"Tiny" is not on this device yet \(1 MB\)\. Open "Models on this device"/);
    expect(requests).toEqual([]);
  });
  it('with download: true, fetches the files once and returns them by path and role, verified', async () => {
    const progress: number[] = [];
    const files = await loadVariantFiles(model(), variant(), { appRoot: base, download: true, storage: 'memory', verify: true, onProgress: (done) => progress.push(done) });
    expect(files.map((f) => [f.path, f.role, f.bytes.byteLength])).toEqual([['onnx/model.onnx', 'model', body.length]]);
    expect(Buffer.from(files[0].bytes).equals(body)).toBe(true);
    expect(progress.at(-1)).toBe(body.length);
    const again = await loadVariantFiles(model(), variant(), { appRoot: base });
    expect(Buffer.from(again[0].bytes).equals(body)).toBe(true);
    expect(requests).toHaveLength(1);
  });
});

describe('RateMeter and parseContentRange', () => {
  it('measures speed over a sliding window and derives the time left', () => {
    let now = 0;
    const meter = new RateMeter(4000, () => now);
    expect(meter.update(0, 1000).bytesPerSecond).toBeNull();
    now = 1000;
    expect(meter.update(100, 1000)).toEqual({ done: 100, total: 1000, bytesPerSecond: 100, secondsLeft: 9 });
    now = 10_000; // after a stall, the window forgets the old fast samples
    now = 11_000;
    meter.update(100, 1000);
    now = 16_000;
    expect(meter.update(600, 1000).bytesPerSecond).toBe(100);
  });
  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 100-299/300')).toEqual({ start: 100, end: 299, total: 300 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: null });
    expect(parseContentRange(null)).toBeNull();
    expect(parseContentRange('items 1-2/3')).toBeNull();
  });
});
