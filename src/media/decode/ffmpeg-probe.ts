/** Reads what `ffmpeg -i <file>` prints about a file: the only probe ffmpeg.wasm offers. Pure, for tests. */
export interface FfmpegProbe {
  duration: number;
  /** Timestamp the container starts at (MPEG-TS rarely starts at 0). */
  start: number;
  /** Upright display size: rotation applied, non-square pixels made square. */
  width: number;
  height: number;
  fps: number;
  hasAudio: boolean;
  audioTracks: number;
}

function seconds(hms: string): number {
  const [h, m, s] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + s;
}

/** Returns null when the log shows no decodable video stream (damaged, truncated, or not a video). */
export function parseFfmpegProbe(log: string): FfmpegProbe | null {
  const video = /Stream #\d+:\d+.*?: Video: [^\n]*?(\d{2,5})x(\d{2,5})(?: \[SAR (\d+):(\d+) DAR \d+:\d+\])?[^\n]*/.exec(log);
  const duration = /Duration: (\d+:\d+:[\d.]+)/.exec(log);
  if (!video || !duration) return null;
  const fps = /([\d.]+) (?:fps|tbr)/.exec(video[0]);
  const rotation = /rotation of (-?[\d.]+) degrees/.exec(log);
  const start = /start: (-?[\d.]+)/.exec(log);
  const [codedWidth, codedHeight] = [Number(video[1]), Number(video[2])];
  const sar = video[3] && Number(video[4]) > 0 ? Number(video[3]) / Number(video[4]) : 1;
  const squareWidth = Math.round(codedWidth * (sar > 0 ? sar : 1));
  const quarterTurn = rotation ? Math.abs(Math.round(Number(rotation[1]) / 90)) % 2 === 1 : false;
  return {
    duration: seconds(duration[1]),
    start: start ? Number(start[1]) : 0,
    width: quarterTurn ? codedHeight : squareWidth,
    height: quarterTurn ? squareWidth : codedHeight,
    fps: fps ? Number(fps[1]) : 25,
    hasAudio: /Stream #\d+:\d+.*?: Audio: /.test(log),
    audioTracks: log.match(/Stream #\d+:\d+.*?: Audio: /g)?.length ?? 0,
  };
}

/** The FourCC or name of a video stream ffmpeg found but has no decoder for ("Video: none (QQQQ / 0x...)"), or null. */
export function unknownVideoCodec(log: string): string | null {
  const match = /Stream #\d+:\d+.*?: Video: none(?: \(([^\s/)]+))?/.exec(log);
  return match ? (match[1] ?? 'unknown') : null;
}

/** True when ffmpeg found audio streams and no video stream at all. */
export function audioOnly(log: string): boolean {
  return /Stream #\d+:\d+.*?: Audio: /.test(log) && !/Stream #\d+:\d+.*?: Video: /.test(log);
}

/**
 * A header whose duration claims more frames than the file has bytes cannot be right (every coded
 * frame takes at least a byte): a damaged AVI header said 429496730 s for 85 KB holding 0.8 s, and
 * the job bar then counted "frame 3 of 4294967298". Such a duration is measured instead (demuxArgs).
 */
export function implausibleDuration(probe: Pick<FfmpegProbe, 'duration' | 'fps'>, fileBytes: number): boolean {
  return probe.duration * probe.fps > Math.max(fileBytes, 1);
}

/** Arguments that read every packet of the first video stream without decoding it (fast even for long files). */
export function demuxArgs(path: string): string[] {
  return ['-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-'];
}

/** The time ffmpeg's last progress report reached ("time=00:00:00.80"), or null when it printed none. */
export function parseReportedTime(log: string): number | null {
  const times = [...log.matchAll(/\btime=(\d+:\d+:[\d.]+)/g)];
  if (times.length === 0) return null;
  const value = seconds(times[times.length - 1][1]);
  return Number.isFinite(value) ? value : null;
}

/** Frame start times (source timeline) from the `showinfo` filter's lines. */
export function parseShowinfoTimes(log: string): number[] {
  return [...log.matchAll(/\bn:\s*\d+ pts:\s*-?\d+\s+pts_time:(-?[\d.]+)/g)].map((m) => Number(m[1]));
}

/** Seeking (-ss) only pays off this far in, and near the start it can lose frames (see below). */
const SEEK_FROM_SECONDS = 2;

/**
 * The [from, to) pieces (seconds from the first frame) a trim is decoded in. The last piece of an
 * untrimmed video stays open: frames may run a little past the reported duration.
 */
export function planChunks(trim: { start: number; end: number }, duration: number, chunkSeconds: number): Array<{ from: number; to: number }> {
  return [...eachChunk(trim, duration, chunkSeconds)];
}

/** planChunks one piece at a time: a damaged header can claim 4e8 s, which as a list would fill memory. */
export function* eachChunk(trim: { start: number; end: number }, duration: number, chunkSeconds: number): Generator<{ from: number; to: number }> {
  const end = Math.min(trim.end, duration);
  for (let from = trim.start; from < end; from += chunkSeconds) {
    const last = from + chunkSeconds >= end;
    yield { from, to: last && trim.end === Infinity ? Infinity : Math.min(end, from + chunkSeconds) };
  }
}

export interface ChunkRequest {
  path: string;
  /** Time of the first decoded frame on ffmpeg's clock: the zero of every chunk. */
  origin: number;
  /** Seconds from the first frame, end exclusive; Infinity = to the end of the stream. */
  from: number;
  to: number;
  width: number;
  height: number;
  out: string;
  /** Seek with -ss; off for the retry when a seek yielded nothing. */
  seek: boolean;
}

/**
 * ffmpeg arguments that decode one chunk of frames as raw RGBA. Times are measured from the first
 * frame, not the container start: AVI stores no presentation times, so with B-frames ffmpeg puts
 * the first frame one or two frame durations late, and counting from the container start would
 * drop the last frames past the reported duration. An open end keeps every frame to the end.
 * -ss near the start of such a file loses frames (ffmpeg 5.1 returns none at all for -ss 0 on an
 * H.264 AVI with B-frames), so the first seconds are always decoded from the start.
 */
export function chunkDecodeArgs(c: ChunkRequest): string[] {
  const [a, b] = [c.origin + c.from, c.origin + c.to];
  const seek = c.seek && c.from >= SEEK_FROM_SECONDS;
  const range = Number.isFinite(b) ? `gte(t\\,${a})*lt(t\\,${b})` : `gte(t\\,${a})`;
  return [
    ...(seek ? ['-ss', String(a)] : []),
    ...(Number.isFinite(b) ? ['-t', String(b - (seek ? a : 0) + 1)] : []),
    '-copyts', '-i', c.path,
    '-an', '-sn', '-fps_mode', 'passthrough',
    '-vf', `select='${range}',showinfo,scale=${c.width}:${c.height}:flags=area,format=rgba`,
    '-f', 'rawvideo', '-y', c.out,
  ];
}
