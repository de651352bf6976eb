import { lazy, Suspense } from 'react';
import { CameraButton, findTask, tasks } from '../features/registry';
import { chooseTask } from '../state/actions';
import { canBatch, useBatchStore } from '../state/batch';
import { useAppStore, type InputFile } from '../state/store';
import styles from './App.module.css';
import { DropZone } from './components/DropZone';
import { ErrorAlert } from './components/ErrorAlert';
import { GalleryPanel } from '../gallery/GalleryPanel';
import { JobBar, JobBarView } from './components/JobBar';
import { ModelsPanel } from './components/ModelsPanel';
import { TaskBoundary } from './components/TaskBoundary';
import { UpdatePrompt } from './components/UpdatePrompt';

// Loaded when a batch is first opened, out of the entry chunk.
const BatchView = lazy(() => import('./components/Batch').then((m) => ({ default: m.BatchView })));

/** The shell, built from the task registry: a switcher button per task, then the chosen task's input, result and settings. */
export function App() {
  const backend = useAppStore((s) => s.backend);
  const gpu = useAppStore((s) => s.gpu);
  const task = findTask(useAppStore((s) => s.task));
  const input = useAppStore((s) => s.input);
  const { Options, Result } = task;
  const batch = useBatchStore((s) => s.items.length > 0) && canBatch(task);
  // A task that takes typed text only (the latent walk) needs no file: no drop zone, and its result
  // view shows without one (it never reads `input`).
  const needsFile = task.meta.inputs.some((kind) => kind !== 'text');
  return (
    <div className={styles.shell}>
      <header className={styles.header}>
        <div>
          <h1 className={styles.title}>ClipMorph Web</h1>
          <p className={styles.tagline}>{task.meta.description} Everything runs on this device; nothing is uploaded.</p>
        </div>
        {/* One group, kept together at the right: when a long tagline pushes it onto its own line
            it stays a row of controls there instead of spreading across the width. */}
        <div className={styles.headerActions}>
          <span className={styles.badge} title={gpu?.description}>
            <span className={styles.badgeLead}>Runs on </span>
            {backend === 'webgpu' ? 'WebGPU' : 'WASM (CPU)'}
          </span>
          <GalleryPanel />
          <CameraButton />
          <ModelsPanel />
        </div>
      </header>
      <nav className={styles.tasks} aria-label="Task">
        {tasks.map((t) => (
          <button
            key={t.meta.id}
            type="button"
            className={styles.task}
            data-testid={`task-${t.meta.id}`}
            aria-pressed={t.meta.id === task.meta.id}
            onClick={() => chooseTask(t.meta.id)}
          >
            {t.meta.label}
          </button>
        ))}
      </nav>
      <UpdatePrompt />
      <ErrorAlert />
      {/* A task that fails to load or to render gives way to a message; the header and the switcher stay. */}
      <TaskBoundary key={task.meta.id} label={task.meta.label}>
        <main className={styles.main}>
          <section className={styles.panel} aria-label="Photo or video">
            {needsFile && <DropZone task={task} />}
            {batch && (
              <Suspense fallback={null}>
                <BatchView task={task} />
              </Suspense>
            )}
            {/* A task may load its views lazily (React.lazy), so they stay out of the entry chunk. */}
            <Suspense fallback={null}>
              {input ? <Result input={input} /> : !needsFile && <Result input={null as unknown as InputFile} />}
            </Suspense>
          </section>
          <aside className={`${styles.panel} ${styles.settings}`} aria-label="Settings">
            <Suspense fallback={<p className={styles.loading}>Loading {task.meta.label}…</p>}>
              <Options />
            </Suspense>
            {/* On a phone the run button stays on screen (a bar fixed at the bottom), whatever the gallery's length.
                A batch waiting to run has its own Run (no single photo to run yet). */}
            {!(batch && !input) && (
              <div className={styles.actionBar}>
                {/* Keyed: each task's useCanRun may call different hooks. */}
                <Suspense key={task.meta.id} fallback={<JobBarView task={task} canRun={false} />}>
                  <JobBar task={task} />
                </Suspense>
              </div>
            )}
          </aside>
        </main>
      </TaskBoundary>
    </div>
  );
}
