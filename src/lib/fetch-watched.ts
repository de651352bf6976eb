/**
 * Fetches a whole file while watching it: if nothing arrives (no response, then no bytes) for
 * `stallMs`, the request is aborted and the caller hears `StalledError`, instead of waiting on a
 * dead connection for as long as the browser does (minutes). Used for ffmpeg.wasm's 31 MB core,
 * fetched the first time a video needs it.
 */
export class StalledError extends Error {
  constructor(
    readonly received: number,
    readonly stallMs: number,
  ) {
    super(`nothing arrived for ${Math.round(stallMs / 1000)} s after ${received} bytes`);
    this.name = 'StalledError';
  }
}

export interface WatchedFetchOptions {
  stallMs: number;
  /** The Blob's type ("application/wasm" lets WebAssembly.instantiateStreaming take it). */
  type?: string;
  onBytes?: (received: number, total: number | null) => void;
  fetch?: typeof fetch;
}

export async function fetchWatched(url: string, options: WatchedFetchOptions): Promise<Blob> {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const controller = new AbortController();
  let received = 0;
  let stalled: StalledError | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = new StalledError(received, options.stallMs);
      controller.abort(stalled);
    }, options.stallMs);
  };
  arm();
  try {
    const response = await doFetch(url, { signal: controller.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    if (!response.body) return await response.blob();
    const length = Number(response.headers.get('Content-Length'));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    const chunks: Uint8Array[] = [];
    const reader = response.body.getReader();
    // A stalled read is abandoned by abort(); the race makes sure we stop waiting even if it is not.
    const stop = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
    for (;;) {
      arm();
      const { done, value } = await Promise.race([reader.read(), stop]);
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      options.onBytes?.(received, total);
    }
    return new Blob(chunks as BlobPart[], { type: options.type ?? response.headers.get('Content-Type') ?? '' });
  } catch (error) {
    throw stalled ?? error;
  } finally {
    clearTimeout(timer);
  }
}
