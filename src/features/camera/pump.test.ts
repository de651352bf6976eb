import { describe, expect, it } from 'vitest';
import { FpsMeter, FramePump, processingSize } from './pump';

describe('FramePump', () => {
  it('keeps one frame in flight and drops (never queues) frames offered meanwhile', async () => {
    const releases: Array<() => void> = [];
    let started = 0;
    const pump = new FramePump(() => {
      started++;
      return new Promise<void>((resolve) => releases.push(resolve));
    });
    const first = pump.offer();
    expect(first).not.toBeNull();
    expect(pump.offer()).toBeNull();
    expect(pump.offer()).toBeNull();
    expect(started).toBe(1);
    releases[0]();
    await first;
    expect([pump.offered, pump.painted, pump.dropped]).toEqual([3, 1, 2]);
    // Nothing was queued: the next offer starts the next frame, and only then.
    expect(started).toBe(1);
    const second = pump.offer();
    expect(started).toBe(2);
    releases[1]();
    await second;
    expect(pump.inFlight).toBe(false);
  });

  it('frees the slot when a frame fails, and passes the failure on', async () => {
    const pump = new FramePump(() => Promise.reject(new Error('model failed')));
    await expect(pump.offer()).rejects.toThrow('model failed');
    expect(pump.inFlight).toBe(false);
    const again = pump.offer();
    expect(again).not.toBeNull();
    await again?.catch(() => undefined);
  });
});

describe('FpsMeter', () => {
  it('counts frames per second over the window', () => {
    const meter = new FpsMeter(2000);
    expect(meter.value(0)).toBe(0);
    for (let t = 0; t <= 3000; t += 100) meter.tick(t); // 10 fps
    expect(meter.value(3000)).toBeCloseTo(10, 5);
  });

  it('reads a slow device from its last two frames, and 0 once the stream stalls', () => {
    const meter = new FpsMeter(2000, 10_000);
    meter.tick(0);
    meter.tick(2500); // 0.4 fps: never two frames inside 2 s
    expect(meter.value(3000)).toBeCloseTo(0.4, 5);
    expect(meter.value(20_000)).toBe(0);
    meter.reset();
    expect(meter.value(20_000)).toBe(0);
  });
});

describe('processingSize', () => {
  it('fits the long side, keeps the aspect, and gives sides the model and encoders accept', () => {
    expect(processingSize(320, 180, 256)).toEqual({ width: 256, height: 144 });
    expect(processingSize(640, 480, 384)).toEqual({ width: 384, height: 288 });
    expect(processingSize(480, 640, 256)).toEqual({ width: 192, height: 256 });
    // 1280x720 at 384: 216 is a multiple of 4 (and even).
    expect(processingSize(1280, 720, 384)).toEqual({ width: 384, height: 216 });
    // A camera smaller than the side is not scaled up, only rounded to the nearest multiple of 4.
    expect(processingSize(202, 101, 512)).toEqual({ width: 204, height: 100 });
    // A model with stride 3 still gets even sides (6).
    const odd = processingSize(320, 180, 256, 3);
    expect(odd.width % 6).toBe(0);
    expect(odd.height % 6).toBe(0);
  });
});
