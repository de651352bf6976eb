/** "Gallery" in the header: how many results are kept on this device, and the dialog that shows them. */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { loadGallery, useGallery } from './state';
import styles from './Gallery.module.css';

// The grid loads only when it opens; the button needs just the count.
const GalleryDialog = lazy(() => import('./GalleryDialog'));

export function GalleryPanel() {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const count = useGallery((s) => s.items.length);
  useEffect(() => {
    // At startup: open the database, sweep what an interrupted keep left, count the items.
    loadGallery().catch(() => undefined);
  }, []);
  return (
    <>
      <button ref={opener} type="button" className={styles.open} data-testid="open-gallery" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen(true)}>
        Gallery{count > 0 ? ` (${count})` : ''}
      </button>
      {open && (
        <Suspense fallback={null}>
          <GalleryDialog
            onClose={() => {
              setOpen(false);
              opener.current?.focus();
            }}
          />
        </Suspense>
      )}
    </>
  );
}
