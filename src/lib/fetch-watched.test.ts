import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchWatched, StalledError } from './fetch-watched';

afterEach(() => vi.useRealTimers());

/** A fetch whose response sends `chunks` and then, if `stallAfter`, nothing more (the connection hangs). */
function fakeFetch(chunks: Uint8Array[], { stallAfter = false, status = 200, hangBeforeResponse = false } = {}) {
  const seen: { signal?: AbortSignal } = {};
  const impl = (async (_url: string, init?: RequestInit) => {
    seen.signal = init?.signal ?? undefined;
    if (hangBeforeResponse) {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < chunks.length) controller.enqueue(chunks[i++]);
        else if (!stallAfter) controller.close();
        else return new Promise<void>(() => undefined); // never more bytes
      },
    });
    const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
    return new Response(body, { status, headers: { 'Content-Length': String(bytes + (stallAfter ? 100 : 0)) } });
  }) as typeof fetch;
  return { impl, seen };
}

describe('fetchWatched', () => {
  it('returns every byte in order, typed, and reports progress against Content-Length', async () => {
    const { impl } = fakeFetch([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]);
    const progress: Array<[number, number | null]> = [];
    const blob = await fetchWatched('/ffmpeg/core.wasm', { stallMs: 1000, type: 'application/wasm', fetch: impl, onBytes: (r, t) => progress.push([r, t]) });
    expect(blob.type).toBe('application/wasm');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([1, 2, 3, 4, 5]);
    expect(progress).toEqual([
      [3, 5],
      [5, 5],
    ]);
  });

  it('gives up with StalledError when the bytes stop coming, and aborts the request', async () => {
    vi.useFakeTimers();
    const { impl, seen } = fakeFetch([new Uint8Array(10), new Uint8Array(20)], { stallAfter: true });
    const result = fetchWatched('/x', { stallMs: 30_000, fetch: impl }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(29_000);
    expect(seen.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    const error = await result;
    expect(error).toBeInstanceOf(StalledError);
    expect((error as StalledError).received).toBe(30);
    expect((error as Error).message).toBe('nothing arrived for 30 s after 30 bytes');
    expect(seen.signal?.aborted).toBe(true);
  });

  it('gives up when no response comes at all', async () => {
    vi.useFakeTimers();
    const { impl } = fakeFetch([], { hangBeforeResponse: true });
    const result = fetchWatched('/x', { stallMs: 5_000, fetch: impl }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5_001);
    expect(await result).toBeInstanceOf(StalledError);
  });

  it('waits as long as bytes keep coming, however long the whole takes', async () => {
    vi.useFakeTimers();
    const chunks = Array.from({ length: 6 }, () => new Uint8Array(4));
    let i = 0;
    const slow = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            await new Promise((r) => setTimeout(r, 4_000)); // a chunk every 4 s: 24 s in all, bound 5 s
            if (i < chunks.length) controller.enqueue(chunks[i++]);
            else controller.close();
          },
        }),
      )) as unknown as typeof fetch;
    const result = fetchWatched('/x', { stallMs: 5_000, fetch: slow });
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await result).size).toBe(24);
  });

  it('passes on an HTTP error as such', async () => {
    const { impl } = fakeFetch([], { status: 404 });
    await expect(fetchWatched('/x', { stallMs: 1000, fetch: impl })).rejects.toThrow('HTTP 404');
  });
});
