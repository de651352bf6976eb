import type { TaskDefinition } from '../../../features/types';
import { formatDuration } from '../../../lib/progress';
import { cancelJob } from '../../../state/actions';
import { useAppStore, type InputFile } from '../../../state/store';
import styles from './style.module.css';

/**
 * Run and Cancel for the chosen task, its progress bar, rate and time left. A task whose state has
 * not loaded yet suspends in useCanRun: wrap in Suspense with `<JobBarView task={task} canRun={false} />`
 * as the fallback, the same bar with Run disabled for that moment.
 */
export function JobBar({ task }: { task: TaskDefinition }) {
  return <JobBarView task={task} canRun={task.useCanRun()} />;
}

export function JobBarView({ task, canRun }: { task: TaskDefinition; canRun: boolean }) {
  const job = useAppStore((s) => s.job);
  const input = useAppStore((s) => s.input);
  const opening = useAppStore((s) => s.opening);
  // Text-only tasks (the latent walk) run without a file; their run() never reads it.
  const needsFile = task.meta.inputs.some((kind) => kind !== 'text');
  const running = job.status === 'running';
  const percent = Math.round(job.fraction * 100);
  const eta = job.etaSeconds !== null && running ? ` · about ${formatDuration(job.etaSeconds)} left` : '';
  return (
    <div className={styles.bar}>
      <div className={styles.buttons}>
        <button type="button" className={styles.run} data-testid="run" disabled={!canRun || running || opening !== null} onClick={() => (input || !needsFile) && void task.run(input as InputFile)}>
          {task.meta.runLabel}
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
      {/* Only while there is nothing to run on: with a file chosen, what is missing (e.g. a model
          this build does not list) is said by the task's settings, not by asking for a file again. */}
      {!canRun && needsFile && !input && !opening && <p className={styles.hint}>{startHint(task)}</p>}
      {opening && !running && (
        <p className={styles.hint} data-testid="opening">
          {task.meta.runLabel} waits until “{opening}” is open.
        </p>
      )}
    </div>
  );
}

/** What to choose to start: "a photo" for a photo-only task (captions), "a photo or video" otherwise. */
export function startHint(task: TaskDefinition): string {
  return task.meta.inputs.includes('video') ? 'Choose a photo or video to start.' : 'Choose a photo to start.';
}
