/** "Gallery" in the header: how many results are kept on this device, and the dialog that shows them. */
import { lazy, useEffect, useRef, useState } from 'react';
import { LazyDialog } from '../app/components/TaskBoundary';
import styles from './Gallery.module.css';

// The grid, and the store itself, load after the first paint: nothing of IndexedDB in the entry chunk.
const GalleryDialog = lazy(() => import('./GalleryDialog'));

export function GalleryPanel() {
  const [open, setOpen] = useState(false);
  const [count, setCount] = useState(0);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    let unsubscribe = () => {};
    let live = true;
    // At startup: open the database, sweep what an interrupted keep left, count the items.
    void import('./state').then(({ loadGallery, useGallery }) => {
      if (!live) return;
      setCount(useGallery.getState().items.length);
      unsubscribe = useGallery.subscribe((s) => setCount(s.items.length));
      loadGallery().catch(() => undefined);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, []);
  return (
    <>
      <button ref={opener} type="button" className={styles.open} data-testid="open-gallery" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(true)}>
        Gallery{count > 0 ? ` (${count})` : ''}
      </button>
      <LazyDialog label="The gallery" open={open} setOpen={setOpen} opener={opener} Dialog={GalleryDialog} />
    </>
  );
}
