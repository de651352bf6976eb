/** The live camera's settings (kept between openings of the view) and the names of what it saves. */
import { create } from 'zustand';
import { outputFileName, type OutputFormat } from '../../lib/filename';
import type { ModelEntry } from '../../models/registry';
import type { ColormapId } from '../depth/colormap';
import { styleModels } from '../style/models';
import type { CameraMode } from './protocol';

/** Long side the model runs at: small, so the picture stays live on a CPU. */
export const PROCESSING_SIDES = [256, 384, 512] as const;

export interface CameraSettings {
  mode: CameraMode;
  styleId: string;
  strength: number;
  /** Steady strokes: a still scene keeps its strokes instead of flickering (media/steady.ts). */
  steady: boolean;
  side: number;
  colormap: ColormapId;
  /** Record the microphone too: asked for only when a recording starts with this ticked. */
  withSound: boolean;
  format: 'mp4' | 'webm';
}

/** Realtime-tier styles only: the quality tier is ~9x the work, far from live on most devices. */
export const liveStyles: ModelEntry[] = (() => {
  const realtime = styleModels.filter((m) => m.style?.tier === 'realtime');
  return realtime.length > 0 ? realtime : styleModels;
})();

export const useCameraStore = create<CameraSettings>(() => ({
  mode: 'style',
  styleId: liveStyles[0]?.id ?? '',
  strength: 1,
  steady: true,
  side: 256,
  colormap: 'turbo',
  withSound: false,
  format: 'mp4',
}));

/** "2026-12-02-164512": local time, sortable, safe in every file system. */
export function timeStamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}

/** Same pattern as every other download (`<input>-<style>.<ext>`), the input being "camera-<time>". */
export function cameraFileName(date: Date, settings: Pick<CameraSettings, 'mode' | 'styleId' | 'colormap'>, format: OutputFormat): string {
  const suffix = settings.mode === 'depth' ? `depth-${settings.colormap}` : settings.styleId;
  return outputFileName(`camera-${timeStamp(date)}`, suffix, format);
}
