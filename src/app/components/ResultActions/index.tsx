/**
 * What every task's result offers beside its download: keep it in the on-device gallery, share it
 * (Web Share API, only where the browser can share files; the download is the fallback), and, for
 * images, copy it to the clipboard as PNG.
 */
import { useEffect, useState } from 'react';
import { keepInGallery } from '../../../gallery/state';
import { kindOf, mimeOf, type GallerySettings } from '../../../gallery/store';
import styles from './style.module.css';

export interface ResultActionsProps {
  /** The task that made it (`meta.id`). */
  task: string;
  /** The result's object URL (the download's href). */
  url: string;
  /** The download's name; the gallery and the share sheet keep it. */
  fileName: string;
  /** A short human description: "The Starry Night on beach.jpg". */
  title: string;
  /** What made it: style, tier, strength, colour map, prompts, seeds, frames... */
  settings?: GallerySettings;
  /** A caption result's text. */
  caption?: string;
  /** Small buttons with no gap above, for a row among a list item's own small buttons (captions). */
  compact?: boolean;
}

async function blobOf(url: string, fileName: string): Promise<Blob> {
  const blob = await (await fetch(url)).blob(); // a blob: URL: read from memory, no network
  return blob.type ? blob : new Blob([blob], { type: mimeOf(fileName) });
}

/** PNG bytes of any image the browser can decode (the clipboard takes PNG only). */
async function asPng(blob: Blob): Promise<Blob> {
  if (blob.type === 'image/png') return blob;
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/png' });
}

function canShareFile(fileName: string): boolean {
  if (typeof navigator.share !== 'function' || typeof navigator.canShare !== 'function') return false;
  try {
    return navigator.canShare({ files: [new File([new Uint8Array(1)], fileName, { type: mimeOf(fileName) || 'application/octet-stream' })] });
  } catch {
    return false;
  }
}

type KeepState = 'idle' | 'saving' | 'kept' | 'failed';

export function ResultActions({ task, url, fileName, title, settings = {}, caption, compact = false }: ResultActionsProps) {
  const [keep, setKeep] = useState<{ url: string; state: KeepState }>({ url, state: 'idle' });
  const [status, setStatus] = useState('');
  const keepState: KeepState = keep.url === url ? keep.state : 'idle';
  useEffect(() => setStatus(''), [url]);
  if (!url) return null;
  const mime = mimeOf(fileName);
  const isStill = kindOf(mime, fileName) === 'image';
  const canCopy = isStill && typeof ClipboardItem !== 'undefined' && typeof navigator.clipboard?.write === 'function';
  const canShare = canShareFile(fileName);

  const onKeep = async () => {
    setKeep({ url, state: 'saving' });
    try {
      await keepInGallery({ blob: await blobOf(url, fileName), task, fileName, title, settings, ...(caption ? { caption } : {}) });
      setKeep({ url, state: 'kept' });
      setStatus(`Kept ${fileName} in the gallery on this device.`);
    } catch (error) {
      setKeep({ url, state: 'failed' });
      setStatus(`Could not keep it: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const onShare = async () => {
    try {
      const blob = await blobOf(url, fileName);
      await navigator.share({ files: [new File([blob], fileName, { type: blob.type })], title, ...(caption ? { text: caption } : {}) });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return; // the user closed the share sheet
      setStatus('Sharing failed here; use Download instead.');
    }
  };
  const onCopy = async () => {
    try {
      // The item takes a promise, so the click's user activation still counts when the PNG is ready.
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': blobOf(url, fileName).then(asPng) })]);
      setStatus('Image copied to the clipboard.');
    } catch {
      setStatus('Copying the image failed in this browser; use Download instead.');
    }
  };

  return (
    <div className={compact ? `${styles.actions} ${styles.compact}` : styles.actions} role="group" aria-label={`More for ${fileName}`}>
      <button type="button" className={styles.button} data-testid="gallery-keep" data-state={keepState} disabled={keepState === 'saving' || keepState === 'kept'} onClick={() => void onKeep()}>
        {keepState === 'kept' ? 'Kept in gallery' : keepState === 'saving' ? 'Keeping…' : 'Keep in gallery'}
      </button>
      {canShare && (
        <button type="button" className={styles.button} data-testid="share" onClick={() => void onShare()}>
          Share
        </button>
      )}
      {canCopy && (
        <button type="button" className={styles.button} data-testid="copy-image" onClick={() => void onCopy()}>
          Copy image
        </button>
      )}
      <span className={styles.status} role="status">
        {status}
      </span>
    </div>
  );
}
