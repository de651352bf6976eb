/**
 * Streams one catalogue file from its pinned URL into a sink (OPFS file or memory), hashing each
 * chunk as it passes (hash-wasm's incremental SHA-256), so a file is never held twice in memory.
 * A connection cut midway is resumed with an HTTP Range request from the bytes already stored;
 * a server that answers 200 instead of 206 makes it restart cleanly from zero. A connection that
 * goes silent (no response, or no next chunk, for `stallMs`) is aborted and resumed the same way,
 * instead of waiting as long as the browser does (minutes, or forever). Runs in the page and in
 * workers (fetch + WebAssembly only).
 */
import { createSHA256, type IHasher } from 'hash-wasm';
import { CancelledError, isCancelled, UserError } from '../lib/errors';
import { StalledError } from '../lib/fetch-watched';
import type { ModelFile } from './registry';

/** Where a file's bytes go. A sink may already hold a partial file from an earlier, cut attempt. */
export interface FileSink {
  /** Bytes already stored (0 for a new file). */
  size(): Promise<number>;
  /** The stored bytes, in order, so a resumed download can hash them again. */
  read(): AsyncIterable<Uint8Array>;
  write(chunk: Uint8Array): Promise<void>;
  /** Drops everything stored: the next byte written is byte 0. */
  truncate(): Promise<void>;
  /** The file is complete and verified: make it the stored file. */
  commit(): Promise<void>;
  /** Keeps what was stored so far for a later resume (cut or cancelled). */
  suspend(): Promise<void>;
  /** Removes the partial file and everything written. */
  discard(): Promise<void>;
}

export interface FileDownloadOptions {
  signal?: AbortSignal;
  /** Bytes of this file stored so far (including bytes resumed from an earlier attempt). */
  onBytes?: (stored: number) => void;
  /** Attempts after a cut connection (each resumes where the last stopped). */
  retries?: number;
  retryDelayMs?: number;
  /** A request that receives nothing (no response, then no next chunk) for this long counts as cut. */
  stallMs?: number;
  fetch?: typeof fetch;
}

/** Long enough for a slow mobile link to deliver a chunk, short enough that a dead one is noticed. */
export const DOWNLOAD_STALL_MS = 30_000;

/** The storage is full (QuotaExceededError). The UI offers to run from memory this time. */
export class StorageFullError extends UserError {
  constructor(
    readonly needed: number,
    options?: { cause?: unknown },
  ) {
    super(
      `There is not enough storage space on this device to keep this model (${(needed / (1024 * 1024)).toFixed(1)} MB). ` +
        'Free some space (or delete other models), or choose "Run from memory this time" in "Models on this device": it is then downloaded into memory whenever a task needs it, and not kept.',
      options,
    );
    this.name = 'StorageFullError';
  }
}

export function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException
    ? error.name === 'QuotaExceededError' || error.code === 22
    : error instanceof Error && error.name === 'QuotaExceededError';
}

/** Bytes [start, end] of `total` from a Content-Range header, or null when absent or unreadable. */
export function parseContentRange(header: string | null): { start: number; end: number; total: number | null } | null {
  const match = header ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!match) return null;
  return { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? null : Number(match[3]) };
}

/** Statistics of one finished file download, for tests and the UI. */
export interface FileDownloadReport {
  requests: number;
  /** Requests answered 206 (resumed with Range). */
  resumed: number;
  /** Times the download started again from zero (server ignored Range, or stored bytes were unusable). */
  restarts: number;
}

const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new CancelledError())), { once: true });
  });

function cutError(file: ModelFile, stored: number, cause: unknown): UserError {
  const why =
    cause instanceof StalledError
      ? `nothing arrived for ${cause.stallMs < 1000 ? `${cause.stallMs} ms` : `${Math.round(cause.stallMs / 1000)} s`}. Check the connection and try again`
      : 'the connection was lost. Try again';
  return new UserError(`The download of ${file.path} stopped at ${stored} of ${file.bytes} bytes: ${why}; it resumes where it stopped.`, { cause });
}

/**
 * One request's abort controller: aborted by the caller's signal, or by a timer when a wait on the
 * network (response headers, next chunk) lasts `stallMs`. The timer runs only during those waits,
 * so a slow sink write is never taken for a stall. `wait` also stops waiting on a fetch or read
 * that ignores the abort.
 */
function watchRequest(signal: AbortSignal | undefined, stallMs: number, stored: () => number) {
  const controller = new AbortController();
  const cancel = () => controller.abort(signal?.reason);
  if (signal?.aborted) cancel();
  else signal?.addEventListener('abort', cancel, { once: true });
  const stop = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
  stop.catch(() => undefined); // may reject while nothing waits on it (a cancel between two reads)
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled: StalledError | null = null;
  return {
    signal: controller.signal,
    /** Set when the timer aborted the request (so an AbortError from it is not a user cancel). */
    stalled: () => stalled,
    async wait<T>(step: Promise<T>): Promise<T> {
      clearTimeout(timer);
      if (stallMs > 0 && Number.isFinite(stallMs)) {
        timer = setTimeout(() => {
          stalled = new StalledError(stored(), stallMs);
          controller.abort(stalled);
        }, stallMs);
      }
      try {
        return await Promise.race([step, stop]);
      } finally {
        clearTimeout(timer);
      }
    },
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    },
  };
}

