import { formatDuration } from '../../../lib/progress';
import { cancelJob, runJob } from '../../../state/actions';
import { useAppStore } from '../../../state/store';
import styles from './style.module.css';

export function JobBar() {
  const job = useAppStore((s) => s.job);
  const canRun = useAppStore((s) => s.input !== null && s.styleId !== '');
  const running = job.status === 'running';
  const percent = Math.round(job.fraction * 100);
  const eta = job.etaSeconds !== null && running ? ` · about ${formatDuration(job.etaSeconds)} left` : '';
  return (
    <div className={styles.bar}>
      <div className={styles.buttons}>
        <button type="button" className={styles.run} data-testid="run" disabled={!canRun || running} onClick={() => void runJob()}>
          Stylise
        </button>
        {running && (
          <button type="button" className={styles.cancel} data-testid="cancel" onClick={cancelJob}>
            Cancel
          </button>
        )}
      </div>
      {running && (
        <div
          role="progressbar"
          data-testid="progress"
          aria-label="Progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${percent}%${eta}`}
          className={styles.track}
        >
          <div className={styles.fill} style={{ width: `${percent}%` }} />
        </div>
      )}
      <p className={styles.status} aria-live="polite">
        {job.detail}
        {running ? ` · ${percent}%${eta}` : ''}
      </p>
      {!canRun && <p className={styles.hint}>Choose a photo or video to start.</p>}
    </div>
  );
}
