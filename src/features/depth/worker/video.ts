/**
 * Worker-side depth video: decode -> depth model -> temporally stable normalisation -> colour map ->
 * encode through the same shared media layer as style videos (mediabunny + WebCodecs, ffmpeg.wasm
 * fallback) and the same overlapped runner (media/pipeline.ts: decoding ahead of and encoding behind
 * the model, bounded queues), so memory stays bounded whatever the length and the audio is copied. Flicker is measured on the way: the running range the video uses against per-frame
 * min-max, relative to the input's own frame-to-frame change.
 */
import { fitHeight } from '../../../lib/pixels';
import { UserError } from '../../../lib/errors';
import { GifTimeline, WHOLE_VIDEO } from '../../../lib/timeline';
import { openVideo } from '../../../media/open';
import type { RgbaFrame } from '../../../media/frames';
import { endAudioAt, openWriter, partialWarning, readable, runOverlapped, type Damage } from '../../../media/pipeline';
import type { WorkerContext } from '../../../workers/protocol';
import { applyColormap } from '../colormap';
import { finiteRange, normalise } from '../postprocess';
import type { DepthVideoRequest, DepthVideoResult } from '../protocol';
import { estimateDepth } from './estimate';
import { openDepthSession } from './session';
import { FrameChangeMeter, greyLevels, RangeChangeMeter, TemporalRange } from './temporal';

/** GIF frame rate and width: the depth GIF of a video (a colour map survives the 256-colour palette well). */
const GIF = { fps: 10, width: 0 };

export async function depthVideo(request: DepthVideoRequest, context: WorkerContext): Promise<DepthVideoResult> {
  const source = await openVideo(request.video, request.video.name, request.appRoot);
  try {
    const { info } = source;
    const size = fitHeight(info.width, info.height, request.height, 2); // encoders need even sides; the model takes any
    const trim = WHOLE_VIDEO;
    const span = await source.countFrames(trim);
    const { session, names, kind, variant } = await openDepthSession(request, context);
    const writer = await openWriter(request, GIF, source, size.width, size.height, span, trim);
    const range = new TemporalRange();
    const meters = { stable: new FrameChangeMeter(), perFrame: new FrameChangeMeter(), input: new FrameChangeMeter() };
    const ranges = { stable: new RangeChangeMeter(), perFrame: new RangeChangeMeter() };
    // A GIF keeps GIF.fps frames a second: the others are never run through the model (the writer's
    // own timeline, fed only these, keeps exactly the same frames).
    const gifSlots = request.format === 'gif' ? new GifTimeline(GIF.fps) : null;
    const started = performance.now();
    let done = 0;
    let outputEnd = 0;
    context.onProgress({ stage: 'frames', done, total: span.count });
    const progress = () => context.onProgress({ stage: 'frames', done, total: Math.max(done, span.count) });
    // A decoding error after some good frames ends the frames there: the result keeps them (partial).
    const damage: { found?: Damage } = {};
    const frames = readable(source.frames(size.width, size.height, trim), request.video.name, damage);
    await runOverlapped({
      source: (async function* () {
        for await (const frame of frames) {
          if (gifSlots && !gifSlots.accept(frame.timestamp - span.first)) {
            done++;
            progress();
            continue;
          }
          yield frame;
        }
      })(),
      pre: (frame: RgbaFrame) => frame,
      model: async (frame: RgbaFrame) => ({ frame, ...(await estimateDepth(session, names, kind, frame.image)) }),
      // The running range and the meters see frames in order: one loop runs this stage.
      post: ({ frame, map }) => {
        const running = range.update(map.data);
        const own = finiteRange(map.data);
        const stable = normalise(map.data, running);
        meters.stable.add(stable);
        meters.perFrame.add(normalise(map.data, own));
        ranges.stable.add(running);
        ranges.perFrame.add(own);
        meters.input.add(greyLevels(frame.image));
        return { frame, image: applyColormap(stable, map.width, map.height, request.colormap) };
      },
      sink: async ({ frame, image }) => {
        const timestamp = frame.timestamp - span.first;
        await writer.add(image, timestamp, frame.duration);
        outputEnd = timestamp + frame.duration;
        done++;
        progress();
      },
    });
    if (done === 0) throw new UserError('The video holds no frames that could be read.');
    const warning = partialWarning(request.video.name, done, span, outputEnd, damage.found, 'turned into depth maps');
    const input = meters.input.value;
    const ratio = (v: number) => (input > 0 ? v / input : 0);
    const elapsed = (performance.now() - started) / 1000;
    const encoded = await writer.finish();
    return {
      ...(warning ? await endAudioAt(encoded, outputEnd) : encoded),
      decoder: info.decoder,
      width: size.width,
      height: size.height,
      seconds: outputEnd,
      framesPerSecond: done / elapsed,
      backend: session.backend,
      variant,
      flicker: {
        stable: meters.stable.value,
        perFrame: meters.perFrame.value,
        input,
        stableRatio: ratio(meters.stable.value),
        perFrameRatio: ratio(meters.perFrame.value),
        rangeStable: ranges.stable.value,
        rangePerFrame: ranges.perFrame.value,
      },
      warning,
    };
  } finally {
    source.dispose();
  }
}