export async function downloadFile(file: ModelFile, sink: FileSink, options: FileDownloadOptions = {}): Promise<FileDownloadReport> {
  const { signal, retries = 4, retryDelayMs = 500, stallMs = DOWNLOAD_STALL_MS } = options;
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const report: FileDownloadReport = { requests: 0, resumed: 0, restarts: 0 };
  let hasher: IHasher | undefined;
  let stored = 0;
  let request: ReturnType<typeof watchRequest> | undefined;
  const restart = async () => {
    await sink.truncate();
    hasher!.init();
    stored = 0;
    report.restarts++;
    options.onBytes?.(0);
  };
  try {
    hasher = await createSHA256();
    hasher.init();
    stored = await sink.size();
    if (stored > file.bytes) await restart();
    else if (stored > 0) for await (const chunk of sink.read()) hasher.update(chunk); // resume: hash what is already here
    options.onBytes?.(stored);
    let failures = 0;
    while (stored < file.bytes) {
      if (signal?.aborted) throw new CancelledError();
      const resuming = stored > 0;
      request?.dispose(); // each request has its own watch; the last one is disposed of in `finally`
      request = watchRequest(signal, stallMs, () => stored);
      let response: Response;
      try {
        report.requests++;
        response = await request.wait(
          doFetch(file.url, {
            signal: request.signal,
            credentials: 'omit',
            cache: 'no-store',
            headers: resuming ? { Range: `bytes=${stored}-` } : {},
          }),
        );
      } catch (error) {
        // The caller's cancel wins over a stall that fired just before it.
        if (signal?.aborted || (isCancelled(error) && !request.stalled())) throw new CancelledError();
        if (++failures > retries) throw cutError(file, stored, request.stalled() ?? error);
        await delay(retryDelayMs * failures, signal);
        continue;
      }
      if (resuming && response.status === 206) {
        // A server may send another range than asked; only the asked one can be appended.
        const range = parseContentRange(response.headers.get('Content-Range'));
        if (range && range.start !== stored) {
          await response.body?.cancel().catch(() => undefined);
          await restart();
          continue;
        }
        report.resumed++;
      } else if (response.status === 200) {
        if (resuming) await restart(); // the server ignored Range: start again from zero, cleanly
      } else if (response.status === 416 && resuming) {
        await restart();
        continue;
      } else {
        await response.body?.cancel().catch(() => undefined);
        throw new UserError(`Could not download ${file.path} (HTTP ${response.status}). Try again later.`);
      }
      if (!response.body) throw new UserError(`Could not download ${file.path}: the response had no body.`);
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await request.wait(reader.read());
          if (done) break;
          if (stored + value.byteLength > file.bytes) {
            throw new UserError(
              `${file.path} is larger than the ${file.bytes} bytes the manifest records, so it was refused: the file on the server is not the one the app was built for.`,
            );
          }
          hasher.update(value);
          await sink.write(value);
          stored += value.byteLength;
          options.onBytes?.(stored);
        }
      } catch (error) {
        void reader.cancel().catch(() => undefined);
        if (signal?.aborted || (isCancelled(error) && !request.stalled())) throw new CancelledError();
        if (error instanceof UserError || isQuotaError(error)) throw error;
        if (++failures > retries) throw cutError(file, stored, request.stalled() ?? error);
        await delay(retryDelayMs * failures, signal);
        continue; // the connection was cut or went silent: resume from `stored`
      }
      if (stored < file.bytes) {
        // The body ended early without an error (a proxy closing the connection): resume.
        if (++failures > retries) throw cutError(file, stored, new Error('response ended early'));
      }
    }
    const digest = hasher.digest('hex');
    if (digest !== file.sha256) {
      await sink.discard();
      throw new UserError(
        `${file.path} failed its integrity check (sha256 ${digest.slice(0, 12)}… instead of ${file.sha256.slice(0, 12)}…), so it was refused and removed. Try again; if it persists, the file on the server has changed.`,
      );
    }
    await sink.commit();
    return report;
  } catch (error) {
    if (isQuotaError(error)) {
      await sink.discard().catch(() => undefined);
      throw new StorageFullError(file.bytes, { cause: error });
    }
    if (!(error instanceof UserError && /integrity check/.test(error.message))) {
      // Cut, cancelled or refused: keep a partial that is a true prefix for a later resume; drop one that is not.
      if (error instanceof UserError && /larger than/.test(error.message)) await sink.discard().catch(() => undefined);
      else await sink.suspend().catch(() => undefined);
    }
    throw error;
  } finally {
    request?.dispose();
  }
}
