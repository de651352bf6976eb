/**
 * The live camera: a header button that opens its view. The view (and everything it loads: the
 * worker, the depth and style pieces) loads only when opened, so the entry chunk grows by this button.
 */
import { lazy, useRef, useState } from 'react';
import { LazyDialog } from '../../app/components/TaskBoundary';
import styles from './button.module.css';

const CameraView = lazy(() => import('./CameraView'));

export function CameraButton() {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button ref={opener} type="button" className={styles.open} data-testid="camera" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(true)}>
        Camera
      </button>
      <LazyDialog label="The camera" open={open} setOpen={setOpen} opener={opener} Dialog={CameraView} />
    </>
  );
}
