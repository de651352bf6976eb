import { Component, type ReactNode } from 'react';
import styles from '../ErrorAlert/style.module.css';

/**
 * A task's panels, caught: when a part of the chosen task fails to load (its views and state are
 * separate downloads: a dropped connection, a new deployment that removed the old files) or throws
 * while rendering, the panels give way to a message with a Reload button, and the header, the task
 * switcher, the gallery and the other tasks keep working. Keyed by task in App, so choosing another
 * task starts afresh.
 */
export class TaskBoundary extends Component<{ label: string; children: ReactNode }, { error: Error | null }> {
  state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: unknown) {
    console.error(`${this.props.label} failed:`, error);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const loading = /dynamically imported module|Importing a module script failed|Failed to fetch|ChunkLoadError|error loading/i.test(error.message);
    return (
      <div role="alert" data-testid="task-load-error" className={styles.alert}>
        <p className={styles.message}>
          {loading
            ? `${this.props.label} could not be loaded: part of the app did not download. Check the connection and reload the page; your gallery and downloaded models are kept.`
            : `${this.props.label} stopped with an error (${error.message}). Reload the page to start it again; your gallery and downloaded models are kept.`}
        </p>
        <button type="button" data-testid="task-reload" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
