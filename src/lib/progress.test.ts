import { describe, expect, it } from 'vitest';
import { estimateProgress, formatDuration } from './progress';

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
});
