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
  };
}

/** Frame start times (source timeline) from the `showinfo` filter's lines. */
export function parseShowinfoTimes(log: string): number[] {
  return [...log.matchAll(/\bn:\s*\d+ pts:\s*-?\d+\s+pts_time:(-?[\d.]+)/g)].map((m) => Number(m[1]));
}
