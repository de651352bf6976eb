import { lazy, useRef, useState } from 'react';
import { LazyDialog } from '../TaskBoundary';
import styles from './style.module.css';

// The manager (hash-wasm, OPFS) loads only when the panel opens: nothing of it is in the first paint.
const ModelsDialog = lazy(() => import('./Dialog'));

/** "Models on this device": the button in the header, and the dialog it opens. */
export function ModelsPanel() {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button ref={opener} type="button" className={styles.open} data-testid="open-models" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(true)}>
        Models
      </button>
      <LazyDialog label="The Models panel" open={open} setOpen={setOpen} opener={opener} Dialog={ModelsDialog} />
    </>
  );
}
