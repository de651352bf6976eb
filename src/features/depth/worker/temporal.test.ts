import { describe, expect, it } from 'vitest';
import { finiteRange, normalise } from '../postprocess';
import { flicker, FrameChangeMeter, greyLevels, meanFrameChange, quantiles, RangeChangeMeter, TemporalRange } from './temporal';

describe('quantiles', () => {
  it('interpolates between sorted values and skips NaN', () => {
    const data = Float32Array.from([5, NaN, 1, 4, 2, 3]);
    expect(quantiles(data, [0, 0.5, 1, 0.25])).toEqual([1, 3, 5, 2]);
  });
});

describe('TemporalRange', () => {
  it('starts at the first frame\'s percentiles, widens fast and narrows slowly', () => {
    const ramp = (lo: number, hi: number) => Float32Array.from({ length: 1001 }, (_, i) => lo + ((hi - lo) * i) / 1000);
    const range = new TemporalRange({ lowQuantile: 0, highQuantile: 1 });
    expect(range.update(ramp(0, 1))).toEqual({ min: 0, max: 1 });
    const wider = range.update(ramp(0, 3)); // max gap 2, closed by half
    expect(wider.max).toBeCloseTo(2, 6);
    const narrower = range.update(ramp(0, 1)); // gap -1, closed by 5 %
    expect(narrower.max).toBeCloseTo(1.95, 6);
    range.reset();
    expect(range.update(ramp(0.5, 0.7))).toEqual({ min: 0.5, max: expect.closeTo(0.7, 6) });
  });
});

/**
 * A still camera on a still scene (a far-to-near gradient), with a near object (10 % of the frame)
 * that the model sees in some frames and misses in others: what makes per-frame min-max pump.
 */
function flickeringScene(frames = 40, width = 64, height = 48) {
  const depth: Float32Array[] = [];
  const grey: Float32Array[] = [];
  for (let f = 0; f < frames; f++) {
    const d = new Float32Array(width * height);
    const g = new Float32Array(width * height);
    const objectHere = f >= 10 && f < 30 && f % 3 !== 0;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const inObject = x < 20 && y < 16;
        d[i] = 0.2 + 0.4 * (y / (height - 1)); // background: inverse depth 0.2 (top, far) .. 0.6 (bottom)
        g[i] = 0.3 + 0.2 * (x / (width - 1)) + 0.1 * Math.sin(y);
        if (inObject && objectHere) {
          d[i] = 1.2;
          g[i] = 0.9;
        }
      }
    depth.push(d);
    grey.push(g);
  }
  return { depth, grey };
}

describe('flicker', () => {
  it('is lower with the running range than with per-frame min-max, on a scene that pumps', () => {
    const { depth, grey } = flickeringScene();
    const perFrame = flicker(depth.map((d) => normalise(d)), grey);
    const running = new TemporalRange();
    const stable = flicker(depth.map((d) => normalise(d, running.update(d))), grey);
    expect(perFrame.inputChange).toBeGreaterThan(0);
    expect(perFrame.ratio).toBeGreaterThan(0);
    // Per frame, the whole background changes colour whenever the object blinks; the running range
    // moves only a little after it first widened.
    expect(stable.ratio).toBeLessThan(perFrame.ratio * 0.5);
    expect(stable.inputChange).toBe(perFrame.inputChange);
  });

  it('is 0 for a still video and Infinity when only the depth changes', () => {
    const a = Float32Array.from([0, 0.5, 1]);
    const b = Float32Array.from([0.1, 0.5, 1]);
    expect(flicker([a, a, a], [a, a, a])).toEqual({ depthChange: 0, inputChange: 0, ratio: 0 });
    expect(flicker([a, b], [a, a]).ratio).toBe(Infinity);
    expect(meanFrameChange([a, b, a])).toBeCloseTo(0.1 / 3, 6);
    expect(() => meanFrameChange([a, new Float32Array(2)])).toThrow(/frame 1/);
  });
});

describe('FrameChangeMeter', () => {
  it('measures a stream the way meanFrameChange measures the whole list', () => {
    const frames = [0, 1, 2, 3, 4].map((f) => Float32Array.from({ length: 50 }, (_, i) => Math.sin(i * 0.3 + f * f)));
    const meter = new FrameChangeMeter();
    for (const f of frames) meter.add(f);
    expect(meter.value).toBeCloseTo(meanFrameChange(frames), 6);
    expect(new FrameChangeMeter().value).toBe(0);
  });

  it('greyLevels: white is 1, black 0, pure green 0.7152', () => {
    const image = { data: Uint8ClampedArray.from([255, 255, 255, 255, 0, 0, 0, 255, 0, 255, 0, 255]), width: 3, height: 1 };
    const grey = greyLevels(image);
    expect(grey[0]).toBeCloseTo(1, 6);
    expect(grey[1]).toBe(0);
    expect(grey[2]).toBeCloseTo(0.7152, 6);
  });
});

describe('RangeChangeMeter', () => {
  it('averages the range\'s relative movement per frame pair', () => {
    const meter = new RangeChangeMeter();
    meter.add({ min: 0, max: 1 });
    meter.add({ min: 0, max: 2 }); // moved 1 on a span of 2: 0.5
    meter.add({ min: 0, max: 2 }); // still: 0
    expect(meter.value).toBeCloseTo(0.25, 9);
  });

  it('sees per-frame min-max jitter far more than the running range on the blinking scene', () => {
    const { depth } = flickeringScene();
    const perFrame = new RangeChangeMeter();
    const stable = new RangeChangeMeter();
    const running = new TemporalRange();
    for (const d of depth) {
      perFrame.add(finiteRange(d));
      stable.add(running.update(d));
    }
    expect(stable.value).toBeLessThan(perFrame.value * 0.5);
  });
});
