import type { ImageFormat } from '../../../lib/filename';
import { setFormat } from '../../../state/actions';
import { useAppStore } from '../../../state/store';
import styles from './style.module.css';

const FORMATS: Array<{ id: ImageFormat; label: string; note: string }> = [
  { id: 'png', label: 'PNG', note: 'lossless, keeps transparency' },
  { id: 'jpeg', label: 'JPEG', note: 'small, no transparency' },
  { id: 'webp', label: 'WebP', note: 'small, keeps transparency' },
];

export function FormatPicker() {
  const format = useAppStore((s) => s.format);
  return (
    <fieldset className={styles.group}>
      <legend>Download as</legend>
      <div className={styles.options}>
        {FORMATS.map((f) => (
          <label key={f.id} className={styles.option} title={f.note}>
            <input
              type="radio"
              name="format"
              value={f.id}
              data-testid={`format-${f.id}`}
              checked={format === f.id}
              onChange={() => setFormat(f.id)}
            />
            {f.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
