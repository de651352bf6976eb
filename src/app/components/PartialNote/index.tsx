import styles from './style.module.css';

/**
 * The note beside a partial result (a video damaged part-way or cut short): what the result lacks.
 * A status, not an error: the result itself worked. data-testid=result-warning.
 */
export function PartialNote({ text }: { text?: string }) {
  if (!text) return null;
  return (
    <p className={styles.note} role="status" data-testid="result-warning">
      {text}
    </p>
  );
}
