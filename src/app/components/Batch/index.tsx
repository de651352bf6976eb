import type { TaskDefinition } from '../../../features/types';
import { estimateProgress, formatBytes, formatDuration } from '../../../lib/progress';
import { cancelBatch, clearBatch, runBatch, useBatchStore, zipName, zipResults } from '../../../state/batch';
import { showError } from '../../../state/jobs';
import { useAppStore } from '../../../state/store';
import styles from './style.module.css';

const STATUS_TEXT = { waiting: 'Waiting', running: 'Working…', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' } as const;

async function downloadZip(): Promise<void> {
  try {
    const blob = await zipResults();
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = zipName();
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    showError(`Could not make the ZIP (${error instanceof Error ? error.message : String(error)}). Try again, or download the photos one by one.`);
  }
}

/** Many photos through the chosen task: the list with each photo's outcome, overall progress, time left, cancel and one ZIP. */
export function BatchView({ task }: { task: TaskDefinition }) {
  const { items, running, startedAt, skipped } = useBatchStore();
  const jobFraction = useAppStore((s) => (s.job.status === 'running' ? s.job.fraction : 0));
  const total = items.length;
  const finished = items.filter((i) => i.status === 'done' || i.status === 'failed').length;
  const done = items.filter((i) => i.status === 'done').length;
  const failed = items.filter((i) => i.status === 'failed').length;
  const current = items.findIndex((i) => i.status === 'running');
  // The photo under way counts by its own progress, so the bar and the time left move within a photo too.
  const estimate = estimateProgress(finished + (running ? jobFraction : 0), total, startedAt, performance.now());
  const percent = Math.round(estimate.fraction * 100);
  const left = running && estimate.etaSeconds !== null ? ` · about ${formatDuration(estimate.etaSeconds)} left` : '';
  const status = running
    ? `${task.meta.progressLabel}: photo ${current + 1} of ${total}${left}`
    : finished + items.filter((i) => i.status === 'cancelled').length === 0
      ? `${total} photos ready.${skipped ? ` ${skipped} other file${skipped === 1 ? '' : 's'} left out (not photos).` : ''} Pick the settings, then run them all.`
      : `${done} of ${total} photos done${failed ? `, ${failed} failed` : ''}${items.some((i) => i.status === 'cancelled') ? ', the rest cancelled' : ''}.`;
  return (
    <section className={styles.batch} aria-labelledby="batch-heading" data-testid="batch">
      <h2 id="batch-heading" className={styles.heading}>
        Batch: {total} photos
      </h2>
      <div className={styles.actions}>
        <button type="button" className={styles.run} data-testid="batch-run" disabled={running} onClick={() => void runBatch(task)}>
          {task.meta.runLabel} all {total}
        </button>
        {running && (
          <button type="button" className={styles.secondary} data-testid="batch-cancel" onClick={cancelBatch}>
            Cancel batch
          </button>
        )}
        <button type="button" className={styles.secondary} data-testid="download-zip" disabled={running || done === 0} onClick={() => void downloadZip()}>
          Download {done > 0 ? `${done} ` : ''}as ZIP
        </button>
        <button type="button" className={styles.secondary} data-testid="batch-clear" disabled={running} onClick={clearBatch}>
          Back to one photo
        </button>
      </div>
      <div
        role="progressbar"
        data-testid="batch-progress"
        aria-label="Batch progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${finished} of ${total} photos${left}`}
        className={styles.track}
      >
        <div className={styles.fill} style={{ width: `${percent}%` }} />
      </div>
      <p className={styles.status} aria-live="polite" data-testid="batch-status">
        {status}
      </p>
      {/* Focusable: the list scrolls when long, and keyboard users must reach it. */}
      <ol className={styles.list} data-testid="batch-list" tabIndex={0} aria-label="Photos in the batch">
        {items.map((item, i) => (
          <li key={i} className={styles.item} data-testid="batch-item" data-status={item.status}>
            <span className={styles.name}>{item.name}</span>
            {item.status === 'failed' ? (
              <span className={styles.error} data-testid="batch-error">
                Failed: {item.error}
              </span>
            ) : item.status === 'done' ? (
              <span className={styles.done}>
                → {item.fileName} ({formatBytes(item.bytes ?? 0)})
              </span>
            ) : (
              <span className={styles.muted}>{STATUS_TEXT[item.status]}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
