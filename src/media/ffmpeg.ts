/**
 * The one ffmpeg.wasm instance of a worker, loaded on first use: the core (GPL, bundles x264) is
 * self-hosted under <app>/ffmpeg/ and only fetched when a file needs it.
 */
import { FFFSType, FFmpeg } from '@ffmpeg/ffmpeg';
// ffmpeg.wasm starts its own module worker; Vite must bundle that worker for us to load it by URL.
import ffmpegWorkerUrl from '@ffmpeg/ffmpeg/worker?worker&url';
import { UserError } from '../lib/errors';
import { fetchWatched, StalledError } from '../lib/fetch-watched';

/** Raw RGBA frames held at once when decoding or encoding through ffmpeg.wasm, which cannot stream. */
export const RAW_CHUNK_BYTES = 64 * 1024 * 1024;

/**
 * How long ffmpeg.wasm may stay silent (no log line, no progress event) before it counts as hung and
 * is terminated. While it works, ffmpeg prints a stats line at least every 0.5 s between steps of its
 * main loop and a showinfo line per decoded frame, so silence only lasts as long as one step: reading
 * a header and probing the streams (`open`), or decoding / scaling / encoding one frame (`work`);
 * and a run's whole work is at most one raw chunk (RAW_CHUNK_BYTES). Measured here (2 shared cores,
 * load 4.4, the model running alongside) on 1 s of HEVC at 852x480 decoded and encoded through
 * ffmpeg.wasm: longest silence 5 ms while probing, 93 ms while decoding a chunk, 877 ms while x264
 * encoded a whole 25-frame chunk in 2.7 s. The bounds are 17-50 times that, room for a phone several
 * times slower on frames several times larger; a real hang is silent forever, so it is caught.
 */
export const STALL_MS = { open: 15_000, work: 45_000 } as const;

/** What a watched call does, for the sentence the user reads if ffmpeg.wasm stops responding in it. */
export interface Watch {
  stallMs: number;
  /** "reading "clip.avi"" / "encoding the video". */
  doing: string;
  /** What to do about it: "Try the original file, or re-save it as MP4." */
  advice: string;
}

let loading: Promise<FFmpeg> | null = null;
let current: FFmpeg | null = null;
/** Instances terminated because they stopped responding, with the error every later call on them gets. */
const hung = new WeakMap<FFmpeg, UserError>();

/**
 * How long the core's download may receive nothing before it is given up. Once downloaded it comes
 * from the service worker's cache, so this only matters online, the first time a video needs it.
 */
export const CORE_STALL_MS = 30_000;

/** The core's 31 MB of WebAssembly, fetched by us (watched) and handed to ffmpeg.wasm as a blob URL. */
async function fetchCore(url: string): Promise<Blob> {
  try {
    return await fetchWatched(url, { stallMs: CORE_STALL_MS, type: 'application/wasm' });
  } catch (error) {
    const why = error instanceof StalledError ? `the download stopped (${error.message})` : `it could not be downloaded (${error instanceof Error ? error.message : String(error)})`;
    throw new UserError(
      `This video needs the app's video decoder (ffmpeg.wasm, about 31 MB), and ${why}. Check the connection and open the video again; once downloaded, it is kept for offline use.`,
      { cause: error },
    );
  }
}

/**
 * How long starting the downloaded core may take: ffmpeg.wasm's worker compiles and instantiates
 * 32 MB (31 MiB) of WebAssembly and sends nothing meanwhile, so only a bound on the whole start can catch a
 * start that never ends (a browser out of memory, a worker that failed to load). V8 compiles the
 * 32 MB core in about 0.2 s here (Node 20's `WebAssembly.compile`, 2 shared cores beside a training
 * run; it compiles lazily); the bound leaves a slow phone's whole start hundreds of times that.
 */
export const CORE_START_MS = 60_000;

/** Starts `ffmpeg` on the core, within CORE_START_MS; a failed or hung start terminates it and says what to do. */
async function startCore(ffmpeg: FFmpeg, config: Parameters<FFmpeg['load']>[0]): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not start within ${CORE_START_MS / 1000} s`)), CORE_START_MS);
  });
  try {
    await Promise.race([ffmpeg.load(config), late]);
  } catch (error) {
    ffmpeg.terminate();
    const why = error instanceof Error ? error.message : String(error);
    throw new UserError(
      `The app's video decoder (ffmpeg.wasm) could not start: ${why}. The browser may be short of memory: close other tabs and open the video again.`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

