import { Component, Suspense, type ComponentType, type ReactNode, type RefObject } from 'react';
import { showError } from '../../../state/actions';
import styles from '../ErrorAlert/style.module.css';

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** What to tell the user about `error` in `what` ("Depth map", "The gallery"). */
export function failureMessage(what: string, error: Error): string {
  const loading = /dynamically imported module|Importing a module script failed|Failed to fetch|ChunkLoadError|error loading/i.test(error.message);
  return loading
    ? `${what} could not be loaded: part of the app did not download. Check the connection and reload the page; your gallery and downloaded models are kept.`
    : `${what} stopped with an error (${error.message}). Reload the page to start it again; your gallery and downloaded models are kept.`;
}

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
    return { error: asError(error) };
  }

  componentDidCatch(error: unknown) {
    console.error(`${this.props.label} failed:`, error);
  }

  render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div role="alert" data-testid="task-load-error" className={styles.alert}>
        <p className={styles.message}>{failureMessage(this.props.label, error)}</p>
        <button type="button" data-testid="task-reload" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}

/**
 * A header dialog (gallery, models, camera), caught the same way: its failure is said in the page's
 * alert (`onError`, which should also close the dialog) and nothing of it renders. Opening it again
 * mounts a fresh boundary, but React.lazy keeps a failed download failed until the page reloads,
 * which is what the message asks for.
 */
export class ReportBoundary extends Component<{ label: string; onError(message: string): void; children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  componentDidCatch(error: unknown) {
    console.error(`${this.props.label} failed:`, error);
    this.props.onError(failureMessage(this.props.label, asError(error)));
  }

  render() {
    return this.state.failed ? null : this.props.children;
  }
}

/**
 * A header button's dialog (gallery, models, camera), its code loaded on first open (React.lazy):
 * shown while `open`, caught by ReportBoundary, and on close the focus goes back to `opener`.
 */
export function LazyDialog({ label, open, setOpen, opener, Dialog }: { label: string; open: boolean; setOpen(open: boolean): void; opener: RefObject<HTMLButtonElement | null>; Dialog: ComponentType<{ onClose(): void }> }) {
  if (!open) return null;
  return (
    <ReportBoundary
      label={label}
      onError={(message) => {
        showError(message);
        setOpen(false);
      }}
    >
      <Suspense fallback={null}>
        <Dialog
          onClose={() => {
            setOpen(false);
            opener.current?.focus(); // focus goes back where it came from
          }}
        />
      </Suspense>
    </ReportBoundary>
  );
}
