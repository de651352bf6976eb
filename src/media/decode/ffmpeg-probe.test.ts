import { describe, expect, it } from 'vitest';
import { audioOnly, chunkDecodeArgs, demuxArgs, implausibleDuration, parseFfmpegProbe, parseReportedTime, parseShowinfoTimes, unknownVideoCodec } from './ffmpeg-probe';

const AVI = `Input #0, avi, from '/in/source.avi':
  Duration: 00:00:02.00, start: 0.000000, bitrate: 1090 kb/s
  Stream #0:0: Video: mpeg4 (Simple Profile) (FMP4 / 0x34504D46), yuv420p, 320x240 [SAR 1:1 DAR 4:3], 1011 kb/s, 25 fps, 25 tbr, 25 tbn
  Stream #0:1: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s
At least one output file must be specified`;

const ROTATED_MOV = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/in/source.mov':
  Duration: 00:00:10.01, start: 0.000000, bitrate: 592 kb/s
  Stream #0:0[0x1](und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv), 852x480 [SAR 640:639 DAR 16:9], 500 kb/s, 29.97 fps, 29.97 tbr, 90k tbn (default)
      Side data:
        displaymatrix: rotation of -90.00 degrees`;

describe('parseFfmpegProbe', () => {
  it('reads duration, size, frame rate and audio', () => {
    expect(parseFfmpegProbe(AVI)).toEqual({ duration: 2, start: 0, width: 320, height: 240, fps: 25, hasAudio: true, audioTracks: 1 });
  });
  it('makes pixels square and applies rotation', () => {
    expect(parseFfmpegProbe(ROTATED_MOV)).toEqual({ duration: 10.01, start: 0, width: 480, height: 853, fps: 29.97, hasAudio: false, audioTracks: 0 });
  });
  it('finds no video in a damaged file', () => {
    expect(parseFfmpegProbe("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] moov atom not found\n/in/x.mov: Invalid data found when processing input")).toBeNull();
  });
});

describe('parseShowinfoTimes', () => {
  it('reads each frame start time', () => {
    const log = `[Parsed_showinfo_1 @ 0x5] n:   0 pts:      0 pts_time:0       duration:      1 duration_time:0.04
[Parsed_showinfo_1 @ 0x5] config in time_base: 1/25, frame_rate: 25/1
[Parsed_showinfo_1 @ 0x5] n:   1 pts:      1 pts_time:0.04    duration:      1 duration_time:0.04`;
    expect(parseShowinfoTimes(log)).toEqual([0, 0.04]);
  });
});

describe('chunkDecodeArgs', () => {
  const base = { path: '/in/x.avi', origin: 0.08, width: 64, height: 48, out: '/o.rgba', seek: true };
  const selectOf = (args: string[]) => args[args.indexOf('-vf') + 1].split(',showinfo')[0];

  it('decodes the first seconds from the start, measured from the first frame', () => {
    const args = chunkDecodeArgs({ ...base, from: 0, to: 1 });
    expect(args).not.toContain('-ss');
    expect(selectOf(args)).toBe("select='gte(t\\,0.08)*lt(t\\,1.08)'");
  });
  it('seeks further in, and an open end keeps every frame to the end of the stream', () => {
    const args = chunkDecodeArgs({ ...base, from: 4, to: Infinity });
    expect(args.slice(0, 2)).toEqual(['-ss', '4.08']);
    expect(args).not.toContain('-t');
    expect(selectOf(args)).toBe("select='gte(t\\,4.08)'");
  });
  it('can be told not to seek (the retry when a seek found nothing)', () => {
    expect(chunkDecodeArgs({ ...base, from: 4, to: 6, seek: false })).not.toContain('-ss');
  });
});

describe('what ffmpeg cannot decode', () => {
  const UNKNOWN = `Input #0, avi, from '/in/source.avi':
  Duration: 00:00:01.00, start: 0.000000, bitrate: 926 kb/s
  Stream #0:0: Video: none (QQQQ / 0x51515151), none, 320x180, 906 kb/s, SAR 1:1 DAR 16:9, 50 fps, 50 tbr, 50 tbn`;
  const AUDIO = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/in/source.mp4':
  Duration: 00:00:01.02, start: 0.000000, bitrate: 39 kb/s
  Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 32 kb/s (default)`;

  it('names the FourCC of a video stream without a decoder', () => {
    expect(unknownVideoCodec(UNKNOWN)).toBe('QQQQ');
    expect(unknownVideoCodec(AVI)).toBeNull();
  });

  it('tells an audio-only file from a damaged video', () => {
    expect(audioOnly(AUDIO)).toBe(true);
    expect(audioOnly(AVI)).toBe(false);
    expect(audioOnly('')).toBe(false);
  });
});

// An 85 KB AVI whose header claims 2^32 - 1 frames (strh dwLength and avih dwTotalFrames patched), as printed by ffmpeg.
const BOGUS_AVI = `Input #0, avi, from '/in/source.avi':
  Metadata:
    software        : Lavf59.27.100
  Duration: 119304:38:49.50, start: 0.000000, bitrate: N/A
  Stream #0:0: Video: mpeg4 (Simple Profile) (FMP4 / 0x34504D46), yuv420p, 96x64 [SAR 1:1 DAR 3:2], 10 fps, 10 tbr, 10 tbn
  Stream #0:1: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s`;

describe('a header duration that cannot be right', () => {
  it('is one that claims more frames than the file has bytes', () => {
    const probe = parseFfmpegProbe(BOGUS_AVI)!;
    expect(probe.duration).toBeCloseTo(429496729.5, 1);
    expect(implausibleDuration(probe, 85_102)).toBe(true);
    // ski.mov-like: 10 s at 29.97 fps in 1.2 MB; a tiny 8-frame clip of 3 KB; a 0-byte Blob.
    expect(implausibleDuration({ duration: 10, fps: 29.97 }, 1_200_000)).toBe(false);
    expect(implausibleDuration({ duration: 0.8, fps: 10 }, 3_000)).toBe(false);
    expect(implausibleDuration({ duration: 2, fps: 25 }, 0)).toBe(true);
  });

  it('is measured from the last progress report of a stream copy of the video packets', () => {
    expect(demuxArgs('/in/source.avi')).toEqual(['-i', '/in/source.avi', '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-']);
    const log = `${BOGUS_AVI}
    creation_time   : 2024-01-01T00:00:00.000000Z
Stream mapping:
  Stream #0:0 -> #0:0 (copy)
frame=    1 fps=0.0 q=-1.0 size=N/A time=00:00:00.10 bitrate=N/A speed=1e+05x\rframe=    8 fps=0.0 q=-1.0 Lsize=N/A time=00:00:00.80 bitrate=N/A speed=5.06e+03x
video:3kB audio:0kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown`;
    expect(parseReportedTime(log)).toBeCloseTo(0.8, 6);
    expect(parseReportedTime('frame=    0 fps=0.0 q=-1.0 size=N/A time=N/A bitrate=N/A')).toBeNull();
    expect(parseReportedTime(BOGUS_AVI)).toBeNull();
    expect(parseReportedTime('time=01:02:03.50')).toBeCloseTo(3723.5, 6);
  });
});