export function loadFfmpeg(appRoot: string): Promise<FFmpeg> {
  loading ??= (async () => {
    const wasmURL = URL.createObjectURL(await fetchCore(new URL('ffmpeg/ffmpeg-core.wasm', appRoot).href));
    const ffmpeg = new FFmpeg();
    try {
      await startCore(ffmpeg, {
        classWorkerURL: new URL(ffmpegWorkerUrl, self.location.href).href,
        coreURL: new URL('ffmpeg/ffmpeg-core.js', appRoot).href,
        wasmURL,
      });
    } finally {
      URL.revokeObjectURL(wasmURL);
    }
    current = ffmpeg;
    return ffmpeg;
  })();
  loading.catch(() => (loading = null));
  return loading;
}

/**
 * Drops this worker's ffmpeg.wasm instance after its core crashed (a damaged file can make it trap
 * with "memory access out of bounds"): a crashed core is not reused, the next file gets a fresh one.
 */
export async function resetFfmpeg(): Promise<void> {
  const pending = loading;
  loading = null;
  current = null;
  const ffmpeg = await pending?.catch(() => null);
  ffmpeg?.terminate();
}

/** Terminates `ffmpeg` (its worker and every call in flight); the next loadFfmpeg starts a fresh core. */
function drop(ffmpeg: FFmpeg): void {
  if (current === ffmpeg) {
    loading = null;
    current = null;
  }
  ffmpeg.terminate();
}

/**
 * Runs `call` on `ffmpeg` and waits for it only while ffmpeg.wasm shows signs of life: if its worker
 * sends nothing (log or progress) for `watch.stallMs`, the instance is terminated, so the next file
 * gets a fresh core, and the call fails with a sentence for the user. Every call in flight on the
 * same instance hears the same events, so a call queued behind a busy one is not taken for hung.
 *
 * ffmpeg.wasm's own `exec(args, timeout)` is no substitute: it is a limit on the whole run, checked
 * only between steps of ffmpeg's main loop (never while it probes a file, nor inside one decoder
 * call, where a damaged file hangs it), and it ends the run with exit code 1 like any failure. Only
 * terminating the worker from outside is sure to end a hang.
 */
export function watched<T>(ffmpeg: FFmpeg, call: () => Promise<T>, watch: Watch): Promise<T> {
  const earlier = hung.get(ffmpeg);
  if (earlier) return Promise.reject(earlier);
  return new Promise<T>((resolve, reject) => {
    let heard = Date.now();
    const hear = () => (heard = Date.now());
    const stop = () => {
      clearInterval(timer);
      ffmpeg.off('log', hear);
      ffmpeg.off('progress', hear);
    };
    const timer = setInterval(() => {
      if (Date.now() - heard < watch.stallMs) return;
      stop();
      const error = new UserError(
        `ffmpeg.wasm stopped responding while ${watch.doing} (nothing for ${Math.round(watch.stallMs / 1000)} s), so it was stopped. ${watch.advice}`,
      );
      hung.set(ffmpeg, error);
      drop(ffmpeg);
      reject(error);
    }, Math.max(10, Math.min(1000, watch.stallMs / 10)));
    ffmpeg.on('log', hear);
    ffmpeg.on('progress', hear);
    call().then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(hung.get(ffmpeg) ?? error);
      },
    );
  });
}

/** Whether `error` is the one a watched call failed with because ffmpeg.wasm stopped responding. */
export function isFfmpegHang(ffmpeg: FFmpeg, error: unknown): boolean {
  return error !== undefined && hung.get(ffmpeg) === error;
}

/** Runs ffmpeg and returns its exit code and everything it printed, within `watch` (see watched()). */
export async function runFfmpeg(ffmpeg: FFmpeg, args: string[], watch: Watch): Promise<{ code: number; log: string }> {
  const lines: string[] = [];
  const onLog = ({ message }: { message: string }) => lines.push(message);
  ffmpeg.on('log', onLog);
  try {
    const code = await watched(ffmpeg, () => ffmpeg.exec(['-hide_banner', '-nostdin', ...args]), watch);
    return { code, log: lines.join('\n') };
  } finally {
    ffmpeg.off('log', onLog);
  }
}

export function lastLine(log: string): string {
  return log.trim().split('\n').pop() ?? 'no output';
}

/**
 * Makes `file` readable at the returned path. WORKERFS reads it in place, on demand: a long video is
 * never copied into WASM memory.
 */
export async function mountFile(ffmpeg: FFmpeg, file: Blob, name: string, mountPoint: string, watch: Watch): Promise<string> {
  const extension = /\.[a-z0-9]{1,5}$/i.exec(name)?.[0] ?? '';
  await watched(ffmpeg, () => ffmpeg.createDir(mountPoint), watch).catch((error: unknown) => {
    if (isFfmpegHang(ffmpeg, error)) throw error; // else it exists from an earlier job
  });
  await watched(ffmpeg, () => ffmpeg.mount(FFFSType.WORKERFS, { files: [new File([file], `source${extension}`)] }, mountPoint), watch);
  return `${mountPoint}/source${extension}`;
}
