/**
 * The one ffmpeg.wasm instance of a worker, loaded on first use: the core (GPL, bundles x264) is
 * self-hosted under <app>/ffmpeg/ and only fetched when a file needs it.
 */
import { FFFSType, FFmpeg } from '@ffmpeg/ffmpeg';
// ffmpeg.wasm starts its own module worker; Vite must bundle that worker for us to load it by URL.
import ffmpegWorkerUrl from '@ffmpeg/ffmpeg/worker?worker&url';

/** Raw RGBA frames held at once when decoding or encoding through ffmpeg.wasm, which cannot stream. */
export const RAW_CHUNK_BYTES = 64 * 1024 * 1024;

let loading: Promise<FFmpeg> | null = null;

export function loadFfmpeg(appRoot: string): Promise<FFmpeg> {
  loading ??= (async () => {
    const ffmpeg = new FFmpeg();
    await ffmpeg.load({
      classWorkerURL: new URL(ffmpegWorkerUrl, self.location.href).href,
      coreURL: new URL('ffmpeg/ffmpeg-core.js', appRoot).href,
      wasmURL: new URL('ffmpeg/ffmpeg-core.wasm', appRoot).href,
    });
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
  const current = loading;
  loading = null;
  const ffmpeg = await current?.catch(() => null);
  ffmpeg?.terminate();
}

/** Runs ffmpeg and returns its exit code and everything it printed. */
export async function runFfmpeg(ffmpeg: FFmpeg, args: string[]): Promise<{ code: number; log: string }> {
  const lines: string[] = [];
  const onLog = ({ message }: { message: string }) => lines.push(message);
  ffmpeg.on('log', onLog);
  try {
    const code = await ffmpeg.exec(['-hide_banner', '-nostdin', ...args]);
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
export async function mountFile(ffmpeg: FFmpeg, file: Blob, name: string, mountPoint: string): Promise<string> {
  const extension = /\.[a-z0-9]{1,5}$/i.exec(name)?.[0] ?? '';
  await ffmpeg.createDir(mountPoint).catch(() => undefined); // exists from an earlier job
  await ffmpeg.mount(FFFSType.WORKERFS, { files: [new File([file], `source${extension}`)] }, mountPoint);
  return `${mountPoint}/source${extension}`;
}
