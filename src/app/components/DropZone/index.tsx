import { useEffect, useRef, useState } from 'react';
import type { TaskDefinition } from '../../../features/types';
import { toUserMessage } from '../../../lib/errors';
import { openMany } from '../../../state/batch';
import { droppedFiles } from '../../../lib/dropped';
import { showError } from '../../../state/jobs';
import { useAppStore } from '../../../state/store';
import { canReadClipboard, pastedFiles, readClipboardImage } from './paste';
import styles from './style.module.css';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/**
 * The whole page accepts drops (files and folders) and pastes; the pickers (one photo or many, or a
 * folder) and the Paste button are the keyboard and screen-reader ways in. Two or more photos become
 * a batch where the task can run one (src/state/batch.ts).
 */
export function DropZone({ task }: { task: TaskDefinition }) {
  const [dragging, setDragging] = useState(false);
  const input = useAppStore((s) => s.input);
  // The window listeners are set up once; they hand files to whichever task is chosen at drop time.
  const current = useRef(task);
  useEffect(() => {
    current.current = task;
  }, [task]);
  // Say and pick what this task takes: captions take photos only.
  const videos = task.meta.inputs.includes('video');
  const accept = ['image/*', ...(videos ? ['video/*', '.mkv', '.avi', '.ts', '.mts', '.m2ts', '.mxf'] : []), ...(task.openModel ? ['.onnx'] : [])].join(',');

  useEffect(() => {
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      depth = 0;
      setDragging(false);
      if (!e.dataTransfer) return;
      // Entries are taken now (the DataTransfer empties after this handler); folders are read after.
      void droppedFiles(e.dataTransfer).then(({ files }) => openMany(files, current.current));
    };
    const onPaste = (e: ClipboardEvent) => {
      const files = pastedFiles(e);
      if (files.length === 0) return;
      e.preventDefault();
      void openMany(files, current.current);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('paste', onPaste);
    };
  }, []);

  const paste = async () => {
    try {
      await openMany([await readClipboardImage()], task);
    } catch (error) {
      showError(toUserMessage(error));
    }
  };

  return (
    <div className={input ? styles.compact : styles.zone}>
      <div className={styles.pickers}>
        <label className={styles.picker}>
          <input
            type="file"
            data-testid="file-input"
            className="visually-hidden"
            accept={accept}
            multiple
            onChange={(e) => {
              if (e.target.files) void openMany(Array.from(e.target.files), task);
              e.target.value = '';
            }}
          />
          <span className={styles.button}>{input ? `Choose another photo${videos ? ' or video' : ''}` : `Choose photos${videos ? ' or a video' : ''}`}</span>
        </label>
        <label className={styles.picker}>
          <input
            type="file"
            data-testid="folder-input"
            className="visually-hidden"
            multiple
            {...{ webkitdirectory: '' }}
            onChange={(e) => {
              if (e.target.files) void openMany(Array.from(e.target.files), task);
              e.target.value = '';
            }}
          />
          <span className={styles.secondary}>Choose a folder</span>
        </label>
        {canReadClipboard() && (
          <button type="button" className={styles.secondary} data-testid="paste" onClick={() => void paste()}>
            Paste
          </button>
        )}
      </div>
      <p className={styles.hint}>
        {input ? (
          <>
            Current: <strong>{input.name}</strong>
          </>
        ) : (
          `or drop them anywhere on this page, or paste an image (Ctrl+V). Photos: PNG, JPEG, WebP, any size, one or many.${videos ? ' Videos: MP4, MOV, WebM, MKV, AVI and more, any length.' : ''}`
        )}
      </p>
      {dragging && (
        <div className={styles.overlay} aria-hidden="true">
          Drop to open
        </div>
      )}
    </div>
  );
}
