import { StyleOptions } from '../features/style/Options';
import { useAppStore } from '../state/store';
import styles from './App.module.css';
import { DropZone } from './components/DropZone';
import { ErrorAlert } from './components/ErrorAlert';
import { FormatPicker } from './components/FormatPicker';
import { JobBar } from './components/JobBar';
import { ResultView } from './components/ResultView';
import { UpdatePrompt } from './components/UpdatePrompt';

export function App() {
  const backend = useAppStore((s) => s.backend);
  const gpu = useAppStore((s) => s.gpu);
  return (
    <div className={styles.shell}>
      <header className={styles.header}>
        <div>
          <h1 className={styles.title}>ClipMorph Web</h1>
          <p className={styles.tagline}>Repaint your photos and videos as paintings. Everything runs on this device; nothing is uploaded.</p>
        </div>
        <span className={styles.badge} title={gpu?.description}>
          Runs on {backend === 'webgpu' ? 'WebGPU' : 'WASM (CPU)'}
        </span>
      </header>
      <nav className={styles.tasks} aria-label="Task">
        <button type="button" className={styles.task} data-testid="task-style" aria-pressed="true">
          Style transfer
        </button>
      </nav>
      <UpdatePrompt />
      <ErrorAlert />
      <main className={styles.main}>
        <section className={styles.panel} aria-label="Photo or video">
          <DropZone />
          <ResultView />
        </section>
        <aside className={styles.panel} aria-label="Settings">
          <StyleOptions />
          <FormatPicker />
          <JobBar />
        </aside>
      </main>
    </div>
  );
}
