import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { endAudioAt } from './pipeline';

const dir = mkdtempSync(path.join(tmpdir(), 'end-audio-'));
afterAll(() => rmSync(dir, { recursive: true }));

function probe(file: string) {
  const json = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
  const { streams, format } = JSON.parse(json) as { streams: { codec_type: string; nb_read_frames: string; duration?: string }[]; format: { duration: string } };
  return {
    frames: Number(streams.find((s) => s.codec_type === 'video')?.nb_read_frames),
    audio: Number(streams.find((s) => s.codec_type === 'audio')?.duration ?? 0),
    duration: Number(format.duration),
  };
}

describe('endAudioAt: a partial result ends its audio with its last frame', () => {
  // Node has no VideoEncoder/AudioEncoder: this passes only if the packets are copied, not re-encoded.
  it('remuxes a 2 s MP4 with 2 s of AAC to 1 s: the frames kept, the audio cut, nothing re-encoded', async () => {
    const file = path.join(dir, 'whole.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=24:d=1', '-f', 'lavfi', '-i', 'sine=d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '32k', '-y', file]);
    expect(probe(file)).toMatchObject({ frames: 24 });
    expect(probe(file).duration).toBeGreaterThan(1.9);
    const blob = new Blob([readFileSync(file)], { type: 'video/mp4' });
    const cut = await endAudioAt({ blob, codec: 'avc', frames: 24, hasAudio: true }, 1);
    expect(cut.blob).not.toBe(blob);
    const out = path.join(dir, 'cut.mp4');
    writeFileSync(out, new Uint8Array(await cut.blob.arrayBuffer()));
    const facts = probe(out);
    expect(facts.frames).toBe(24);
    expect(facts.duration).toBeGreaterThan(0.95);
    expect(facts.duration).toBeLessThan(1.1);
    expect(facts.audio).toBeLessThan(1.1);
  });

  it('leaves a GIF or a silent result as it is', async () => {
    const blob = new Blob([new Uint8Array(4)]);
    expect((await endAudioAt({ blob, codec: 'gif', frames: 1, hasAudio: false }, 1)).blob).toBe(blob);
    expect((await endAudioAt({ blob, codec: 'avc', frames: 1, hasAudio: false }, 1)).blob).toBe(blob);
  });
});
