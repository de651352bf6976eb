import { showError } from '../../../state/actions';
import { useAppStore } from '../../../state/store';
import styles from './style.module.css';

export function ErrorAlert() {
  const error = useAppStore((s) => s.error);
  if (!error) return null;
  return (
    <div role="alert" data-testid="error" className={styles.alert}>
      <p className={styles.message}>{error}</p>
      <button type="button" className={styles.dismiss} onClick={() => showError(null)} aria-label="Dismiss error">
        ✕
      </button>
    </div>
  );
}
