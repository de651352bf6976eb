import type { ImageFormat, VideoFormat } from '../../../lib/filename';
import styles from './style.module.css';

export interface FormatChoice<F extends string> {
  id: F;
  label: string;
  note: string;
}

export const IMAGE_FORMATS: Array<FormatChoice<ImageFormat>> = [
  { id: 'png', label: 'PNG', note: 'lossless, keeps transparency' },
  { id: 'jpeg', label: 'JPEG', note: 'small, no transparency' },
  { id: 'webp', label: 'WebP', note: 'small, keeps transparency' },
];

export const VIDEO_FORMATS: Array<FormatChoice<VideoFormat>> = [
  { id: 'mp4', label: 'MP4', note: 'H.264, plays everywhere, keeps the audio' },
  { id: 'webm', label: 'WebM', note: 'VP9, keeps the audio' },
  { id: 'gif', label: 'GIF', note: 'animated, no audio, larger' },
];

/** "Download as": one radio per format (`data-testid="format-<id>"`); the task owns the choice. */
export function FormatPicker<F extends string>({ choices, current, onPick }: { choices: Array<FormatChoice<F>>; current: F; onPick: (format: F) => void }) {
  return (
    <fieldset className={styles.group}>
      <legend>Download as</legend>
      <div className={styles.options}>
        {choices.map((f) => (
          <label key={f.id} className={styles.option} title={f.note}>
            <input type="radio" name="format" value={f.id} data-testid={`format-${f.id}`} checked={current === f.id} onChange={() => onPick(f.id)} />
            {f.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
