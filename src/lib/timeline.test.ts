import { describe, expect, it } from 'vitest';
import { clampTrim, estimateGifBytes, gifFrameCount, GifTimeline, inTrim, WHOLE_VIDEO } from './timeline';

describe('trim', () => {
  it('takes frames that start inside [start, end)', () => {
    const trim = { start: 2, end: 4 };
    expect([1.96, 2, 3.96, 4].map((t) => inTrim(t, trim))).toEqual([false, true, true, false]);
    expect(inTrim(1e6, WHOLE_VIDEO)).toBe(true);
  });
  it('orders and clamps the ends, and falls back to the whole video when empty', () => {
    expect(clampTrim(4, 2, 10)).toEqual({ start: 2, end: 4 });
    expect(clampTrim(3, 3, 10)).toEqual(WHOLE_VIDEO);
  });
  it('leaves the end open at the end of the video, so a last frame starting there is kept', () => {
    expect(clampTrim(-1, 99, 10)).toEqual({ start: 0, end: Infinity });
    expect(clampTrim(2, 10, 10)).toEqual({ start: 2, end: Infinity });
    expect(inTrim(10, clampTrim(0, Infinity, 10))).toBe(true);
  });
  it('counts 250 frames of a 10 s, 25 fps clip and 50 in a 2 s trim', () => {
    const times = Array.from({ length: 250 }, (_, i) => i / 25);
    expect(times.filter((t) => inTrim(t, clampTrim(0, Infinity, 10))).length).toBe(250);
    expect(times.filter((t) => inTrim(t, { start: 2, end: 4 })).length).toBe(50);
  });
});

describe('GifTimeline', () => {
  it('keeps every frame at the source rate and sums delays to the exact duration', () => {
    const gif = new GifTimeline(0);
    const times = Array.from({ length: 30 }, (_, i) => i / 30); // 30 fps: 3.33 cs per frame
    const kept = times.filter((t) => gif.accept(t));
    expect(kept.length).toBe(30);
    const delays = kept.map((t, i) => gif.delayCs(t, kept[i + 1] ?? 1));
    expect(delays.reduce((a, b) => a + b, 0)).toBe(100);
    expect(new Set(delays)).toEqual(new Set([3, 4]));
  });
  it('drops frames down to the chosen rate', () => {
    const gif = new GifTimeline(10);
    const kept = Array.from({ length: 250 }, (_, i) => i / 25).filter((t) => gif.accept(t));
    expect(kept.length).toBe(100);
    expect(kept.length).toBe(gifFrameCount(250, 10, 10));
  });
  it('caps 60 fps sources at 50 fps, since browsers slow down shorter delays', () => {
    const gif = new GifTimeline(0);
    const kept = Array.from({ length: 60 }, (_, i) => i / 60).filter((t) => gif.accept(t));
    expect(kept.length).toBe(gifFrameCount(60, 1, 0));
    expect(kept.length).toBeLessThanOrEqual(50);
  });
  it('keeps variable frame timing', () => {
    const gif = new GifTimeline(0);
    const times = [0, 0.1, 0.5, 0.6];
    expect(times.every((t) => gif.accept(t))).toBe(true);
    expect(times.map((t, i) => gif.delayCs(t, times[i + 1] ?? 0.7))).toEqual([10, 40, 10, 10]);
  });
});

describe('estimateGifBytes', () => {
  it('grows with pixels and frames', () => {
    expect(estimateGifBytes(456, 256, 250)).toBeGreaterThan(estimateGifBytes(456, 256, 100));
    expect(estimateGifBytes(320, 180, 100)).toBeLessThan(estimateGifBytes(456, 256, 100));
    expect(estimateGifBytes(0, 0, 0)).toBe(0);
  });
});
