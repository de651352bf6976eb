import { describe, expect, it } from 'vitest';
import { describeEstimate, estimateSeconds } from './estimate';

describe('Best quality video estimate', () => {
  it('is frames x (model + the rest of the pipeline) per frame', () => {
    expect(estimateSeconds(250, { modelMillis: 700, overheadMillis: 100 })).toBeCloseTo(200, 6);
    expect(estimateSeconds(25, { modelMillis: 5000, overheadMillis: 120 })).toBeCloseTo(128, 6);
  });

  it('adds the once-per-job setup (open, index, first decode)', () => {
    expect(estimateSeconds(10, { modelMillis: 1000, overheadMillis: 0, setupMillis: 2500 })).toBeCloseTo(12.5, 6);
    expect(describeEstimate(10, { modelMillis: 1000, overheadMillis: 0, setupMillis: 2500 })).toBe('About 13 s for 10 frames (1.0 s a frame)');
  });

  it('is zero for no frames and never negative', () => {
    expect(estimateSeconds(0, { modelMillis: 700, overheadMillis: 100 })).toBe(0);
    expect(estimateSeconds(Number.NaN, { modelMillis: 700, overheadMillis: 100 })).toBe(0);
    expect(estimateSeconds(10, { modelMillis: -5, overheadMillis: 20 })).toBeCloseTo(0.2, 6);
  });

  it('reads as minutes and seconds, with the frame count and the time per frame', () => {
    expect(describeEstimate(250, { modelMillis: 700, overheadMillis: 100 })).toBe('About 3 min 20 s for 250 frames (0.8 s a frame)');
    expect(describeEstimate(1, { modelMillis: 12_000, overheadMillis: 400 })).toBe('About 12 s for 1 frame (12 s a frame)');
    expect(describeEstimate(8, { modelMillis: 20, overheadMillis: 10 })).toBe('About 1 s for 8 frames (0.0 s a frame)');
  });
});
