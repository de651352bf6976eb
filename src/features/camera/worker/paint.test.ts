/**
 * The live camera's per-frame painting in Node, with the project's stand-ins run by onnxruntime-node
 * through the runtime's ModelSession: the tiny style model blended at a strength, and live depth
 * (the Depth Anything stand-in: depth is a known linear function of the pixels) with its running
 * range across frames, reset when the model changes.
 */
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEPTH_STANDINS } from '../../../../scripts/make-depth-standins.mjs';
import { TEST_MODELS } from '../../../../scripts/make-test-models.mjs';
import type { Rgba } from '../../../lib/pixels';
import type { OrtModule } from '../../../runtime/ort';
import { ModelSession } from '../../../runtime/sessions';
import { colormapTable } from '../../depth/colormap';
import { bindDepthSession } from '../../depth/worker/estimate';
import { styleMeta } from '../../style/meta';
import { LiveDepth, LiveStyle, paintStyle } from './paint';

async function session(graph: Uint8Array): Promise<ModelSession> {
  const s = await ortNode.InferenceSession.create(graph);
  return new ModelSession(ortNode as unknown as OrtModule, s as never, 'wasm', 'test', graph.byteLength);
}

/** A camera frame: a horizontal ramp of `base` brightness, so the depth stand-in sees near (bright) and far (dark). */
function frame(width: number, height: number, base: number): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const v = Math.min(255, base + Math.round((x / (width - 1)) * 100));
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  return { data, width, height };
}

const model = { io: styleMeta.contract } as never;
let style: ModelSession;
let depth: ModelSession;

beforeAll(async () => {
  style = await session(TEST_MODELS['tiny-style.onnx']());
  depth = await session(DEPTH_STANDINS['depth-anything-standin.onnx']());
});

describe('paintStyle', () => {
  it('is the model at strength 1, the camera at 0, and the pixel-wise mix between', async () => {
    const input = frame(64, 36, 40);
    const full = await paintStyle(style, model, input, 1);
    const none = await paintStyle(style, model, input, 0);
    const half = await paintStyle(style, model, input, 0.5);
    expect([full.width, full.height]).toEqual([64, 36]);
    expect(none).toBe(input); // no run at all
    let changed = 0;
    for (let i = 0; i < input.data.length; i += 4) {
      for (let c = 0; c < 3; c++) {
        changed += Math.abs(full.data[i + c] - input.data[i + c]);
        expect(Math.abs(half.data[i + c] - (input.data[i + c] + full.data[i + c]) / 2)).toBeLessThanOrEqual(1);
      }
    }
    expect(changed / ((input.data.length / 4) * 3)).toBeGreaterThan(5); // the tiny model really changes the picture
  });
});

describe('LiveStyle (steady strokes)', () => {
  /** The ramp with fresh sensor-like noise (uniform ±6 levels) on every frame: a camera held still. */
  function noisy(seed: number): Rgba {
    const still = frame(64, 36, 40);
    let s = seed;
    const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 12;
    for (let i = 0; i < still.data.length; i += 4) for (let c = 0; c < 3; c++) still.data[i + c] += Math.round(next());
    return still;
  }
  const meanChange = (a: Rgba, b: Rgba) => {
    let sum = 0;
    for (let i = 0; i < a.data.length; i += 4) for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c] - b.data[i + c]);
    return sum / ((a.data.length / 4) * 3);
  };

  it('flickers less than painting each frame alone on a still, noisy camera, and is the plain painting with steady off or on its first frame', async () => {
    const frames = [1, 2, 3, 4, 5, 6].map(noisy);
    const live = new LiveStyle();
    const steady: Rgba[] = [];
    const plain: Rgba[] = [];
    for (const f of frames) {
      steady.push(await live.paint(style, model, f, 1, true));
      plain.push(await paintStyle(style, model, f, 1));
    }
    expect(steady[0].data).toEqual(plain[0].data); // nothing to keep yet
    let steadyFlicker = 0;
    let plainFlicker = 0;
    for (let t = 1; t < frames.length; t++) {
      steadyFlicker += meanChange(steady[t], steady[t - 1]);
      plainFlicker += meanChange(plain[t], plain[t - 1]);
    }
    expect(plainFlicker / 5).toBeGreaterThan(1); // the noise does reach the painted picture
    expect(steadyFlicker).toBeLessThan(0.6 * plainFlicker); // measured: 5.0 against 11.9 a frame
    // Steady off: each frame alone, exactly.
    const off = new LiveStyle();
    for (const f of frames) expect((await off.paint(style, model, f, 1, false)).data).toEqual((await paintStyle(style, model, f, 1)).data);
  });

  it('starts again for another style and takes a cut (a new scene) as it comes', async () => {
    const live = new LiveStyle();
    await live.paint(style, model, noisy(1), 1, true);
    const other = { io: styleMeta.contract, id: 'other-style' } as never;
    const switched = await live.paint(style, other, noisy(2), 1, true);
    expect(switched.data).toEqual((await paintStyle(style, other, noisy(2), 1)).data);
    const cut = frame(64, 36, 150); // a much brighter scene: every pixel changed far beyond the keep scale
    expect((await live.paint(style, other, cut, 1, true)).data).toEqual((await paintStyle(style, other, cut, 1)).data);
  });
});

describe('LiveDepth', () => {
  const names = () => bindDepthSession(depth, 'depth-anything');
  const turbo = colormapTable('turbo');
  const entry = (image: Rgba, x: number) => Array.from(image.data.subarray(x * 4, x * 4 + 3));

  it('paints the stand-in depth in the colour map at the frame size, near (bright) at the top of the map', async () => {
    const live = new LiveDepth();
    const out = await live.paint(depth, names(), 'depth-anything', 'a', frame(56, 28, 20), 'turbo');
    expect([out.width, out.height]).toEqual([56, 28]);
    // The stand-in's depth grows with brightness: the right edge is nearest (turbo's top), the left farthest (its bottom).
    expect(entry(out, 0)).toEqual(Array.from(turbo.subarray(0, 3)));
    expect(entry(out, 55)).toEqual(Array.from(turbo.subarray(255 * 3, 256 * 3)));
  });

  it('keeps the range across frames (a brighter frame does not jump to full scale), and restarts it for another model', async () => {
    const live = new LiveDepth();
    await live.paint(depth, names(), 'depth-anything', 'a', frame(56, 28, 20), 'grey');
    // The same scene, everything brighter: per-frame min-max would paint it exactly like the first frame.
    const brighter = frame(56, 28, 60);
    const next = await live.paint(depth, names(), 'depth-anything', 'a', brighter, 'grey');
    const fresh = await new LiveDepth().paint(depth, names(), 'depth-anything', 'a', brighter, 'grey');
    expect(entry(fresh, 0)[0]).toBe(0); // alone, the frame spans the whole scale
    expect(entry(next, 0)[0]).toBeGreaterThan(40); // in the stream, its far edge is nearer than the first frame's
    // Another model: its raw values are not comparable, so the range starts again from this frame.
    const switched = await live.paint(depth, names(), 'depth-anything', 'b', brighter, 'grey');
    expect(entry(switched, 0)[0]).toBe(0);
  });
});
