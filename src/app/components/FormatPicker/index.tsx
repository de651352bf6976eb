import type { ImageFormat, VideoFormat } from '../../../lib/filename';
import { setFormat } from '../../../state/actions';
import { useAppStore } from '../../../state/store';
import styles from './style.module.css';

interface Choice<F> {
  id: F;
  label: string;
  note: string;
}

const IMAGE_FORMATS: Array<Choice<ImageFormat>> = [
  { id: 'png', label: 'PNG', note: 'lossless, keeps transparency' },
  { id: 'jpeg', label: 'JPEG', note: 'small, no transparency' },
  { id: 'webp', label: 'WebP', note: 'small, keeps transparency' },
];

const VIDEO_FORMATS: Array<Choice<VideoFormat>> = [
  { id: 'mp4', label: 'MP4', note: 'H.264, plays everywhere, keeps the audio' },
  { id: 'webm', label: 'WebM', note: 'VP9, keeps the audio' },
  { id: 'gif', label: 'GIF', note: 'animated, no audio, larger' },
];

function Options<F extends string>({ choices, current, onPick }: { choices: Array<Choice<F>>; current: F; onPick: (format: F) => void }) {
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

export function FormatPicker() {
  const isVideo = useAppStore((s) => s.input?.video != null);
  const format = useAppStore((s) => s.format);
  const videoFormat = useAppStore((s) => s.video.format);
  if (isVideo) {
    return <Options choices={VIDEO_FORMATS} current={videoFormat} onPick={(f) => useAppStore.setState((s) => ({ video: { ...s.video, format: f } }))} />;
  }
  return <Options choices={IMAGE_FORMATS} current={format} onPick={setFormat} />;
}
