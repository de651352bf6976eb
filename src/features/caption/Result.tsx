/** The batch: each photo with its caption (growing token by token), timing, copy, edit, alt text, a file-name suggestion; exports. */
import { useState } from 'react';
import { toUserMessage } from '../../lib/errors';
import { showError } from '../../state/jobs';
import type { InputFile } from '../../state/store';
import styles from './Caption.module.css';
import { ResultActions } from '../../app/components/ResultActions';
import { altTextTag, fileNameFromCaption } from './export';
import { editCaption, exportCaptions, removePhoto, useCaptionStore, type CaptionItem } from './state';

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

async function copy(text: string, done: (message: string) => void): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    done('Copied');
  } catch {
    done('Copy failed: select the text and copy it yourself');
  }
}

function Photo({ photo }: { photo: CaptionItem }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [status, setStatus] = useState('');
  // A file the browser cannot show (not an image, damaged): a plain tile, not the broken-image glyph.
  const [noPreview, setNoPreview] = useState(false);
  const captioned = photo.status === 'done';
  return (
    <li className={styles.item} data-testid="caption-item" data-status={photo.status} data-file={photo.name}>
      {noPreview ? (
        <span className={`${styles.thumb} ${styles.noPreview}`} data-testid="caption-no-preview" aria-hidden="true">
          No preview
        </span>
      ) : (
        <img className={styles.thumb} src={photo.previewUrl} alt={photo.text || photo.name} onError={() => setNoPreview(true)} />
      )}
      <div className={styles.body}>
        <span className={styles.name}>{photo.name}</span>
        {photo.status === 'failed' ? (
          <p className={styles.error} data-testid="caption-error">
            {photo.error}
          </p>
        ) : editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              editCaption(photo.id, draft.trim());
              setEditing(false);
            }}
          >
            <textarea className={styles.edit} data-testid="caption-edit" aria-label={`Caption of ${photo.name}`} value={draft} rows={2} onChange={(e) => setDraft(e.target.value)} />
            <div className={styles.row}>
              <button type="submit" className={styles.button} data-testid="caption-save">
                Save
              </button>
              <button type="button" className={styles.button} onClick={() => setEditing(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <p className={styles.text} data-testid="caption-text" data-status={photo.status} aria-live={photo.status === 'running' ? 'polite' : undefined}>
            {photo.text}
          </p>
        )}
        <span className={styles.meta} data-testid="caption-time">
          {photo.status === 'queued' && 'Waiting'}
          {photo.status === 'running' && 'Captioning…'}
          {photo.status === 'cancelled' && 'Cancelled'}
          {captioned && photo.captionMs !== null && `${seconds(photo.captionMs)}${photo.totalMs !== null && photo.totalMs - photo.captionMs > 50 ? ` (${seconds(photo.totalMs)} with loading)` : ''} · ${photo.model}${photo.edited ? ' · edited' : ''}`}
        </span>
        {captioned && !editing && (
          <div className={styles.row}>
            <button type="button" className={styles.button} data-testid="caption-copy" onClick={() => void copy(photo.text, setStatus)}>
              Copy
            </button>
            <button
              type="button"
              className={styles.button}
              data-testid="caption-edit-button"
              onClick={() => {
                setDraft(photo.text);
                setEditing(true);
              }}
            >
              Edit
            </button>
            <button type="button" className={styles.button} data-testid="caption-alt" onClick={() => void copy(altTextTag(photo.text, photo.name), setStatus)}>
              Copy as alt text
            </button>
            <a className={styles.button} data-testid="caption-rename" href={photo.previewUrl} download={fileNameFromCaption(photo.text, photo.name)}>
              Save as {fileNameFromCaption(photo.text, photo.name)}
            </a>
            <span className={styles.meta} aria-live="polite">
              {status}
            </span>
          </div>
        )}
        {captioned && !editing && <ResultActions task="caption" url={photo.previewUrl} fileName={photo.name} title={photo.text} caption={photo.text} settings={{ model: photo.model ?? '', edited: photo.edited }} compact />}
        {(photo.status === 'queued' || photo.status === 'failed' || photo.status === 'cancelled') && (
          <div className={styles.row}>
            <button type="button" className={styles.button} onClick={() => removePhoto(photo.id)}>
              Remove
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

export function CaptionResultView(_props: { input: InputFile }) {
  const photos = useCaptionStore((s) => s.photos);
  const any = photos.some((p) => p.status === 'done' || p.status === 'failed');
  const run = (format: 'csv' | 'json') => {
    try {
      exportCaptions(format);
    } catch (error) {
      showError(toUserMessage(error));
    }
  };
  return (
    <div data-testid="result">
      <ol className={styles.list} data-testid="caption-list" aria-label="Photos and captions">
        {photos.map((p) => (
          <Photo key={p.id} photo={p} />
        ))}
      </ol>
      <div className={styles.exports}>
        <button type="button" className={styles.button} data-testid="export-csv" disabled={!any} onClick={() => run('csv')}>
          Export CSV
        </button>
        <button type="button" className={styles.button} data-testid="export-json" disabled={!any} onClick={() => run('json')}>
          Export JSON
        </button>
      </div>
    </div>
  );
}
