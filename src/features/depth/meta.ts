import type { VideoFormat } from '../../lib/filename';
import type { TaskMeta } from '../types';
import type { ColormapId } from './colormap';

/** The task as the registry, the task switcher and the job bar see it. */
export const meta = {
  id: 'depth',
  label: 'Depth map',
  description: 'See how far away everything in a photo or video is, and turn a photo into a 3D photo.',
  inputs: ['image', 'video', 'onnx'],
  outputs: ['image', 'video', 'gif'],
  runLabel: 'Make depth map',
  progressLabel: 'Estimating depth',
} as const satisfies TaskMeta;

/** Download formats of the depth map: the colour map as shown, or 16-bit greyscale values. */
export type DepthFormat = 'png' | 'png16';

export type DepthView = 'side' | 'overlay';

/** The depth task's settings: defaults and choices. */
export const depthMeta = {
  defaults: {
    colormap: 'turbo' as ColormapId,
    format: 'png' as DepthFormat,
    view: 'side' as DepthView,
  },
  video: {
    /** Processing (and output) heights; 0 = the source's. */
    heights: [256, 480, 0],
    height: 256,
    format: 'mp4' as VideoFormat,
  },
  /** 3D photo: a looping GIF of the camera circling, at most this long side (GIF palettes and size). */
  photo3d: { maxSide: 512, frames: 24, frameMillis: 80, amplitude: 0.025 },
} as const;
