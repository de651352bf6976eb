import { describe, expect, it } from 'vitest';
import { estimateProgress, formatBytes, formatDuration } from './progress';

describe('progress', () => {
  it('estimates rate and time left from work done', () => {
    const p = estimateProgress(25, 100, 0, 5000);
    expect(p.fraction).toBe(0.25);
    expect(p.ratePerSecond).toBe(5);
    expect(p.etaSeconds).toBe(15);
  });
  it('has no estimate before any work is done', () => {
    expect(estimateProgress(0, 100, 0, 1000)).toEqual({ fraction: 0, ratePerSecond: null, etaSeconds: null });
  });
  it('formats durations for people', () => {
    expect([formatDuration(4.4), formatDuration(75), formatDuration(Infinity)]).toEqual(['4 s', '1 min 15 s', '']);
  });
  it('formats sizes for people', () => {
    expect([formatBytes(300), formatBytes(150_000), formatBytes(12.34 * 1024 * 1024)]).toEqual(['1 KB', '146 KB', '12.3 MB']);
  });
  it('gives frames per second and time left for a video job', () => {
    // 50 of 250 frames in 10 s: 5 fps, 40 s to go.
    const p = estimateProgress(50, 250, 1000, 11_000);
    expect([p.ratePerSecond, p.etaSeconds, p.fraction]).toEqual([5, 40, 0.2]);
  });
});
