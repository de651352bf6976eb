/**
 * The gallery: results kept on this device, newest first, as a grid of thumbnails. Each opens to
 * play (GIF, video) or view at full size, downloads under the name it had, or is deleted; "Clear
 * all" asks first. Storage used: the items' own bytes and the whole site's estimate.
 */
import { useEffect, useRef, useState } from 'react';
import { formatBytes } from '../lib/progress';
import { clearGallery, deleteGalleryItem, galleryBlob, loadGallery, useGallery } from './state';
import type { GalleryRecord } from './store';
import styles from './Gallery.module.css';

const TASK_LABEL: Record<string, string> = { style: 'Style transfer', depth: 'Depth', caption: 'Caption', walk: 'Latent walk' };

/** An object URL for `blob` while mounted. */
function useObjectUrl(blob: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return setUrl(null);
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}

function settingsText(record: GalleryRecord): string {
  return Object.entries(record.settings)
    .map(([k, v]) => `${k}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : v}`)
    .join(' · ');
}

function Item({ record }: { record: GalleryRecord }) {
  const [file, setFile] = useState<Blob | null>(null);
  const [missing, setMissing] = useState(false);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const url = useObjectUrl(file);
  const thumb = useObjectUrl(record.thumbnail);
  useEffect(() => {
    let live = true;
    galleryBlob(record.id).then(
      (blob) => live && (blob ? setFile(blob) : setMissing(true)),
      () => live && setMissing(true),
    );
    return () => {
      live = false;
    };
  }, [record.id]);
  const created = new Date(record.created);
  const labelId = `gallery-item-${record.id}`;
  const what = record.kind === 'video' ? 'video' : record.kind === 'gif' ? 'animated GIF' : 'image';
  return (
    <li className={`${styles.item} ${open ? styles.opened : ''}`} data-testid="gallery-item" data-file={record.fileName} data-task={record.task} data-bytes={record.bytes} aria-labelledby={labelId}>
      <button type="button" className={styles.thumbButton} aria-expanded={open} aria-label={`${open ? 'Close' : 'Open'} ${record.fileName}`} onClick={() => setOpen(!open)} disabled={!url}>
        {thumb ? <img className={styles.thumb} src={thumb} alt="" /> : <span className={styles.noThumb}>{record.kind.toUpperCase()}</span>}
      </button>
      {open && url && (
        <div className={styles.preview} data-testid="gallery-preview">
          {record.kind === 'video' ? (
            <video src={url} controls loop playsInline className={styles.media} aria-label={`${record.title} (${what})`} />
          ) : (
            <img src={url} className={styles.media} alt={`${record.title} (${what})`} />
          )}
        </div>
      )}
      <div className={styles.info}>
        <h3 id={labelId} className={styles.name}>
          {record.fileName}
        </h3>
        <p className={styles.meta}>
          {TASK_LABEL[record.task] ?? record.task} · {what} · {formatBytes(record.bytes)} · <time dateTime={created.toISOString()}>{created.toLocaleString()}</time>
        </p>
        {record.caption && (
          <p className={styles.caption} data-testid="gallery-caption">
            “{record.caption}”
          </p>
        )}
        {Object.keys(record.settings).length > 0 && <p className={styles.meta}>{settingsText(record)}</p>}
        {missing && <p className={styles.error}>This file is no longer on the device.</p>}
      </div>
      <div className={styles.actions}>
        {url ? (
          <a className={styles.button} data-testid="gallery-download" href={url} download={record.fileName} aria-label={`Download ${record.fileName}`}>
            Download
          </a>
        ) : null}
        <button
          type="button"
          className={`${styles.button} ${styles.danger}`}
          data-testid="gallery-delete"
          aria-label={`Delete ${record.fileName}`}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            deleteGalleryItem(record.id).catch(() => setBusy(false));
          }}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

export default function GalleryDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { items, usage, status, error } = useGallery();
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    loadGallery().catch(() => undefined);
  }, []);
  const quota = usage.origin !== null && usage.quota ? ` · this site uses ${formatBytes(usage.origin)} of ${formatBytes(usage.quota)} available (models and app included)` : '';
  return (
    <dialog ref={dialog} className={styles.dialog} data-testid="gallery" aria-labelledby="gallery-title" onClose={onClose}>
      <div className={styles.head}>
        <h2 id="gallery-title">Gallery on this device</h2>
        <button type="button" className={styles.close} onClick={() => dialog.current?.close()} aria-label="Close">
          ×
        </button>
      </div>
      <p className={styles.note}>Results you keep stay in this browser on this device. Nothing is uploaded.</p>
      <p className={styles.note} data-testid="gallery-usage" data-bytes={usage.items} aria-live="polite">
        {items.length} {items.length === 1 ? 'item' : 'items'}, {usage.items === 0 ? '0 KB' : formatBytes(usage.items)}
        {quota}
      </p>
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
      {status === 'ready' && items.length === 0 && <p className={styles.note}>Nothing kept yet. Press “Keep in gallery” under a result.</p>}
      <ul className={styles.grid} aria-label="Kept results">
        {items.map((r) => (
          <Item key={r.id} record={r} />
        ))}
      </ul>
      <div className={styles.footer}>
        {confirming ? (
          <div role="group" aria-label="Confirm clear all" className={styles.confirm}>
            <span>
              Delete all {items.length} {items.length === 1 ? 'item' : 'items'} from this device?
            </span>
            <button
              type="button"
              className={`${styles.button} ${styles.danger}`}
              data-testid="gallery-clear-confirm"
              autoFocus
              onClick={() => {
                setConfirming(false);
                clearGallery().catch(() => undefined);
              }}
            >
              Delete all
            </button>
            <button type="button" className={styles.button} onClick={() => setConfirming(false)}>
              Keep them
            </button>
          </div>
        ) : (
          <button type="button" className={`${styles.button} ${styles.danger}`} data-testid="gallery-clear" disabled={items.length === 0} onClick={() => setConfirming(true)}>
            Clear all
          </button>
        )}
        <button type="button" className={styles.button} onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
