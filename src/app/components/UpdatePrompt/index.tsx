import { useUpdateStore } from '../../../sw/register';
import styles from './style.module.css';

/** Shown when a new version has been downloaded; nothing changes until the user says so. */
export function UpdatePrompt() {
  const { ready, apply } = useUpdateStore();
  if (!ready) return null;
  return (
    <div className={styles.prompt} role="status">
      <span>A new version of ClipMorph Web is ready.</span>
      <button type="button" className={styles.button} onClick={apply}>
        Reload to update
      </button>
    </div>
  );
}
