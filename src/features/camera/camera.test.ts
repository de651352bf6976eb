import { describe, expect, it } from 'vitest';
import { AudioClock, ChunkBatcher } from './audio';
import { cameraFileName, liveStyles, timeStamp } from './state';
import { cameraErrorMessage, nextCamera, videoInputs } from './stream';

describe('camera errors', () => {
  it('say what happened and what to do, by the error name', () => {
    const refused = cameraErrorMessage(new DOMException('Permission denied', 'NotAllowedError'));
    expect(refused).toMatch(/^Permission to use the camera was refused\./);
    expect(refused).toMatch(/allow the camera for this site/);
    expect(cameraErrorMessage(new DOMException('Requested device not found', 'NotFoundError'))).toMatch(/^No camera was found on this device/);
    expect(cameraErrorMessage(new DOMException('Could not start video source', 'NotReadableError'))).toMatch(/busy/);
    expect(cameraErrorMessage(new DOMException('no', 'NotAllowedError'), 'microphone')).toMatch(/microphone was refused/);
    expect(cameraErrorMessage(new DOMException('none', 'NotFoundError'), 'microphone')).toMatch(/without sound/);
  });
});

describe('cameras', () => {
  const device = (kind: MediaDeviceKind, deviceId: string, label = '') => ({ kind, deviceId, label, groupId: '', toJSON: () => ({}) }) as MediaDeviceInfo;

  it('lists video inputs only, numbering those without a label', () => {
    const list = videoInputs([device('audioinput', 'm'), device('videoinput', 'f', 'Front camera'), device('videoinput', 'b')]);
    expect(list).toEqual([
      { deviceId: 'f', label: 'Front camera' },
      { deviceId: 'b', label: 'Camera 2' },
    ]);
  });

  it('switches to the next camera, wrapping, and offers no switch with one camera', () => {
    const two = [
      { deviceId: 'f', label: 'Front' },
      { deviceId: 'b', label: 'Back' },
    ];
    expect(nextCamera(two, 'f')?.deviceId).toBe('b');
    expect(nextCamera(two, 'b')?.deviceId).toBe('f');
    expect(nextCamera(two, undefined)?.deviceId).toBe('f');
    expect(nextCamera(two.slice(0, 1), 'f')).toBeNull();
  });
});

describe('file names', () => {
  const when = new Date(2026, 11, 2, 9, 5, 7);
  it('follow the app pattern <input>-<style>.<ext>, the input being camera-<local time>', () => {
    expect(timeStamp(when)).toBe('2026-12-02-090507');
    expect(cameraFileName(when, { mode: 'style', styleId: 'starry-night', colormap: 'turbo' }, 'png')).toBe('camera-2026-12-02-090507-starry-night.png');
    expect(cameraFileName(when, { mode: 'depth', styleId: 'starry-night', colormap: 'inferno' }, 'webm')).toBe('camera-2026-12-02-090507-depth-inferno.webm');
  });

  it('offers the realtime tier only', () => {
    expect(liveStyles.length).toBeGreaterThan(0);
    expect(liveStyles.every((m) => m.style?.tier === 'realtime')).toBe(true);
  });
});

describe('AudioClock', () => {
  it('lays microphone chunks end to end from the first one, whatever their delivery jitter', () => {
    const clock = new AudioClock(1000);
    // The first 480-sample chunk (10 ms at 48 kHz) arrives 60 ms after the recording started: it began 50 ms in.
    expect(clock.stamp(480, 48_000, 1060)).toBeCloseTo(0.05, 9);
    expect(clock.stamp(480, 48_000, 1100)).toBeCloseTo(0.06, 9); // late delivery: no gap
    expect(clock.stamp(480, 48_000, 1070)).toBeCloseTo(0.07, 9); // early delivery: no overlap
  });

  it('never stamps before the recording started', () => {
    expect(new AudioClock(1000).stamp(4800, 48_000, 1010)).toBe(0);
  });
});

describe('ChunkBatcher', () => {
  it('joins 10 ms chunks into 100 ms runs, channel by channel, stamped with the first one', () => {
    const sent: Array<{ data: Float32Array; timestamp: number }> = [];
    const batcher = new ChunkBatcher((chunk) => sent.push(chunk), 0.1);
    // Stereo, 480 frames each: channel 0 holds the chunk index, channel 1 its negative.
    for (let k = 0; k < 12; k++) {
      const data = new Float32Array(960);
      data.fill(k, 0, 480);
      data.fill(-k, 480);
      batcher.add({ data, channels: 2, sampleRate: 48_000, timestamp: k * 0.01 });
    }
    expect(sent).toHaveLength(1);
    const [run] = sent;
    expect(run.timestamp).toBe(0);
    expect(run.data.length).toBe(2 * 4800);
    expect([run.data[0], run.data[479], run.data[480], run.data[4799]]).toEqual([0, 0, 1, 9]);
    expect([run.data[4800], run.data[4800 + 480], run.data[9599]]).toEqual([-0, -1, -9]);
    batcher.flush(); // the last two chunks
    expect(sent).toHaveLength(2);
    expect(sent[1].timestamp).toBeCloseTo(0.1, 9);
    expect(sent[1].data.length).toBe(2 * 960);
    batcher.flush();
    expect(sent).toHaveLength(2); // nothing left
  });
});
