import type { ImageFormat, VideoFormat } from '../../lib/filename';
import type { ModelEntry } from '../../models/registry';
import type { TaskMeta } from '../types';

/** The task as the registry, the task switcher and the job bar see it. */
export const meta = {
  id: 'style',
  label: 'Style transfer',
  description: 'Repaint your photos and videos as paintings.',
  inputs: ['image', 'video', 'onnx'],
  outputs: ['image', 'video', 'gif'],
  runLabel: 'Stylise',
  progressLabel: 'Stylising',
} as const satisfies TaskMeta;

/** The I/O every style model follows (models/README.md); user .onnx files are checked against it. */
const contract: ModelEntry['io'] = {
  inputs: [{ name: 'input', dtype: 'float32', layout: 'NCHW', shape: [1, 3, 'H', 'W'], range: [0, 1] }],
  outputs: [{ name: 'output', dtype: 'float32', layout: 'NCHW', shape: [1, 3, 'H', 'W'], range: [0, 1] }],
  multipleOf: 4,
};

/** The style task's settings: defaults and choices. */
export const styleMeta = {
  defaults: {
    strength: 1,
    maxSide: 512,
    format: 'png' as ImageFormat,
  },
  video: {
    /** Processing (and output) heights; 0 = the source's. */
    heights: [256, 480, 720, 0],
    height: 480,
    format: 'mp4' as VideoFormat,
    gifFps: [0, 15, 10],
    gifWidths: [0, 480, 320],
    /** Live preview length: enough to judge a style without waiting for the whole clip. */
    previewSeconds: 3,
  },
  /** Style morph: an animated GIF from 0 to 100 % of the second style and back, `steps` mixes each way. */
  morph: { steps: 11, frameMillis: 150, maxSide: 512 },
  /** Long-side choices; 0 = original size, processed in tiles. */
  resolutions: [512, 1024, 0],
  /** Largest tile a backend processes at once: bounds GPU memory whatever the photo's size. */
  maxTile: { webgpu: 1024, wasm: 1024 },
  tileOverlap: 32,
  contract,
} as const;
