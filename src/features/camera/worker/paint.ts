/**
 * What the live camera paints on one frame, free of canvases and workers so it runs in Node tests:
 * the style model blended with the camera picture at the chosen strength, or the depth map in a
 * colour map with a running range (so colours do not pump from frame to frame as the camera moves).
 */
import { blendRgba, type Rgba } from '../../../lib/pixels';
import { SteadyFilter } from '../../../media/steady';
import type { ModelEntry } from '../../../models/registry';
import type { ModelSession } from '../../../runtime/sessions';
import { applyColormap, type ColormapId } from '../../depth/colormap';
import { normalise } from '../../depth/postprocess';
import { estimateDepth, type BoundNames, type DepthModelKind, type DepthSession } from '../../depth/worker/estimate';
import { TemporalRange } from '../../depth/worker/temporal';
import { stylise } from '../../style/worker/stylise';

/** The style model on the frame, blended with the camera picture (`strength` 0 = the camera, 1 = the painting). */
export async function paintStyle(handle: Pick<ModelSession, 'run' | 'backend'>, model: ModelEntry, frame: Rgba, strength: number): Promise<Rgba> {
  if (strength <= 0) return frame; // nothing of the model shows: skip the run
  const stylised = await stylise(handle, model, frame);
  return strength >= 1 ? stylised : blendRgba(frame, stylised, strength);
}

/**
 * The live style picture with steady strokes (media/steady.ts), as a stylised video gets them: where
 * the camera picture holds still (or pans: the history moves with it), the painted pixel keeps part
 * of the last painted frame, so sensor noise and the model's own frame-to-frame texture changes stop
 * flickering. The history restarts
 * when the style or the size changes, so a new style shows at once.
 */
export class LiveStyle {
  private filter = new SteadyFilter();
  private key = '';

  async paint(handle: Pick<ModelSession, 'run' | 'backend'>, model: ModelEntry, frame: Rgba, strength: number, steady: boolean): Promise<Rgba> {
    if (!steady) return paintStyle(handle, model, frame, strength);
    if (strength <= 0) return frame; // nothing of the model shows: skip the run
    const key = `${model.id}:${frame.width}x${frame.height}`;
    if (key !== this.key) {
      this.filter = new SteadyFilter();
      this.key = key;
    }
    // Steadied before the strength mix, as the WebGPU route's compose pass does: a new strength shows at once.
    const steadied = this.filter.apply(frame, await stylise(handle, model, frame));
    return strength >= 1 ? steadied : blendRgba(frame, steadied, strength);
  }
}

/**
 * Live depth: one running range per stream (TemporalRange: 0.1/99.9 percentiles, widens fast,
 * narrows slowly), reset when the model changes, since two models' raw values are not comparable.
 */
export class LiveDepth {
  private readonly range = new TemporalRange();
  private modelKey = '';

  async paint(session: DepthSession, names: BoundNames, kind: DepthModelKind, modelKey: string, frame: Rgba, colormap: ColormapId): Promise<Rgba> {
    if (modelKey !== this.modelKey) {
      this.range.reset();
      this.modelKey = modelKey;
    }
    const { map } = await estimateDepth(session, names, kind, frame);
    const depth = normalise(map.data, this.range.update(map.data));
    return applyColormap(depth, map.width, map.height, colormap);
  }
}
