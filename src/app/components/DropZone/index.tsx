import { useEffect, useRef, useState } from 'react';
import type { TaskDefinition } from '../../../features/types';
import { openFiles } from '../../../state/actions';
import { useAppStore } from '../../../state/store';
import styles from './style.module.css';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** The whole page accepts drops; the picker is the keyboard and screen-reader way in. */
export function DropZone({ task }: { task: TaskDefinition }) {
  const [dragging, setDragging] = useState(false);
  const input = useAppStore((s) => s.input);
  // The window listeners are set up once; they hand files to whichever task is chosen at drop time.
  const current = useRef(task);
  useEffect(() => {
    current.current = task;
  }, [task]);
  const accept = ['image/*', 'video/*', ...(task.openModel ? ['.onnx'] : []), '.mkv', '.avi', '.ts', '.mts', '.m2ts', '.mxf'].join(',');

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
      if (e.dataTransfer?.files.length) void openFiles(e.dataTransfer.files, current.current);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  return (
    <div className={input ? styles.compact : styles.zone}>
      <label className={styles.picker}>
        <input
          type="file"
          data-testid="file-input"
          className="visually-hidden"
          accept={accept}
          onChange={(e) => {
            if (e.target.files) void openFiles(e.target.files, task);
            e.target.value = '';
          }}
        />
        <span className={styles.button}>{input ? 'Choose another photo or video' : 'Choose a photo or video'}</span>
      </label>
      <p className={styles.hint}>
        {input ? <>Current: <strong>{input.name}</strong></> : 'or drop it anywhere on this page. Photos: PNG, JPEG, WebP, any size. Videos: MP4, MOV, WebM, MKV, AVI and more, any length.'}
      </p>
      {dragging && (
        <div className={styles.overlay} aria-hidden="true">
          Drop to open
        </div>
      )}
    </div>
  );
}
